package org.medlora.service.dicom;

import org.medlora.imaging.DecodedImage;
import org.medlora.imaging.ImageLimits;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.imaging.dicom.DicomFile;
import org.medlora.imaging.dicom.DicomImageDecoder;
import org.medlora.imaging.dicom.DicomParser;

/**
 * DICOM request images: parsed once (header and pixel bytes), checked against the limits, and
 * decoded to the frame and window the request asks for.
 *
 * @param limits bytes and pixels, as for PNG and JPEG
 * @param maxFrames largest Number of Frames accepted
 */
public record DicomInput(ImageLimits limits, int maxFrames) {

  /** Whether the bytes are a DICOM Part 10 file rather than a PNG or JPEG. */
  public static boolean isDicom(byte[] bytes) {
    return DicomParser.isPart10(bytes);
  }

  /**
   * Parses a Part 10 file. A deflated data set may inflate to four times the byte limit: deflate
   * rarely does better on radiographs, and a deflate bomb stops there.
   */
  public DicomFile parse(byte[] bytes) throws UnsupportedImageException {
    if (bytes.length > limits.maxBytes()) {
      throw new UnsupportedImageException(UnsupportedImageException.Reason.TOO_LARGE, "input is "
          + bytes.length + " bytes, above the limit of " + limits.maxBytes() + " bytes");
    }
    return DicomParser.parse(bytes, 4 * limits.maxBytes());
  }

  public DecodedImage decode(DicomFile file, DicomImageDecoder.Request request)
      throws UnsupportedImageException {
    return DicomImageDecoder.decode(file, request, limits, maxFrames);
  }
}
