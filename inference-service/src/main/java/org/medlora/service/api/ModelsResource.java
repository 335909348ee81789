package org.medlora.service.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.time.ZonedDateTime;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.medlora.contracts.ManifestCodec;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.ModelManifest;
import org.medlora.imaging.ClassColours;
import org.medlora.imaging.LabelMasks;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.imaging.dicom.DicomImageDecoder;
import org.medlora.imaging.dicom.Window;
import org.medlora.service.api.ApiTypes.Classification;
import org.medlora.service.api.ApiTypes.ModelDetail;
import org.medlora.service.api.ApiTypes.ModelList;
import org.medlora.service.api.ApiTypes.ModelSummary;
import org.medlora.service.api.ApiTypes.SegmentClass;
import org.medlora.service.api.ApiTypes.Segmentation;
import org.medlora.service.config.MedloraConfig;
import org.medlora.service.dicom.SegmentationWriter;
import org.medlora.service.imaging.ImageInput;
import org.medlora.service.imaging.MaskRendering;
import org.medlora.service.models.LoadedModel;
import org.medlora.service.models.ModelRegistry;
import org.medlora.service.models.ModelRefusedException;
import org.medlora.service.models.UnknownModelException;
import org.medlora.store.CorruptModelException;

/**
 * The versioned API: list models and their manifests, classify, segment. Thin: decoding,
 * batching and model choice live in {@link Inference} and the registry.
 */
@Path("/v1/models")
@Blocking
@SecuritySchemes({
  @SecurityScheme(securitySchemeName = "api-key", type = SecuritySchemeType.APIKEY,
      in = SecuritySchemeIn.HEADER, apiKeyName = "X-API-Key",
      description = "One of medlora.auth.api-keys"),
  @SecurityScheme(securitySchemeName = "jwt", type = SecuritySchemeType.HTTP, scheme = "bearer",
      bearerFormat = "JWT", description = "When medlora.auth.jwt.enabled")})
@SecurityRequirement(name = "api-key")
@SecurityRequirement(name = "jwt")
public class ModelsResource {

  static final String IMAGE_PNG = "image/png";
  static final String IMAGE_JPEG = "image/jpeg";
  static final String APPLICATION_DICOM = "application/dicom";
  /** Headers naming the version that answered. */
  static final String TASK_HEADER = "Medlora-Task";
  static final String VERSION_HEADER = "Medlora-Model-Version";

  @Inject ModelRegistry registry;
  @Inject Inference inference;
  @Inject ImageInput images;
  @Inject MedloraConfig config;
  @Inject ObjectMapper json;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Tag(name = "models")
  @Operation(summary = "List the tasks the service knows, with the version serving each")
  public ModelList list() {
    List<ModelSummary> out = new ArrayList<>();
    for (ModelRegistry.TaskStatus s : registry.status()) {
      out.add(summary(s));
    }
    return new ModelList(out);
  }

  @GET
  @Path("/{task}")
  @Produces(MediaType.APPLICATION_JSON)
  @Tag(name = "models")
  @Operation(summary = "One task: the serving version and its manifest")
  @APIResponse(responseCode = "404", description = "No such task")
  public ModelDetail task(@PathParam("task") String task) throws IOException {
    for (ModelRegistry.TaskStatus s : registry.status()) {
      if (s.task().equals(task) && s.current() != null) {
        return new ModelDetail(summary(s), manifestJson(s.current().manifest()));
      }
    }
    throw new UnknownModelException("no model serves task \"" + task + "\"; tasks served: "
        + registry.servedTasks());
  }

  @GET
  @Path("/{task}/versions/{version}")
  @Produces(MediaType.APPLICATION_JSON)
  @Tag(name = "models")
  @Operation(summary = "The manifest of one published version, loaded or not")
  @APIResponse(responseCode = "404", description = "No such task or version, or its manifest is"
      + " damaged")
  public Object version(@PathParam("task") String task, @PathParam("version") int version)
      throws IOException {
    ModelManifest manifest;
    try {
      // The manifest only: a metadata read must not hash the model (loading does that).
      manifest = registry.store().manifest(task, version);
    } catch (NoSuchFileException | IllegalArgumentException e) {
      throw new UnknownModelException("task \"" + task + "\" has no version " + version
          + "; published versions: " + registry.publishedVersions(task));
    } catch (CorruptModelException e) {
      throw new ModelRefusedException(e.getMessage());
    }
    return manifestJson(manifest);
  }

  // ---- classification ----

  @POST
  @Path("/{task}/classify")
  @Consumes({IMAGE_PNG, IMAGE_JPEG, APPLICATION_DICOM, MediaType.APPLICATION_OCTET_STREAM})
  @Produces(MediaType.APPLICATION_JSON)
  @Tag(name = "inference")
  @Operation(summary = "Classify one image (PNG 8/16-bit gray or RGB, JPEG, or DICOM) sent as the body")
  @RequestBody(content = {
    @Content(mediaType = IMAGE_PNG, schema = @Schema(type = SchemaType.STRING, format = "binary")),
    @Content(mediaType = IMAGE_JPEG, schema = @Schema(type = SchemaType.STRING, format = "binary")),
    @Content(mediaType = APPLICATION_DICOM, schema = @Schema(type = SchemaType.STRING, format = "binary"))})
  @APIResponse(responseCode = "200", description = "Label and class probabilities")
  @APIResponse(responseCode = "400", description = "Undecodable or truncated image")
  @APIResponse(responseCode = "404", description = "Unknown task or version")
  @APIResponse(responseCode = "413", description = "Image too large in bytes or pixels")
  @APIResponse(responseCode = "415", description = "Not a PNG, JPEG or DICOM image, or a DICOM"
      + " transfer syntax or pixel format that is not supported")
  @APIResponse(responseCode = "503", description = "Model not ready or queue full; see Retry-After")
  public Response classify(@PathParam("task") String task,
      @Parameter(description = "Pin a version; default: the newest loaded") @QueryParam("version") Integer version,
      @Parameter(description = FRAME) @QueryParam("frame") Integer frame,
      @Parameter(description = WINDOW) @QueryParam("window") String window,
      byte[] body) throws UnsupportedImageException {
    return classification(task, version, source(body, frame, window));
  }

  @POST
  @Path("/{task}/classify")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Produces(MediaType.APPLICATION_JSON)
  @Tag(name = "inference")
  @Operation(summary = "Classify one image sent as the multipart part 'image'")
  public Response classifyMultipart(@PathParam("task") String task,
      @QueryParam("version") Integer version, @QueryParam("frame") Integer frame,
      @QueryParam("window") String window, @RestForm("image") FileUpload image)
      throws UnsupportedImageException, IOException {
    return classification(task, version, source(read(image), frame, window));
  }

  private Response classification(String task, Integer version, ImageInput.Source body)
      throws UnsupportedImageException {
    Inference.Prediction p = inference.predict(task, pin(version), ModelKind.CLASSIFICATION, body);
    List<String> classes = p.manifest().classNames();
    float[] probs = p.result().probabilities();
    Map<String, Float> byName = new LinkedHashMap<>();
    int best = 0;
    for (int i = 0; i < probs.length; i++) {
      byName.put(classes.get(i), probs[i]);
      if (probs[i] > probs[best]) {
        best = i;
      }
    }
    return Response.ok(new Classification(p.task(), p.version(), classes.get(best), probs[best],
            byName, body.sopInstanceUid()), MediaType.APPLICATION_JSON)
        .header(TASK_HEADER, p.task())
        .header(VERSION_HEADER, p.version())
        .build();
  }

  // ---- segmentation ----

  @POST
  @Path("/{task}/segment")
  @Consumes({IMAGE_PNG, IMAGE_JPEG, APPLICATION_DICOM, MediaType.APPLICATION_OCTET_STREAM})
  @Tag(name = "inference")
  @Operation(summary = "Segment one image sent as the body",
      description = "format=png (default): 8-bit label mask PNG at the input image's own size,"
          + " pixel value = class index; format=json: per-class pixel areas and bounding boxes;"
          + " format=overlay: the image with classes blended in colour, as PNG;"
          + " format=dicom (or Accept: application/dicom) for a DICOM source: a DICOM"
          + " Segmentation that references it.")
  @RequestBody(content = {
    @Content(mediaType = IMAGE_PNG, schema = @Schema(type = SchemaType.STRING, format = "binary")),
    @Content(mediaType = IMAGE_JPEG, schema = @Schema(type = SchemaType.STRING, format = "binary")),
    @Content(mediaType = APPLICATION_DICOM, schema = @Schema(type = SchemaType.STRING, format = "binary"))})
  @APIResponse(responseCode = "200", description = "Mask PNG, overlay PNG, JSON areas or DICOM"
      + " Segmentation", content = {@Content(mediaType = IMAGE_PNG),
        @Content(mediaType = MediaType.APPLICATION_JSON), @Content(mediaType = APPLICATION_DICOM)})
  @APIResponse(responseCode = "400", description = "Undecodable or truncated image")
  @APIResponse(responseCode = "404", description = "Unknown task or version")
  @APIResponse(responseCode = "413", description = "Image too large in bytes or pixels")
  @APIResponse(responseCode = "415", description = "Not a PNG, JPEG or DICOM image, or a DICOM"
      + " transfer syntax or pixel format that is not supported")
  @APIResponse(responseCode = "503", description = "Model not ready or queue full; see Retry-After")
  public Response segment(@PathParam("task") String task,
      @Parameter(description = "Pin a version; default: the newest loaded") @QueryParam("version") Integer version,
      @Parameter(description = "png (default), json, overlay or dicom") @QueryParam("format") String format,
      @Parameter(description = FRAME) @QueryParam("frame") Integer frame,
      @Parameter(description = WINDOW) @QueryParam("window") String window,
      @jakarta.ws.rs.HeaderParam(HttpHeaders.ACCEPT) @DefaultValue("*/*") String accept,
      byte[] body) throws UnsupportedImageException {
    return segmentation(task, version, format, accept, source(body, frame, window));
  }

  @POST
  @Path("/{task}/segment")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Tag(name = "inference")
  @Operation(summary = "Segment one image sent as the multipart part 'image'")
  public Response segmentMultipart(@PathParam("task") String task,
      @QueryParam("version") Integer version, @QueryParam("format") String format,
      @QueryParam("frame") Integer frame, @QueryParam("window") String window,
      @jakarta.ws.rs.HeaderParam(HttpHeaders.ACCEPT) @DefaultValue("*/*") String accept,
      @RestForm("image") FileUpload image) throws UnsupportedImageException, IOException {
    return segmentation(task, version, format, accept, source(read(image), frame, window));
  }

  private Response segmentation(String task, Integer version, String format, String accept,
      ImageInput.Source body) throws UnsupportedImageException {
    String f = format(format, accept);
    if (f.equals("dicom")) {
      // Checked before inference: the answer must be able to reference its source.
      SegmentationWriter.checkSource(body.dicom().orElseThrow(() -> new ProblemException(
          Problem.http(406, "a DICOM Segmentation references its source image, so it needs a"
              + " DICOM source; send the image as application/dicom, or ask for png or json",
              null))).dataset());
    }
    Inference.Prediction p = inference.predict(task, pin(version), ModelKind.SEGMENTATION, body);
    long renderStart = System.nanoTime();
    int h = p.image().height();
    int w = p.image().width();
    var r = p.result();
    // Every answer but the PNG, which resizes row by row as it writes, needs the whole mask.
    Supplier<byte[]> mask =
        () -> LabelMasks.resizeNearest(r.mask(), r.maskHeight(), r.maskWidth(), h, w);
    Response.ResponseBuilder out = switch (f) {
      case "png" -> Response.ok(
          LabelMasks.toPng(r.mask(), r.maskHeight(), r.maskWidth(), h, w), IMAGE_PNG);
      case "overlay" -> Response.ok(MaskRendering.overlayPng(p.image(), mask.get()), IMAGE_PNG);
      case "dicom" -> Response.ok(SegmentationWriter.write(body.dicom().orElseThrow().dataset(),
          body.request().frame(), mask.get(), h, w, p.manifest(), ZonedDateTime.now()),
          APPLICATION_DICOM);
      default -> {
        List<SegmentClass> classes = new ArrayList<>();
        for (MaskRendering.ClassArea a : MaskRendering.areas(mask.get(), h, w, p.manifest().classNames())) {
          classes.add(new SegmentClass(a.index(), a.name(), a.pixels(), a.fraction(), a.bbox(),
              ClassColours.hex(a.index())));
        }
        yield Response.ok(new Segmentation(p.task(), p.version(), h, w, classes,
                body.sopInstanceUid()),
            MediaType.APPLICATION_JSON);
      }
    };
    p.stages().rendered(System.nanoTime() - renderStart);
    return out.header(TASK_HEADER, p.task()).header(VERSION_HEADER, p.version()).build();
  }

  /**
   * {@code format} wins; without it, an Accept that names JSON or DICOM but not PNG asks for
   * that.
   */
  static String format(String format, String accept) {
    if (format != null && !format.isBlank()) {
      String f = format.trim().toLowerCase(Locale.ROOT);
      if (!f.equals("png") && !f.equals("json") && !f.equals("overlay") && !f.equals("dicom")) {
        throw new ProblemException(Problem.http(400, "format must be png, json, overlay or dicom,"
            + " got \"" + format + "\"", null));
      }
      return f;
    }
    String a = accept == null ? "" : accept.toLowerCase(Locale.ROOT);
    if (a.contains(IMAGE_PNG)) {
      return "png";
    }
    return a.contains(APPLICATION_DICOM) ? "dicom" : a.contains("application/json") ? "json" : "png";
  }

  /** The request's image, with the DICOM frame and window it asks for. */
  private ImageInput.Source source(byte[] body, Integer frame, String window)
      throws UnsupportedImageException {
    return images.read(body, new DicomImageDecoder.Request(frame == null ? 1 : frame,
        window == null || window.isBlank() ? Optional.empty() : Optional.of(Window.parse(window))));
  }


  private static final String FRAME = "DICOM: the frame to use, counted from 1; default 1";
  private static final String WINDOW = "DICOM grayscale: center,width in modality units, replacing"
      + " the file's first window";

  private OptionalInt pin(Integer version) {
    if (version == null) {
      return OptionalInt.empty();
    }
    if (version < 1) {
      throw new ProblemException(Problem.http(400, "version must be >= 1, got " + version, null));
    }
    return OptionalInt.of(version);
  }

  private byte[] read(FileUpload image) throws IOException {
    if (image == null) {
      throw new ProblemException(Problem.http(400, "the multipart body has no part named 'image';"
          + " send the image file as the form field 'image'", null));
    }
    String type = image.contentType() == null ? "" : image.contentType().toLowerCase(Locale.ROOT);
    if (!type.isEmpty() && !type.startsWith(IMAGE_PNG) && !type.startsWith(IMAGE_JPEG)
        && !type.startsWith(APPLICATION_DICOM)
        && !type.startsWith(MediaType.APPLICATION_OCTET_STREAM)) {
      throw new ProblemException(Problem.of("unsupported-media-type", "Unsupported media type",
              415, "the part 'image' has Content-Type " + type.split(";")[0]
                  + "; send image/png, image/jpeg, application/dicom or application/octet-stream",
              null)
          .with("accepted", List.of(IMAGE_PNG, IMAGE_JPEG, APPLICATION_DICOM,
              MediaType.APPLICATION_OCTET_STREAM)));
    }
    long size = image.size();
    if (size > config.images().maxBytes()) {
      throw new ProblemException(Problem.imageTooLarge("the part 'image' is " + size + " bytes, above the limit of "
          + config.images().maxBytes() + " bytes", null, config.images()));
    }
    return Files.readAllBytes(image.uploadedFile());
  }

  private ModelSummary summary(ModelRegistry.TaskStatus s) {
    LoadedModel m = s.current();
    ModelManifest mf = m == null ? null : m.manifest();
    ModelRegistry.LoadFailure f = s.lastFailure();
    return new ModelSummary(
        s.task(),
        m == null ? null : m.version(),
        mf == null ? null : mf.kind().jsonName(),
        mf == null ? null : mf.classNames(),
        mf == null ? null : new ApiTypes.Size(mf.preprocessing().height(), mf.preprocessing().width()),
        m == null ? null : m.loadedAt(),
        m == null ? null : m.executionProvider().jsonName(),
        registry.publishedVersions(s.task()),
        s.pinnedVersions(),
        s.skipped().stream().map(ModelsResource::failure).toList(),
        f == null ? null : failure(f));
  }

  private static ApiTypes.LoadFailure failure(ModelRegistry.LoadFailure f) {
    return new ApiTypes.LoadFailure(f.version(), f.reason(), f.at());
  }

  private JsonNode manifestJson(ModelManifest manifest) throws IOException {
    return json.readTree(ManifestCodec.toJson(manifest));
  }
}
