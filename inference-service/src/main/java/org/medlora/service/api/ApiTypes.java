package org.medlora.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.medlora.service.imaging.MaskRendering;

/** The JSON bodies of the /v1 API (keys in kebab-case). */
public final class ApiTypes {

  private ApiTypes() {}

  /** Model input size in pixels. */
  @RegisterForReflection
  public record Size(int height, int width) {}

  /** Why a version of a task was refused (an older one serves, if any loads). */
  @RegisterForReflection
  public record LoadFailure(int version, String reason, Instant at) {}

  /**
   * One task in {@code GET /v1/models}: the serving version, and the newer versions skipped
   * because they were refused, newest first.
   */
  @RegisterForReflection
  public record ModelSummary(String task, Integer version, String kind, List<String> classNames,
      Size inputSize, Instant loadedAt, String executionProvider, List<Integer> publishedVersions,
      List<Integer> pinnedVersionsLoaded, List<LoadFailure> skippedVersions,
      LoadFailure lastLoadFailure) {}

  @RegisterForReflection
  public record ModelList(List<ModelSummary> models) {}

  /** {@code GET /v1/models/{task}}: the summary plus the serving version's manifest. */
  @RegisterForReflection
  public record ModelDetail(ModelSummary model, Object manifest) {}

  /**
   * {@code POST /v1/models/{task}/classify}; {@code sourceSopInstanceUid} echoes a DICOM
   * image's SOP Instance UID (absent for PNG and JPEG).
   */
  @RegisterForReflection
  public record Classification(String task, int version, String label, float score,
      Map<String, Float> probabilities,
      @JsonInclude(JsonInclude.Include.NON_NULL) String sourceSopInstanceUid) {}

  /** {@code POST /v1/models/{task}/segment?format=json}; the UID as in {@link Classification}. */
  @RegisterForReflection
  public record Segmentation(String task, int version, int height, int width,
      List<SegmentClass> classes,
      @JsonInclude(JsonInclude.Include.NON_NULL) String sourceSopInstanceUid) {}

  @RegisterForReflection
  public record SegmentClass(int index, String name, long pixels, double fraction,
      MaskRendering.Box bbox, String overlayColour) {}
}
