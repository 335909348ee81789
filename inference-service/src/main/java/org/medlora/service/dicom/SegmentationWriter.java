package org.medlora.service.dicom;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.medlora.contracts.ModelManifest;
import org.medlora.imaging.ClassColours;
import org.medlora.imaging.dicom.DicomObject;
import org.medlora.imaging.dicom.DicomWriter;
import org.medlora.imaging.dicom.Tag;
import org.medlora.imaging.dicom.Vr;

/**
 * A label mask as a DICOM Segmentation (PS3.3 A.51, binary): one segment and one frame per
 * foreground class, labelled with the class name and coloured as in overlays (CIELab), made by
 * an automatic algorithm named after medlora, the task and the model version. It joins the source
 * image's study, copies its patient and frame of reference, and references the source instance
 * (and frame) it was derived from, so a viewer overlays it on the image.
 */
public final class SegmentationWriter {

  static final String SEGMENTATION_STORAGE = "1.2.840.10008.5.1.4.1.1.66.4";
  /** Private coding scheme for the task's class names, which have no standard codes. */
  static final String CODING_SCHEME = "99MEDLORA";
  private static final String MANUFACTURER = "medlora";
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss");

  private SegmentationWriter() {}

  /**
   * Checks that {@code source} has the UIDs a Segmentation references.
   *
   * @throws IllegalArgumentException naming the first missing one (by tag, never by value)
   */
  public static void checkSource(DicomObject source) {
    int[] required = {Tag.SOP_CLASS_UID, Tag.SOP_INSTANCE_UID, Tag.STUDY_INSTANCE_UID,
      Tag.SERIES_INSTANCE_UID};
    for (int tag : required) {
      if (source.string(tag).isEmpty()) {
        throw new IllegalArgumentException("the DICOM image has no " + Tag.format(tag) + ", which"
            + " a Segmentation must reference; ask for png or json instead");
      }
    }
  }

  /**
   * The Segmentation, as a Part 10 file.
   *
   * @param source the image that was segmented
   * @param sourceFrame the frame segmented, from 1; referenced if the source has several
   * @param mask class indices, {@code rows * columns} row-major, at the source's size
   */
  public static byte[] write(DicomObject source, int sourceFrame, byte[] mask, int rows,
      int columns, ModelManifest manifest, ZonedDateTime now) {
    double sourceFrames = source.decimal(Tag.NUMBER_OF_FRAMES).orElse(1);
    List<String> classes = manifest.classNames();
    int segments = classes.size() - 1;
    String date = now.withZoneSameInstant(ZoneOffset.UTC).format(DATE);
    String time = now.withZoneSameInstant(ZoneOffset.UTC).format(TIME);
    String algorithm = limit("medlora " + manifest.task() + " v" + manifest.version(), 64);

    DicomObject seg = new DicomObject()
        .putString(Tag.SOP_CLASS_UID, Vr.UI, SEGMENTATION_STORAGE)
        .putString(Tag.SOP_INSTANCE_UID, Vr.UI, newUid())
        .putString(Tag.SERIES_INSTANCE_UID, Vr.UI, newUid())
        .putString(Tag.MODALITY, Vr.CS, "SEG")
        .putString(Tag.SERIES_NUMBER, Vr.IS, "9901")
        .putString(Tag.SERIES_DESCRIPTION, Vr.LO, algorithm)
        .putString(Tag.SERIES_DATE, Vr.DA, date)
        .putString(Tag.SERIES_TIME, Vr.TM, time)
        .putString(Tag.INSTANCE_NUMBER, Vr.IS, "1")
        .putString(Tag.CONTENT_DATE, Vr.DA, date)
        .putString(Tag.CONTENT_TIME, Vr.TM, time)
        .putString(Tag.IMAGE_TYPE, Vr.CS, "DERIVED", "PRIMARY")
        .putString(Tag.CONTENT_LABEL, Vr.CS, "MEDLORA")
        .putString(Tag.CONTENT_DESCRIPTION, Vr.LO, algorithm)
        .putString(Tag.CONTENT_CREATOR_NAME, Vr.PN)
        .putString(Tag.MANUFACTURER, Vr.LO, MANUFACTURER)
        .putString(Tag.MANUFACTURER_MODEL_NAME, Vr.LO, "medlora inference service")
        .putString(Tag.DEVICE_SERIAL_NUMBER, Vr.LO, "1")
        .putString(Tag.SOFTWARE_VERSIONS, Vr.LO, "medlora")
        .putString(Tag.SEGMENTATION_TYPE, Vr.CS, "BINARY")
        .putString(Tag.LOSSY_IMAGE_COMPRESSION, Vr.CS, "00");
    // Patient and study: the source's, byte for byte, in the source's character set.
    seg.copy(source, Tag.PATIENT_NAME, Vr.PN);
    seg.copy(source, Tag.PATIENT_ID, Vr.LO);
    seg.copy(source, Tag.PATIENT_BIRTH_DATE, Vr.DA);
    seg.copy(source, Tag.PATIENT_SEX, Vr.CS);
    seg.copy(source, Tag.STUDY_INSTANCE_UID, Vr.UI);
    seg.copy(source, Tag.STUDY_DATE, Vr.DA);
    seg.copy(source, Tag.STUDY_TIME, Vr.TM);
    seg.copy(source, Tag.REFERRING_PHYSICIAN_NAME, Vr.PN);
    seg.copy(source, Tag.STUDY_ID, Vr.SH);
    seg.copy(source, Tag.ACCESSION_NUMBER, Vr.SH);
    // Type 2C in General Image for images without a plane orientation, as projection images are.
    seg.copy(source, Tag.PATIENT_ORIENTATION, Vr.CS);
    if (source.contains(Tag.SPECIFIC_CHARACTER_SET)) {
      seg.copy(source, Tag.SPECIFIC_CHARACTER_SET, Vr.CS);
    }
    if (source.string(Tag.FRAME_OF_REFERENCE_UID).isPresent()) {
      seg.copy(source, Tag.FRAME_OF_REFERENCE_UID, Vr.UI);
      seg.copy(source, Tag.POSITION_REFERENCE_INDICATOR, Vr.LO);
    }

    seg.putSequence(Tag.REFERENCED_SERIES_SEQUENCE, new DicomObject()
        .copy(source, Tag.SERIES_INSTANCE_UID, Vr.UI)
        .putSequence(Tag.REFERENCED_INSTANCE_SEQUENCE, reference(source)));

    // Every frame derives from the same source frame: one shared derivation reference.
    DicomObject sourceImage = reference(source)
        .putSequence(Tag.PURPOSE_OF_REFERENCE_CODE_SEQUENCE,
            code("121322", "DCM", "Source image for image processing operation"));
    // Only multi-frame images are referenced by frame (dciodvfy: "shall not be present" else).
    if (sourceFrames > 1) {
      sourceImage.putString(Tag.REFERENCED_FRAME_NUMBER, Vr.IS, Integer.toString(sourceFrame));
    }
    seg.putSequence(Tag.SHARED_FUNCTIONAL_GROUPS_SEQUENCE, new DicomObject()
        .putSequence(Tag.DERIVATION_IMAGE_SEQUENCE, new DicomObject()
            .putSequence(Tag.SOURCE_IMAGE_SEQUENCE, sourceImage)
            .putSequence(Tag.DERIVATION_CODE_SEQUENCE, code("113076", "DCM", "Segmentation"))));

    String dimensions = newUid();
    seg.putSequence(Tag.DIMENSION_ORGANIZATION_SEQUENCE, new DicomObject()
        .putString(Tag.DIMENSION_ORGANIZATION_UID, Vr.UI, dimensions));
    seg.putSequence(Tag.DIMENSION_INDEX_SEQUENCE, new DicomObject()
        .putString(Tag.DIMENSION_ORGANIZATION_UID, Vr.UI, dimensions)
        .put(Tag.DIMENSION_INDEX_POINTER, Vr.AT, tagValue(Tag.REFERENCED_SEGMENT_NUMBER))
        .put(Tag.FUNCTIONAL_GROUP_POINTER, Vr.AT, tagValue(Tag.SEGMENT_IDENTIFICATION_SEQUENCE))
        .putString(Tag.DIMENSION_DESCRIPTION_LABEL, Vr.LO, "Segment"));

    List<DicomObject> segmentItems = new ArrayList<>();
    List<DicomObject> frameItems = new ArrayList<>();
    for (int k = 1; k <= segments; k++) {
      segmentItems.add(segment(k, classes.get(k), manifest, algorithm));
      frameItems.add(new DicomObject()
          .putSequence(Tag.FRAME_CONTENT_SEQUENCE, new DicomObject()
              .putUnsignedLong(Tag.DIMENSION_INDEX_VALUES, k))
          .putSequence(Tag.SEGMENT_IDENTIFICATION_SEQUENCE, new DicomObject()
              .putUnsignedShort(Tag.REFERENCED_SEGMENT_NUMBER, k)));
    }
    seg.putSequence(Tag.SEGMENT_SEQUENCE, segmentItems.toArray(DicomObject[]::new));
    seg.putSequence(Tag.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE,
        frameItems.toArray(DicomObject[]::new));

    seg.putUnsignedShort(Tag.SAMPLES_PER_PIXEL, 1)
        .putString(Tag.PHOTOMETRIC_INTERPRETATION, Vr.CS, "MONOCHROME2")
        .putString(Tag.NUMBER_OF_FRAMES, Vr.IS, Integer.toString(segments))
        .putUnsignedShort(Tag.ROWS, rows)
        .putUnsignedShort(Tag.COLUMNS, columns)
        .putUnsignedShort(Tag.BITS_ALLOCATED, 1)
        .putUnsignedShort(Tag.BITS_STORED, 1)
        .putUnsignedShort(Tag.HIGH_BIT, 0)
        .putUnsignedShort(Tag.PIXEL_REPRESENTATION, 0)
        .put(Tag.PIXEL_DATA, Vr.OB, packBits(mask, segments));
    return DicomWriter.write(seg);
  }

  /** A reference to the source instance (SOP Instance Reference Macro, PS3.3 10.8). */
  private static DicomObject reference(DicomObject source) {
    return new DicomObject()
        .copy(source, Tag.SOP_CLASS_UID, Tag.REFERENCED_SOP_CLASS_UID, Vr.UI)
        .copy(source, Tag.SOP_INSTANCE_UID, Tag.REFERENCED_SOP_INSTANCE_UID, Vr.UI);
  }

  private static DicomObject segment(int number, String label, ModelManifest manifest,
      String algorithm) {
    DicomObject family = code("DINOV2-LORA", CODING_SCHEME, "DINOv2 backbone with a trained head");
    String parameters = "task=" + manifest.task() + ", version=" + manifest.version()
        + ", backbone=" + manifest.backbone().architecture() + ", method="
        + manifest.method().kind() + ", model-sha256=" + manifest.modelSha256();
    return new DicomObject()
        .putUnsignedShort(Tag.SEGMENT_NUMBER, number)
        .putString(Tag.SEGMENT_LABEL, Vr.LO, limit(label, 64))
        .putString(Tag.SEGMENT_ALGORITHM_TYPE, Vr.CS, "AUTOMATIC")
        .putString(Tag.SEGMENT_ALGORITHM_NAME, Vr.LO, algorithm)
        .putSequence(Tag.SEGMENTATION_ALGORITHM_IDENTIFICATION_SEQUENCE, new DicomObject()
            .putSequence(Tag.ALGORITHM_FAMILY_CODE_SEQUENCE, family)
            .putString(Tag.ALGORITHM_NAME, Vr.LO, limit("medlora " + manifest.task(), 64))
            .putString(Tag.ALGORITHM_VERSION, Vr.LO, Integer.toString(manifest.version()))
            .putString(Tag.ALGORITHM_PARAMETERS, Vr.LT, parameters))
        .putSequence(Tag.SEGMENTED_PROPERTY_CATEGORY_CODE_SEQUENCE,
            code("CLASS", CODING_SCHEME, "medlora task class"))
        .putSequence(Tag.SEGMENTED_PROPERTY_TYPE_CODE_SEQUENCE,
            code("C" + number, CODING_SCHEME, limit(label, 64)))
        .putUnsignedShort(Tag.RECOMMENDED_DISPLAY_CIELAB_VALUE,
            cielab(ClassColours.rgb(number)));
  }

  /**
   * An sRGB colour {@code 0xRRGGBB} as DICOM's scaled CIELab (PS3.3 C.10.7.1.1): L* 0..100 and
   * a*, b* -128..127 onto 0..65535, relative to D50 as the ICC connection space is. Plain
   * arithmetic rather than java.awt.color, which needs the colour management module at run time.
   */
  static int[] cielab(int rgb) {
    double r = linear((rgb >> 16) & 0xff);
    double g = linear((rgb >> 8) & 0xff);
    double b = linear(rgb & 0xff);
    // sRGB to XYZ, Bradford-adapted from D65 to D50 (the ICC sRGB profile's matrix).
    double x = 0.4360747 * r + 0.3850649 * g + 0.1430804 * b;
    double y = 0.2225045 * r + 0.7168786 * g + 0.0606169 * b;
    double z = 0.0139322 * r + 0.0971045 * g + 0.7141733 * b;
    double fx = labF(x / 0.9642);
    double fy = labF(y);
    double fz = labF(z / 0.8249);
    double l = 116 * fy - 16;
    double a = 500 * (fx - fy);
    double bb = 200 * (fy - fz);
    return new int[] {scale(l / 100), scale((a + 128) / 255), scale((bb + 128) / 255)};
  }

  /** The sRGB transfer function undone. */
  private static double linear(int v) {
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }

  private static double labF(double t) {
    double d = 6.0 / 29;
    return t > d * d * d ? Math.cbrt(t) : t / (3 * d * d) + 4.0 / 29;
  }

  private static int scale(double unit) {
    return (int) Math.round(Math.max(0, Math.min(1, unit)) * 65535);
  }

  /** Binary frames, one per segment, packed 8 pixels a byte, first pixel in the low bit. */
  static byte[] packBits(byte[] mask, int segments) {
    long bits = (long) mask.length * segments;
    byte[] out = new byte[(int) ((bits + 7) / 8)];
    for (int k = 1; k <= segments; k++) {
      long base = (long) (k - 1) * mask.length;
      for (int i = 0; i < mask.length; i++) {
        if ((mask[i] & 0xff) == k) {
          long bit = base + i;
          out[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
        }
      }
    }
    return out;
  }

  private static DicomObject code(String value, String scheme, String meaning) {
    return new DicomObject()
        .putString(Tag.CODE_VALUE, Vr.SH, value)
        .putString(Tag.CODING_SCHEME_DESIGNATOR, Vr.SH, scheme)
        .putString(Tag.CODE_MEANING, Vr.LO, meaning);
  }

  private static byte[] tagValue(int tag) {
    return ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putShort((short) (tag >>> 16)).putShort((short) tag).array();
  }

  /** A new UID from a random UUID (PS3.5 B.2). */
  static String newUid() {
    UUID u = UUID.randomUUID();
    BigInteger value = new BigInteger(1, ByteBuffer.allocate(16)
        .putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
    return "2.25." + value;
  }

  private static String limit(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
