package org.medlora.imaging;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.medlora.imaging.UnsupportedImageException.Reason;

/**
 * Decodes PNG and JPEG files into {@link DecodedImage}s on the 0..255 scale.
 *
 * <p>Accepted: PNG (gray, gray+alpha, RGB, RGBA, palette; 1 to 16 bits) and baseline or
 * progressive JPEG (gray, RGB/YCbCr, and CMYK or YCCK as scanners write them; 8 bit). Alpha is
 * dropped, palettes are expanded to RGB (to gray if every palette entry is gray), 16-bit samples
 * become {@code v * 255 / 65535}. No gamma or colour profile is applied to PNGs. JPEGs with an
 * embedded ICC profile are converted to sRGB with it; CMYK without one by the plain formula
 * {@code R = (255 - C)(255 - K) / 255} (TwelveMonkeys' fallback where the system has no generic
 * CMYK profile, as on Linux). A JPEG's EXIF orientation is applied, so images come out as a
 * viewer displays them; see {@link ExifOrientation}.
 *
 * <p>Every failure is an {@link UnsupportedImageException}; the dimensions are checked against
 * {@link ImageLimits} from the header before pixel data is decoded.
 */
public final class ImageDecoder {

  private static final byte[] PNG_SIGNATURE = {
    (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
  };
  private static final byte[] JPEG_SOI = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

  /** How much of a JPEG to read for its EXIF orientation: its APP1 segment is at most 64 KiB. */
  private static final int EXIF_WINDOW = 128 * 1024;

  /** Largest sample count a float[] can hold on common JVMs. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private ImageDecoder() {}

  private enum Format {
    PNG,
    JPEG
  }

  /**
   * Decodes a PNG or JPEG held in memory.
   *
   * @throws UnsupportedImageException if the input is empty, not PNG/JPEG, damaged, or above
   *     {@code limits}
   */
  public static DecodedImage decode(byte[] bytes, ImageLimits limits)
      throws UnsupportedImageException {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(limits, "limits");
    if (bytes.length == 0) {
      throw new UnsupportedImageException(
          Reason.CORRUPT, "empty input (0 bytes); " + accepted(limits));
    }
    if (bytes.length > limits.maxBytes()) {
      throw tooManyBytes(bytes.length, limits);
    }
    Format format = sniff(bytes, limits);
    ImageReader reader = reader(format);
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      // Forward-only and without metadata: we need the pixels of image 0 and nothing else.
      reader.setInput(in, true, true);
      Supplier<String> damage = firstDamageWarning(reader);

      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      checkSize(format, width, height, limits);

      BufferedImage image = reader.read(0);
      if (damage.get() != null) {
        throw new UnsupportedImageException(
            Reason.CORRUPT,
            "damaged " + format + " data: the decoder reported \"" + damage.get() + "\"");
      }
      if (image == null || image.getWidth() != width || image.getHeight() != height) {
        throw new UnsupportedImageException(
            Reason.CORRUPT,
            format + " header says " + width + "x" + height + " but the decoder produced "
                + (image == null ? "nothing" : image.getWidth() + "x" + image.getHeight()));
      }
      DecodedImage decoded = toDecodedImage(image, format);
      return format == Format.JPEG ? ExifOrientation.of(bytes).apply(decoded) : decoded;
    } catch (IOException e) {
      throw new UnsupportedImageException(
          Reason.CORRUPT,
          "truncated or damaged " + format + " data: " + e.getMessage() + "; " + accepted(limits),
          e);
    } catch (RuntimeException e) {
      // ImageIO plugins throw unchecked exceptions on some malformed inputs; none may escape.
      throw new UnsupportedImageException(
          Reason.CORRUPT, "malformed " + format + " data: " + e + "; " + accepted(limits), e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * Reads and decodes a PNG or JPEG file; error messages name the file.
   *
   * @throws IOException if the file cannot be read
   * @throws UnsupportedImageException as {@link #decode(byte[], ImageLimits)}
   */
  public static DecodedImage decode(Path file, ImageLimits limits)
      throws IOException, UnsupportedImageException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(limits, "limits");
    // Checked before reading so an oversized file is never loaded into memory.
    long size = Files.size(file);
    try {
      if (size > limits.maxBytes()) {
        throw tooManyBytes(size, limits);
      }
      return decode(Files.readAllBytes(file), limits);
    } catch (UnsupportedImageException e) {
      throw new UnsupportedImageException(e.reason(), file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The size {@code file} is displayed at, read from its header without decoding a pixel, with the
   * reader {@link #decode} uses, and turned by a JPEG's EXIF orientation as {@code decode} turns
   * the pixels: enough to screen thousands of radiographs for mask size mismatches in seconds.
   *
   * @throws IOException if the file cannot be read or its header is damaged (ImageIO's plugins
   *     may also throw unchecked exceptions on malformed headers)
   * @throws UnsupportedImageException if it is not a PNG or JPEG
   */
  public static ImageSize displayedSize(Path file) throws IOException, UnsupportedImageException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(EXIF_WINDOW);
    }
    Format format;
    if (startsWith(head, 0, PNG_SIGNATURE)) {
      format = Format.PNG;
    } else if (startsWith(head, 0, JPEG_SOI)) {
      format = Format.JPEG;
    } else {
      throw new UnsupportedImageException(Reason.UNSUPPORTED_FORMAT, file + " is not a PNG or JPEG image");
    }
    ImageReader reader = reader(format);
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      boolean turned = format == Format.JPEG && ExifOrientation.of(head).swapsAxes();
      return turned ? new ImageSize(height, width) : new ImageSize(width, height);
    } finally {
      reader.dispose();
    }
  }

  /**
   * Decodes one JPEG stream (baseline, extended 8-bit or lossless) with the reader
   * {@link #decode} uses, without colour conversion beyond the reader's own YCbCr to RGB and
   * without EXIF handling: for JPEG frames inside DICOM files, whose samples are the stored values.
   *
   * @throws IOException if the stream is damaged, uses a process the reader lacks, or its
   *     header declares another size than {@code width x height} (checked before decoding)
   */
  public static BufferedImage readJpeg(byte[] jpeg, int width, int height) throws IOException {
    return readExpecting(reader(Format.JPEG), jpeg, width, height);
  }

  /**
   * Decodes the first image of {@code encoded} with {@code reader} (which this disposes), as
   * {@link #readJpeg} does: the size is checked before decoding and a reader warning is an error.
   */
  public static BufferedImage readExpecting(ImageReader reader, byte[] encoded, int width,
      int height) throws IOException {
    try (ImageInputStream in = new MemoryCacheImageInputStream(
        new ByteArrayInputStream(encoded))) {
      reader.setInput(in, true, true);
      if (reader.getWidth(0) != width || reader.getHeight(0) != height) {
        throw new IOException("the header declares " + reader.getWidth(0) + "x"
            + reader.getHeight(0) + ", not the expected " + width + "x" + height);
      }
      Supplier<String> damage = firstDamageWarning(reader);
      BufferedImage image = reader.read(0);
      if (damage.get() != null) {
        throw new IOException("the decoder reported \"" + damage.get() + "\"");
      }
      return image;
    } finally {
      reader.dispose();
    }
  }

  /**
   * The first warning of {@code reader} that means damage: the JPEG reader fills missing data
   * with gray and only warns. A missing or unusable colour profile is not damage: the pixels are
   * whole.
   */
  private static Supplier<String> firstDamageWarning(ImageReader reader) {
    String[] first = new String[1];
    reader.addIIOReadWarningListener((source, warning) -> {
      if (first[0] == null && !warning.contains("color profile")) {
        first[0] = warning;
      }
    });
    return () -> first[0];
  }

  private static UnsupportedImageException tooManyBytes(long size, ImageLimits limits) {
    return new UnsupportedImageException(
        Reason.TOO_LARGE,
        "input is " + size + " bytes, above the limit of " + limits.maxBytes() + " bytes");
  }

  private static Format sniff(byte[] bytes, ImageLimits limits) throws UnsupportedImageException {
    if (startsWith(bytes, 0, PNG_SIGNATURE)) {
      return Format.PNG;
    }
    if (startsWith(bytes, 0, JPEG_SOI)) {
      return Format.JPEG;
    }
    throw new UnsupportedImageException(
        Reason.UNSUPPORTED_FORMAT,
        "unsupported format: " + describeUnknown(bytes) + "; " + accepted(limits));
  }

  /** Names common formats people send by mistake, so the message says what was seen. */
  private static String describeUnknown(byte[] b) {
    String seen;
    if (startsWith(b, 0, ascii("GIF8"))) {
      seen = "GIF";
    } else if (startsWith(b, 0, ascii("BM"))) {
      seen = "BMP";
    } else if (startsWith(b, 0, ascii("II*\0")) || startsWith(b, 0, ascii("MM\0*"))) {
      seen = "TIFF";
    } else if (startsWith(b, 0, ascii("RIFF")) && startsWith(b, 8, ascii("WEBP"))) {
      seen = "WebP";
    } else if (startsWith(b, 128, ascii("DICM"))) {
      seen = "DICOM";
    } else {
      seen = "unrecognized data";
    }
    int n = Math.min(b.length, 8);
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < n; i++) {
      hex.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xff));
    }
    return seen + " (" + b.length + " bytes, starting " + hex + ")";
  }

  private static String accepted(ImageLimits limits) {
    return "accepted: PNG or JPEG, gray or RGB (JPEG also CMYK), at most " + limits.maxBytes()
        + " bytes and " + limits.maxPixels() + " pixels";
  }

  private static void checkSize(Format format, int width, int height, ImageLimits limits)
      throws UnsupportedImageException {
    if (width <= 0 || height <= 0) {
      throw new UnsupportedImageException(
          Reason.CORRUPT, format + " header declares a zero-size image " + width + "x" + height);
    }
    long pixels = (long) width * height;
    if (pixels > limits.maxPixels()) {
      throw new UnsupportedImageException(
          Reason.TOO_LARGE,
          format + " header declares " + width + "x" + height + " = " + pixels
              + " pixels, above the limit of " + limits.maxPixels() + " pixels");
    }
    if (3 * pixels > MAX_ARRAY) {
      throw new UnsupportedImageException(
          Reason.TOO_LARGE,
          format + " image " + width + "x" + height + " has more samples than one array holds");
    }
  }

  /**
   * PNG: the JDK's reader. JPEG: TwelveMonkeys' reader, which wraps the JDK's and adds CMYK and
   * YCCK. Both are chosen by class, never by what else is on the class path, so that training and
   * serving decode alike, and found once: looking them up walks ImageIO's registry.
   */
  private static ImageReader reader(Format format) {
    try {
      return format == Format.JPEG ? JpegReaders.SPI.createReaderInstance()
          : PngReaders.SPI.createReaderInstance();
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the " + format + " reader", e);
    }
  }

  /** The JDK's built-in PNG reader's provider. */
  private static final class PngReaders {
    static final ImageReaderSpi SPI = find();

    private static ImageReaderSpi find() {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
      while (readers.hasNext()) {
        ImageReader reader = readers.next();
        ImageReaderSpi spi = reader.getOriginatingProvider();
        reader.dispose();
        if ("java.desktop".equals(spi.getClass().getModule().getName())) {
          return spi;
        }
      }
      throw new IllegalStateException("the JDK's built-in PNG reader is missing");
    }
  }

  /** TwelveMonkeys' JPEG reader, registered on first use (it finds its JDK delegate so). */
  private static final class JpegReaders {
    static final JPEGImageReaderSpi SPI = register();

    private static JPEGImageReaderSpi register() {
      IIORegistry registry = IIORegistry.getDefaultInstance();
      JPEGImageReaderSpi spi = registry.getServiceProviderByClass(JPEGImageReaderSpi.class);
      if (spi == null) {
        spi = new JPEGImageReaderSpi();
        registry.registerServiceProvider(spi, ImageReaderSpi.class);
      }
      return spi;
    }
  }

  private static DecodedImage toDecodedImage(BufferedImage image, Format format)
      throws UnsupportedImageException {
    ColorModel cm = image.getColorModel();
    if (cm instanceof IndexColorModel icm) {
      return fromPalette(image.getRaster(), icm);
    }
    if (cm instanceof ComponentColorModel ccm) {
      return fromComponents(image.getRaster(), ccm, format);
    }
    throw new UnsupportedImageException(
        Reason.UNSUPPORTED_FORMAT,
        format + " decoded to an unsupported pixel layout " + cm.getClass().getSimpleName()
            + "; accepted: gray or RGB, 8 or 16 bit, or palette");
  }

  private static DecodedImage fromComponents(Raster raster, ComponentColorModel cm, Format format)
      throws UnsupportedImageException {
    int colors = cm.getNumColorComponents();
    int csType = cm.getColorSpace().getType();
    boolean gray = csType == ColorSpace.TYPE_GRAY && colors == 1;
    boolean rgb = csType == ColorSpace.TYPE_RGB && colors == 3;
    if (!gray && !rgb) {
      throw new UnsupportedImageException(
          Reason.UNSUPPORTED_FORMAT,
          format + " in colour space " + colorSpaceName(csType) + " with " + colors
              + " colour components; accepted: gray or RGB");
    }
    int bits = cm.getComponentSize(0);
    int transfer = cm.getTransferType();
    boolean ok8 = bits == 8 && transfer == DataBuffer.TYPE_BYTE;
    boolean ok16 = bits == 16 && transfer == DataBuffer.TYPE_USHORT;
    if (!ok8 && !ok16) {
      throw new UnsupportedImageException(
          Reason.UNSUPPORTED_FORMAT,
          format + " with " + bits + "-bit samples; accepted: 8 or 16 bit");
    }
    int w = raster.getWidth();
    int h = raster.getHeight();
    if (ok8) {
      return DecodedImage.wrapBytes(colors, h, w, bits, bytesOf(raster, colors));
    }
    float[] scale = SixteenBit.SCALE;
    float[] samples = new float[colors * h * w];
    int[] row = new int[w];
    // Bands beyond the colour components hold alpha, which is dropped.
    for (int c = 0; c < colors; c++) {
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, c, row);
        int base = (c * h + y) * w;
        for (int x = 0; x < w; x++) {
          samples[base + x] = scale[row[x]];
        }
      }
    }
    return DecodedImage.wrap(colors, h, w, bits, samples);
  }

  /** 16-bit samples on the 0..255 scale: a table keeps the scaling exact (rounded once from double) and cheap. */
  private static final class SixteenBit {
    static final float[] SCALE = new float[1 << 16];

    static {
      for (int v = 0; v < SCALE.length; v++) {
        SCALE[v] = (float) (v * 255.0 / 65535);
      }
    }
  }

  /**
   * The colour bands of an 8-bit raster as CHW bytes. A gray raster that is one plain byte
   * array (what the PNG reader makes) is taken as it is; interleaved bands are copied straight
   * from the buffer, several times faster than {@link Raster#getSamples} on a megapixel image;
   * other layouts (a sub-raster, packed pixels) are read band by band. Alpha is dropped.
   */
  private static byte[] bytesOf(Raster raster, int colors) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    if (!(raster.getDataBuffer() instanceof DataBufferByte buffer)
        || !(raster.getSampleModel() instanceof ComponentSampleModel model)
        || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
      byte[] out = new byte[colors * h * w];
      int[] row = new int[w];
      for (int c = 0; c < colors; c++) {
        for (int y = 0; y < h; y++) {
          raster.getSamples(0, y, w, 1, c, row);
          for (int x = 0; x < w; x++) {
            out[(c * h + y) * w + x] = (byte) row[x];
          }
        }
      }
      return out;
    }
    int pixelStride = model.getPixelStride();
    int scanlineStride = model.getScanlineStride();
    if (colors == 1 && pixelStride == 1 && scanlineStride == w
        && buffer.getOffsets()[model.getBankIndices()[0]] + model.getBandOffsets()[0] == 0
        && buffer.getData(model.getBankIndices()[0]).length == h * w) {
      return buffer.getData(model.getBankIndices()[0]); // the decoded image is dropped after this
    }
    byte[] out = new byte[colors * h * w];
    for (int c = 0; c < colors; c++) {
      int bank = model.getBankIndices()[c];
      byte[] data = buffer.getData(bank);
      int offset = buffer.getOffsets()[bank] + model.getBandOffsets()[c];
      int base = c * h * w;
      for (int y = 0; y < h; y++) {
        int from = offset + y * scanlineStride;
        int to = base + y * w;
        for (int x = 0; x < w; x++) {
          out[to + x] = data[from + x * pixelStride];
        }
      }
    }
    return out;
  }

  private static DecodedImage fromPalette(Raster raster, IndexColorModel cm)
      throws UnsupportedImageException {
    int size = cm.getMapSize();
    byte[] r = new byte[size];
    byte[] g = new byte[size];
    byte[] b = new byte[size];
    cm.getReds(r);
    cm.getGreens(g);
    cm.getBlues(b);
    // Low-bit gray PNGs arrive as a gray palette; keep them gray, as the file declares.
    boolean gray = true;
    for (int i = 0; i < size && gray; i++) {
      gray = r[i] == g[i] && g[i] == b[i];
    }
    byte[][] planes = gray ? new byte[][] {r} : new byte[][] {r, g, b};
    int w = raster.getWidth();
    int h = raster.getHeight();
    byte[] samples = new byte[planes.length * h * w];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      raster.getSamples(0, y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        int index = row[x];
        if (index >= size) {
          throw new UnsupportedImageException(
              Reason.CORRUPT,
              "palette index " + index + " outside the palette of " + size + " entries");
        }
        for (int c = 0; c < planes.length; c++) {
          samples[(c * h + y) * w + x] = planes[c][index];
        }
      }
    }
    return DecodedImage.wrapBytes(planes.length, h, w, cm.getPixelSize(), samples);
  }

  private static String colorSpaceName(int type) {
    return switch (type) {
      case ColorSpace.TYPE_CMYK -> "CMYK";
      case ColorSpace.TYPE_YCbCr -> "YCbCr";
      case ColorSpace.TYPE_GRAY -> "gray";
      case ColorSpace.TYPE_RGB -> "RGB";
      default -> "type " + type;
    };
  }

  private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
    return bytes.length >= offset + prefix.length
        && Arrays.equals(bytes, offset, offset + prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
