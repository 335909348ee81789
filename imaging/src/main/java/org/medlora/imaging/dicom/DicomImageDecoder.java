package org.medlora.imaging.dicom;

import com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import org.medlora.imaging.DecodedImage;
import org.medlora.imaging.ImageDecoder;
import org.medlora.imaging.ImageLimits;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.imaging.UnsupportedImageException.Reason;

/**
 * One frame of a DICOM image as a radiologist's viewer shows it, as a {@link DecodedImage} on the
 * 0..255 scale: stored values, then the Modality LUT (rescale slope and intercept, or a Modality
 * LUT Sequence), then the VOI (the request's window, else the file's first window, else its
 * first VOI LUT, else the whole range the stored bits can hold, linearly), MONOCHROME1 inverted.
 * Colour (RGB, YBR_FULL, YBR_FULL_422; 8 bit) becomes RGB.
 *
 * <p>The whole-range default maps an 8-bit image without a window to itself and a 16-bit one to
 * {@code v * 255 / 65535}, exactly as {@link ImageDecoder} maps PNGs: the same pixels sent as
 * DICOM or as PNG give the model the same input.
 *
 * <p>Rows, columns and frames are checked against the limits before any pixel is decoded.
 */
public final class DicomImageDecoder {

  /**
   * What to decode.
   *
   * @param frame the frame, counted from 1 as DICOM counts them
   * @param window a window that replaces the file's, for grayscale images
   */
  public record Request(int frame, Optional<Window> window) {

    public static final Request FIRST_FRAME = new Request(1, Optional.empty());

    public Request {
      if (frame < 1) {
        throw new IllegalArgumentException("frame counts from 1, got " + frame);
      }
    }
  }

  private enum Photometric {
    MONOCHROME1, MONOCHROME2, RGB, YBR_FULL, YBR_FULL_422;

    boolean gray() {
      return this == MONOCHROME1 || this == MONOCHROME2;
    }
  }

  /** The Image Pixel module (PS3.3 C.7.6.3), validated. */
  private record PixelModule(int rows, int columns, int samples, Photometric photometric,
      int bitsAllocated, int bitsStored, int highBit, boolean signed, boolean planar,
      int frames) {

    /** Bytes of one frame in native (uncompressed) encoding. */
    long nativeFrameBytes() {
      long pixels = (long) rows * columns;
      if (photometric == Photometric.YBR_FULL_422) {
        return pixels * 2;
      }
      return pixels * samples * (bitsAllocated / 8);
    }
  }

  private DicomImageDecoder() {}

  /**
   * Decodes one frame.
   *
   * @param maxFrames largest Number of Frames accepted
   * @throws UnsupportedImageException CORRUPT if the image module or pixel data is missing or
   *     inconsistent, UNSUPPORTED_FORMAT for encodings outside the class comment, TOO_LARGE above
   *     the limits
   * @throws IllegalArgumentException if the request names a frame the file lacks, or a window
   *     for a colour image
   */
  public static DecodedImage decode(DicomFile file, Request request, ImageLimits limits,
      int maxFrames) throws UnsupportedImageException {
    DicomObject ds = file.dataset();
    if (!ds.contains(Tag.PIXEL_DATA)) {
      throw DicomParser.corrupt("the DICOM object has no Pixel Data " + Tag.format(Tag.PIXEL_DATA)
          + "; send an image (CR, DX, US, secondary capture), not a report or other object");
    }
    PixelModule px = pixelModule(ds);
    long pixels = (long) px.rows() * px.columns();
    if (pixels > limits.maxPixels()) {
      throw new UnsupportedImageException(Reason.TOO_LARGE, "DICOM image is " + px.columns()
          + "x" + px.rows() + " = " + pixels + " pixels, above the limit of "
          + limits.maxPixels() + " pixels");
    }
    if (px.frames() > maxFrames) {
      throw new UnsupportedImageException(Reason.TOO_LARGE, "DICOM image has " + px.frames()
          + " frames, above the limit of " + maxFrames + " frames");
    }
    if (request.frame() > px.frames()) {
      throw new IllegalArgumentException("frame " + request.frame() + " does not exist: the image"
          + " has " + px.frames() + (px.frames() == 1 ? " frame" : " frames")
          + " (frames count from 1)");
    }
    if (request.window().isPresent() && !px.photometric().gray()) {
      throw new IllegalArgumentException("window applies to grayscale images; this one is "
          + px.photometric());
    }
    int frame = request.frame() - 1;
    int[] stored = file.transferSyntax().jpeg()
        ? jpegFrame(file.transferSyntax(), ds, px, frame)
        : nativeFrame(ds, px, frame);
    return px.photometric().gray()
        ? grayscale(ds, px, stored, request.window())
        : colour(px, stored, file.transferSyntax().jpeg());
  }

  private static PixelModule pixelModule(DicomObject ds) throws UnsupportedImageException {
    int rows = required(ds, Tag.ROWS, "Rows");
    int columns = required(ds, Tag.COLUMNS, "Columns");
    int samples = ds.unsignedShort(Tag.SAMPLES_PER_PIXEL).orElse(1);
    int allocated = required(ds, Tag.BITS_ALLOCATED, "Bits Allocated");
    int stored = ds.unsignedShort(Tag.BITS_STORED).orElse(allocated);
    int highBit = ds.unsignedShort(Tag.HIGH_BIT).orElse(stored - 1);
    boolean signed = ds.unsignedShort(Tag.PIXEL_REPRESENTATION).orElse(0) == 1;
    boolean planar = ds.unsignedShort(Tag.PLANAR_CONFIGURATION).orElse(0) == 1;
    String pi = ds.string(Tag.PHOTOMETRIC_INTERPRETATION).orElse(samples == 1 ? "MONOCHROME2" : "");
    int frames;
    try {
      frames = (int) ds.decimal(Tag.NUMBER_OF_FRAMES).orElse(1);
    } catch (NumberFormatException e) {
      throw DicomParser.corrupt("Number of Frames " + Tag.format(Tag.NUMBER_OF_FRAMES)
          + " is not a number");
    }
    if (rows == 0 || columns == 0 || frames < 1) {
      throw DicomParser.corrupt("DICOM image declares " + columns + "x" + rows + " pixels and "
          + frames + " frames; each must be at least 1");
    }
    Photometric photometric = null;
    for (Photometric p : Photometric.values()) {
      if (p.name().equals(pi)) {
        photometric = p;
      }
    }
    if (photometric == null) {
      throw new UnsupportedImageException(Reason.UNSUPPORTED_FORMAT, "DICOM Photometric"
          + " Interpretation " + (pi.matches("[A-Z0-9_ ]{1,16}") ? pi : "(malformed)")
          + " is not supported; accepted: MONOCHROME1, MONOCHROME2, RGB, YBR_FULL, YBR_FULL_422");
    }
    if (samples != (photometric.gray() ? 1 : 3)) {
      throw DicomParser.corrupt("Samples per Pixel is " + samples + " for " + photometric);
    }
    boolean grayBits = allocated == 8 || allocated == 16;
    if (photometric.gray() ? !grayBits : allocated != 8 || stored != 8) {
      throw new UnsupportedImageException(Reason.UNSUPPORTED_FORMAT, "DICOM " + photometric
          + " with " + allocated + " bits allocated and " + stored + " stored; accepted: gray"
          + " with 8 or 16 bits allocated, colour with 8");
    }
    if (stored < 1 || stored > allocated || highBit < stored - 1 || highBit >= allocated) {
      throw DicomParser.corrupt("inconsistent bit layout: " + allocated + " bits allocated, "
          + stored + " stored, high bit " + highBit);
    }
    return new PixelModule(rows, columns, samples, photometric, allocated, stored, highBit,
        signed, planar, frames);
  }

  private static int required(DicomObject ds, int tag, String name)
      throws UnsupportedImageException {
    return ds.unsignedShort(tag).orElseThrow(() -> DicomParser.corrupt(
        "the DICOM image has no " + name + " " + Tag.format(tag)));
  }

  // ---- stored values of one frame, pixel-interleaved ----

  private static int[] nativeFrame(DicomObject ds, PixelModule px, int frame)
      throws UnsupportedImageException {
    byte[] data = ds.bytes(Tag.PIXEL_DATA);
    if (data == null) {
      throw DicomParser.corrupt("the pixel data is encapsulated, but the transfer syntax is not");
    }
    long frameBytes = px.nativeFrameBytes();
    long needed = frameBytes * px.frames();
    if (data.length < needed) {
      throw DicomParser.corrupt("inconsistent lengths: the pixel data holds " + data.length
          + " bytes, but " + px.frames() + " frame(s) of " + px.columns() + "x" + px.rows()
          + " with " + px.samples() + " sample(s) of " + px.bitsAllocated() + " bits need "
          + needed);
    }
    int offset = (int) (frameBytes * frame);
    int n = px.rows() * px.columns();
    int[] out = new int[n * px.samples()];
    if (px.photometric() == Photometric.YBR_FULL_422) {
      // Pairs of pixels share chroma: Y1 Y2 Cb Cr (PS3.3 C.7.6.3.1.2).
      for (int i = 0; i + 1 < n; i += 2) {
        int o = offset + 2 * i;
        int cb = data[o + 2] & 0xff;
        int cr = data[o + 3] & 0xff;
        out[3 * i] = data[o] & 0xff;
        out[3 * i + 3] = data[o + 1] & 0xff;
        out[3 * i + 1] = out[3 * i + 4] = cb;
        out[3 * i + 2] = out[3 * i + 5] = cr;
      }
      return out;
    }
    int samples = px.samples();
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < samples; s++) {
        // Planar configuration 1 stores each colour plane whole, one after the other.
        int index = px.planar() ? s * n + i : i * samples + s;
        int raw = px.bitsAllocated() == 8 ? data[offset + index] & 0xff
            : (data[offset + 2 * index] & 0xff) | (data[offset + 2 * index + 1] & 0xff) << 8;
        out[i * samples + s] = raw;
      }
    }
    return out;
  }

  private static int[] jpegFrame(TransferSyntax syntax, DicomObject ds, PixelModule px, int frame)
      throws UnsupportedImageException {
    List<byte[]> fragments = ds.fragments(Tag.PIXEL_DATA);
    if (fragments == null || fragments.size() < 2) {
      throw DicomParser.corrupt("the transfer syntax is " + syntax
          + ", but the pixel data is not encapsulated JPEG fragments");
    }
    byte[] jpeg = frameBytes(fragments, px.frames(), frame);
    if (syntax == TransferSyntax.JPEG_EXTENDED && px.bitsStored() > 8) {
      // 12-bit DCT: no reader on Maven Central decodes it, so medlora's own does.
      return DctJpegDecoder.decode(jpeg, px.columns(), px.rows());
    }
    boolean j2k = syntax == TransferSyntax.JPEG_2000_LOSSLESS
        || syntax == TransferSyntax.JPEG_2000;
    if (j2k) {
      Jpeg2000Header.check(jpeg, px.columns(), px.rows(), px.samples());
    }
    BufferedImage image;
    try {
      image = j2k
          ? ImageDecoder.readExpecting(new J2KImageReaderSpi().createReaderInstance(), jpeg,
              px.columns(), px.rows())
          : ImageDecoder.readJpeg(jpeg, px.columns(), px.rows());
    } catch (IOException | RuntimeException | Error e) {
      // JJ2000 throws plain Errors (its NotImplementedError among them) for some damaged
      // codestreams; only the virtual machine's own are not about the data.
      if (e instanceof VirtualMachineError vmError) {
        throw vmError;
      }
      throw new UnsupportedImageException(Reason.CORRUPT, "damaged "
          + (j2k ? "JPEG 2000" : "JPEG") + " data in DICOM frame " + (frame + 1) + ": "
          + e.getMessage(), e);
    }
    Raster raster = image.getRaster();
    if (raster.getWidth() != px.columns() || raster.getHeight() != px.rows()
        || raster.getNumBands() < px.samples()) {
      throw DicomParser.corrupt("the JPEG in frame " + (frame + 1) + " is " + raster.getWidth()
          + "x" + raster.getHeight() + " with " + raster.getNumBands() + " band(s), but the"
          + " DICOM header says " + px.columns() + "x" + px.rows() + " with " + px.samples());
    }
    int n = px.rows() * px.columns();
    int[] out = new int[n * px.samples()];
    int[] plane = new int[n];
    for (int s = 0; s < px.samples(); s++) {
      raster.getSamples(0, 0, px.columns(), px.rows(), s, plane);
      for (int i = 0; i < n; i++) {
        out[i * px.samples() + s] = plane[i];
      }
    }
    return out;
  }

  /**
   * The JPEG stream of one frame: all fragments for a single frame, else one fragment per frame,
   * else the fragments the basic offset table assigns to it (PS3.5 A.4).
   */
  private static byte[] frameBytes(List<byte[]> fragments, int frames, int frame)
      throws UnsupportedImageException {
    List<byte[]> data = fragments.subList(1, fragments.size());
    if (frames == 1) {
      return concat(data);
    }
    if (data.size() == frames) {
      return data.get(frame);
    }
    byte[] table = fragments.get(0);
    if (table.length != 4 * frames) {
      throw DicomParser.corrupt(frames + " frames in " + data.size() + " fragments without a"
          + " basic offset table to tell them apart");
    }
    long start = u32(table, frame);
    long end = frame + 1 < frames ? u32(table, frame + 1) : Long.MAX_VALUE;
    List<byte[]> parts = new ArrayList<>();
    long position = 0;
    for (byte[] fragment : data) {
      if (position >= start && position < end) {
        parts.add(fragment);
      }
      // Offsets count from the first fragment's item tag: 8 header bytes per fragment.
      position += 8 + fragment.length;
    }
    if (parts.isEmpty()) {
      throw DicomParser.corrupt("the basic offset table points frame " + (frame + 1)
          + " past the pixel data");
    }
    return concat(parts);
  }

  private static long u32(byte[] b, int index) {
    int o = 4 * index;
    return (b[o] & 0xffL) | (b[o + 1] & 0xffL) << 8 | (b[o + 2] & 0xffL) << 16
        | (b[o + 3] & 0xffL) << 24;
  }

  private static byte[] concat(List<byte[]> parts) {
    if (parts.size() == 1) {
      return parts.get(0); // the usual single-fragment frame: no copy
    }
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  // ---- grayscale: stored value -> modality -> VOI -> display ----

  private static DecodedImage grayscale(DicomObject ds, PixelModule px, int[] stored,
      Optional<Window> requested) throws UnsupportedImageException {
    int bits = px.bitsStored();
    int min = px.signed() ? -(1 << (bits - 1)) : 0;
    int max = px.signed() ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    int shift = px.highBit() + 1 - bits;
    // Every stored value maps through one table: at most 65536 entries, each computed once.
    double[] modality = new double[max - min + 1];
    Optional<Lut> modalityLut = Lut.first(ds, Tag.MODALITY_LUT_SEQUENCE, px.signed());
    double slope = number(ds, Tag.RESCALE_SLOPE, 1);
    double intercept = number(ds, Tag.RESCALE_INTERCEPT, 0);
    for (int v = min; v <= max; v++) {
      modality[v - min] = modalityLut.isPresent() ? modalityLut.get().apply(v)
          : v * slope + intercept;
    }
    Voi voi = voi(ds, px, modality, requested);
    boolean invert = px.photometric() == Photometric.MONOCHROME1;
    float[] display = new float[modality.length];
    for (int i = 0; i < modality.length; i++) {
      double y = Math.min(255, Math.max(0, voi.apply(modality[i])));
      display[i] = (float) (invert ? 255 - y : y);
    }
    int mask = (1 << bits) - 1;
    int signBit = 1 << (bits - 1);
    float[] samples = new float[stored.length];
    for (int i = 0; i < stored.length; i++) {
      int v = (stored[i] >>> shift) & mask;
      if (px.signed() && (v & signBit) != 0) {
        v -= 1 << bits;
      }
      samples[i] = display[v - min];
    }
    return DecodedImage.wrap(1, px.rows(), px.columns(), px.bitsAllocated(), samples);
  }

  /** A VOI transform from modality values to 0..255. */
  private interface Voi {
    double apply(double x);
  }

  private static Voi voi(DicomObject ds, PixelModule px, double[] modality,
      Optional<Window> requested) throws UnsupportedImageException {
    String function = ds.string(Tag.VOI_LUT_FUNCTION).orElse("LINEAR").toUpperCase(Locale.ROOT);
    Optional<Window> window = requested.isPresent() ? requested : fileWindow(ds);
    if (window.isPresent()) {
      double c = window.get().center();
      double w = window.get().width();
      return switch (function) {
        // PS3.3 C.11.2.1.3.1 and .3.2
        case "LINEAR_EXACT" -> x -> ((x - c) / w + 0.5) * 255;
        case "SIGMOID" -> x -> 255 / (1 + Math.exp(-4 * (x - c) / w));
        // PS3.3 C.11.2.1.2.1
        default -> x -> x <= c - 0.5 - (w - 1) / 2 ? 0
            : x > c - 0.5 + (w - 1) / 2 ? 255
            : ((x - (c - 0.5)) / (w - 1) + 0.5) * 255;
      };
    }
    Optional<Lut> lut = Lut.first(ds, Tag.VOI_LUT_SEQUENCE, px.signed());
    if (lut.isPresent()) {
      Lut l = lut.get();
      double top = (1 << l.bits()) - 1;
      return x -> l.apply(Math.floor(x)) * 255 / top;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double m : modality) {
      lo = Math.min(lo, m);
      hi = Math.max(hi, m);
    }
    double low = lo;
    double span = hi > lo ? hi - lo : 1;
    return x -> (x - low) * 255 / span;
  }

  /** The first window centre and width; a window with width below 1 is no window. */
  private static Optional<Window> fileWindow(DicomObject ds) throws UnsupportedImageException {
    OptionalDouble c = firstNumber(ds, Tag.WINDOW_CENTER);
    OptionalDouble w = firstNumber(ds, Tag.WINDOW_WIDTH);
    if (c.isEmpty() || w.isEmpty() || !(w.getAsDouble() >= 1)
        || !Double.isFinite(c.getAsDouble())) {
      return Optional.empty();
    }
    return Optional.of(new Window(c.getAsDouble(), w.getAsDouble()));
  }

  private static double number(DicomObject ds, int tag, double otherwise)
      throws UnsupportedImageException {
    return firstNumber(ds, tag).orElse(otherwise);
  }

  private static OptionalDouble firstNumber(DicomObject ds, int tag)
      throws UnsupportedImageException {
    try {
      return ds.decimal(tag);
    } catch (NumberFormatException e) {
      throw DicomParser.corrupt("element " + Tag.format(tag) + " is not a decimal number");
    }
  }

  // ---- colour ----

  private static DecodedImage colour(PixelModule px, int[] stored, boolean decodedByJpeg) {
    int n = px.rows() * px.columns();
    float[] samples = new float[3 * n];
    // The JPEG reader turns YCbCr into RGB itself; native YBR is converted here.
    boolean ybr = !decodedByJpeg && px.photometric() != Photometric.RGB;
    for (int i = 0; i < n; i++) {
      double r = stored[3 * i];
      double g = stored[3 * i + 1];
      double b = stored[3 * i + 2];
      if (ybr) {
        // Full-range YCbCr to RGB (PS3.3 C.7.6.3.1.2, ITU-R BT.601 without head-room).
        double y = r;
        double cb = g - 128;
        double cr = b - 128;
        r = y + 1.402 * cr;
        g = y - 0.344136 * cb - 0.714136 * cr;
        b = y + 1.772 * cb;
      }
      samples[i] = clamp(r);
      samples[n + i] = clamp(g);
      samples[2 * n + i] = clamp(b);
    }
    return DecodedImage.wrap(3, px.rows(), px.columns(), 8, samples);
  }

  private static float clamp(double v) {
    return (float) Math.min(255, Math.max(0, v));
  }
}
