package org.medlora.service.imaging;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.medlora.imaging.DecodedImage;
import org.medlora.imaging.ImageDecoder;
import org.medlora.imaging.ImageLimits;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.imaging.dicom.DicomFile;
import org.medlora.imaging.dicom.DicomImageDecoder;
import org.medlora.imaging.dicom.Tag;
import org.medlora.service.config.MedloraConfig;
import org.medlora.service.dicom.DicomInput;

/**
 * Request images through the shared {@link ImageDecoder}, with the limits of
 * {@code medlora.images.*}: the same decoding the trainer uses, so serving cannot drift from it.
 * DICOM files go through {@link DicomInput}, recognised by their "DICM" marker whatever the
 * Content-Type says.
 */
@ApplicationScoped
public class ImageInput {

  @Inject MedloraConfig config;

  private ImageLimits limits;
  private DicomInput dicomInput;

  /**
   * A request's image, read but not yet decoded: decoding waits until the model is chosen.
   *
   * @param dicom the parsed DICOM file, if the image is one; DICOM answers need its data set
   * @param request the frame and window to decode, for DICOM
   */
  public record Source(byte[] bytes, Optional<DicomFile> dicom,
      DicomImageDecoder.Request request) {

    /** A DICOM source's SOP Instance UID, echoed so that answers can be matched to images. */
    public String sopInstanceUid() {
      return dicom.flatMap(d -> d.dataset().string(Tag.SOP_INSTANCE_UID)).orElse(null);
    }
  }

  @PostConstruct
  void init() {
    limits = new ImageLimits(config.images().maxBytes(), config.images().maxPixels());
    dicomInput = new DicomInput(limits, config.images().maxFrames());
  }

  public ImageLimits limits() {
    return limits;
  }

  /**
   * Reads a request's image: a DICOM file is parsed (its header checked) now, a PNG or JPEG
   * is decoded later by {@link #decode(Source)}.
   *
   * @throws UnsupportedImageException for a malformed or unsupported DICOM file
   * @throws IllegalArgumentException if a frame or window is asked of a PNG or JPEG
   */
  public Source read(byte[] bytes, DicomImageDecoder.Request request)
      throws UnsupportedImageException {
    if (DicomInput.isDicom(bytes)) {
      return new Source(bytes, Optional.of(dicomInput.parse(bytes)), request);
    }
    if (!request.equals(DicomImageDecoder.Request.FIRST_FRAME)) {
      throw new IllegalArgumentException("frame and window apply to DICOM images only; this"
          + " image is not DICOM");
    }
    return new Source(bytes, Optional.empty(), request);
  }

  /**
   * Decodes a PNG, JPEG or DICOM image.
   *
   * @throws UnsupportedImageException whose reason maps to 415, 400 or 413
   */
  public DecodedImage decode(Source source) throws UnsupportedImageException {
    if (source.dicom().isPresent()) {
      return dicomInput.decode(source.dicom().get(), source.request());
    }
    return ImageDecoder.decode(source.bytes(), limits);
  }
}
