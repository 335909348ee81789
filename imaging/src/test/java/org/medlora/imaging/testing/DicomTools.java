package org.medlora.imaging.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * DICOM test files made at test time by the field's own tools: pydicom (Debian's
 * {@code python3-pydicom}, importable by {@code /usr/bin/python3}) writes a data set from
 * attributes and raw pixel bytes, dcmtk converts it ({@code dcmconv}, {@code dcmcjpeg},
 * {@code dcmcrle}, {@code dcmodify}, {@code img2dcm}), OpenJPEG's {@code opj_compress} makes
 * JPEG 2000, dicom3tools' {@code dciodvfy} validates. {@code bin/install-tools} installs all four.
 */
public final class DicomTools {

  /** Patient data every generated file carries, which no error message or log may repeat. */
  public static final String PATIENT_NAME = "Doe^Jane";
  public static final String PATIENT_ID = "PID-4711-XY";
  public static final String PATIENT_BIRTH_DATE = "19450317";
  public static final String STUDY_UID = "1.2.826.0.1.3680043.8.498.11";
  public static final String SERIES_UID = "1.2.826.0.1.3680043.8.498.12";
  public static final String SOP_UID = "1.2.826.0.1.3680043.8.498.13";
  public static final String FRAME_OF_REFERENCE_UID = "1.2.826.0.1.3680043.8.498.14";
  /** Every identifying value above, for "never in a message" checks. */
  public static final List<String> IDENTIFYING = List.of(PATIENT_NAME, "Doe", PATIENT_ID,
      PATIENT_BIRTH_DATE, STUDY_UID, SERIES_UID, SOP_UID, FRAME_OF_REFERENCE_UID);

  private static final String PYTHON = "/usr/bin/python3";

  private DicomTools() {}

  /**
   * Patient, study, series and instance attributes of a Digital X-Ray image (for presentation)
   * of {@code rows x columns} gray pixels; callers add or replace attributes.
   */
  public static Map<String, Object> grayImage(int rows, int columns, int bitsAllocated,
      int bitsStored, boolean signed) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("SOPClassUID", "1.2.840.10008.5.1.4.1.1.1.1");
    a.put("SOPInstanceUID", SOP_UID);
    a.put("StudyInstanceUID", STUDY_UID);
    a.put("SeriesInstanceUID", SERIES_UID);
    a.put("FrameOfReferenceUID", FRAME_OF_REFERENCE_UID);
    a.put("PatientName", PATIENT_NAME);
    a.put("PatientID", PATIENT_ID);
    a.put("PatientBirthDate", PATIENT_BIRTH_DATE);
    a.put("PatientSex", "F");
    a.put("StudyDate", "20240102");
    a.put("StudyTime", "101500");
    a.put("AccessionNumber", "ACC-99");
    a.put("StudyID", "S1");
    a.put("ReferringPhysicianName", "House^Greg");
    a.put("Modality", "DX");
    a.put("SeriesNumber", "3");
    a.put("InstanceNumber", "1");
    a.put("Rows", rows);
    a.put("Columns", columns);
    a.put("SamplesPerPixel", 1);
    a.put("PhotometricInterpretation", "MONOCHROME2");
    a.put("BitsAllocated", bitsAllocated);
    a.put("BitsStored", bitsStored);
    a.put("HighBit", bitsStored - 1);
    a.put("PixelRepresentation", signed ? 1 : 0);
    return a;
  }

  /**
   * A Part 10 file in explicit VR little endian written by pydicom.
   *
   * @param attributes pydicom keywords and values (String, Integer, Double, or a List of them)
   * @param sequences items by sequence keyword; {@code LUTDescriptor} and {@code LUTData} are
   *     written as US
   * @param pixelData the Pixel Data bytes, or null for none
   */
  public static byte[] pydicom(Map<String, Object> attributes,
      Map<String, List<Map<String, Object>>> sequences, byte[] pixelData) {
    Path dir = tempDir();
    StringBuilder py = new StringBuilder("""
        import pydicom
        from pydicom.dataset import Dataset, FileMetaDataset
        from pydicom.uid import ExplicitVRLittleEndian
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        """);
    for (Map.Entry<String, Object> e : attributes.entrySet()) {
      py.append("ds.").append(e.getKey()).append(" = ").append(literal(e.getValue())).append('\n');
    }
    for (Map.Entry<String, List<Map<String, Object>>> s : sequences.entrySet()) {
      py.append("items = []\n");
      for (Map<String, Object> item : s.getValue()) {
        py.append("d = Dataset()\n");
        for (Map.Entry<String, Object> e : item.entrySet()) {
          if (e.getKey().startsWith("LUT")) {
            py.append("d.add_new(pydicom.datadict.tag_for_keyword('").append(e.getKey())
                .append("'), 'US', ").append(literal(e.getValue())).append(")\n");
          } else {
            py.append("d.").append(e.getKey()).append(" = ").append(literal(e.getValue()))
                .append('\n');
          }
        }
        py.append("items.append(d)\n");
      }
      py.append("ds.").append(s.getKey()).append(" = items\n");
    }
    py.append("ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID\n");
    py.append("ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID\n");
    if (pixelData != null) {
      write(dir.resolve("pixels.raw"), pixelData);
      py.append("ds.PixelData = open('pixels.raw', 'rb').read()\n");
      py.append("ds['PixelData'].VR = 'OW' if ds.BitsAllocated > 8 else 'OB'\n");
    }
    py.append("ds.save_as('out.dcm', write_like_original=False)\n");
    write(dir.resolve("make.py"), py.toString().getBytes(StandardCharsets.UTF_8));
    run(dir, PYTHON, "make.py");
    return read(dir.resolve("out.dcm"));
  }

  /** Runs a dcmtk converter as {@code tool options... in.dcm out.dcm} and returns out.dcm. */
  public static byte[] dcmtk(byte[] dicom, String tool, String... options) {
    Path dir = tempDir();
    write(dir.resolve("in.dcm"), dicom);
    List<String> command = new ArrayList<>(List.of(tool));
    command.addAll(List.of(options));
    command.add("in.dcm");
    command.add("out.dcm");
    run(dir, command.toArray(String[]::new));
    return read(dir.resolve("out.dcm"));
  }

  /**
   * A single-frame grayscale file re-encoded as JPEG 2000 by OpenJPEG's {@code opj_compress}
   * (Debian's {@code libopenjp2-tools}; dcmtk has no JPEG 2000 codec), its codestream wrapped
   * by pydicom.
   *
   * @param options {@code opj_compress} options; none is lossless (reversible 5/3 wavelet)
   */
  public static byte[] jpeg2000(byte[] dicom, boolean lossless, String... options) {
    Path dir = tempDir();
    write(dir.resolve("in.dcm"), dicom);
    // OpenJPEG reads and writes raw little endian samples as ".rawl", as DICOM stores them.
    String script = """
        import subprocess, sys, pydicom
        from pydicom.encaps import encapsulate
        ds = pydicom.dcmread('in.dcm')
        open('in.rawl', 'wb').write(ds.PixelData)
        shape = '%d,%d,1,%d,%s' % (ds.Columns, ds.Rows, ds.BitsStored,
                                   's' if ds.PixelRepresentation else 'u')
        # OpenJPEG's default of 6 resolution levels needs 32 pixels; small test images have fewer.
        levels = str(min(6, min(ds.Rows, ds.Columns).bit_length()))
        subprocess.run(['opj_compress', '-i', 'in.rawl', '-F', shape, '-n', levels,
                        '-o', 'out.j2k'] + sys.argv[2:], check=True, stdout=subprocess.DEVNULL)
        ds.PixelData = encapsulate([open('out.j2k', 'rb').read()])
        ds['PixelData'].VR = 'OB'
        ds.file_meta.TransferSyntaxUID = sys.argv[1]
        ds.save_as('out.dcm', write_like_original=False)
        """;
    write(dir.resolve("make.py"), script.getBytes(StandardCharsets.UTF_8));
    List<String> command = new ArrayList<>(List.of(PYTHON, "make.py",
        lossless ? "1.2.840.10008.1.2.4.90" : "1.2.840.10008.1.2.4.91"));
    command.addAll(List.of(options));
    run(dir, command.toArray(String[]::new));
    return read(dir.resolve("out.dcm"));
  }

  /**
   * A single-frame grayscale JPEG 2000 file decoded by OpenJPEG's {@code opj_decompress}, as
   * Explicit VR Little Endian: the reference for medlora's decode.
   */
  public static byte[] jpeg2000Decoded(byte[] dicom) {
    Path dir = tempDir();
    write(dir.resolve("in.dcm"), dicom);
    String script = """
        import subprocess, pydicom
        from pydicom.encaps import generate_pixel_data_frame
        from pydicom.uid import ExplicitVRLittleEndian
        ds = pydicom.dcmread('in.dcm')
        open('in.j2k', 'wb').write(next(generate_pixel_data_frame(ds.PixelData)))
        subprocess.run(['opj_decompress', '-i', 'in.j2k', '-o', 'out.rawl'], check=True,
                       stdout=subprocess.DEVNULL)
        ds.PixelData = open('out.rawl', 'rb').read()
        ds['PixelData'].VR = 'OW' if ds.BitsAllocated > 8 else 'OB'
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.save_as('out.dcm', write_like_original=False)
        """;
    write(dir.resolve("make.py"), script.getBytes(StandardCharsets.UTF_8));
    run(dir, PYTHON, "make.py");
    return read(dir.resolve("out.dcm"));
  }

  /** Edits a file in place with {@code dcmodify}, e.g. {@code "-i", "(0028,1050)=40"}. */
  public static byte[] dcmodify(byte[] dicom, String... options) {
    Path dir = tempDir();
    write(dir.resolve("in.dcm"), dicom);
    List<String> command = new ArrayList<>(List.of("dcmodify", "-nb"));
    command.addAll(List.of(options));
    command.add("in.dcm");
    run(dir, command.toArray(String[]::new));
    return read(dir.resolve("in.dcm"));
  }

  /**
   * {@code img2dcm} on a JPEG or BMP: the image's pixels as a Secondary Capture, with the
   * patient and study of {@link #grayImage} set by {@code -k}.
   */
  public static byte[] img2dcm(byte[] image, String inputFormat) {
    Path dir = tempDir();
    write(dir.resolve("in.img"), image);
    run(dir, "img2dcm", "-i", inputFormat, "-k", "PatientName=" + PATIENT_NAME,
        "-k", "PatientID=" + PATIENT_ID, "-k", "StudyInstanceUID=" + STUDY_UID,
        "-k", "SeriesInstanceUID=" + SERIES_UID, "-k", "SOPInstanceUID=" + SOP_UID,
        "in.img", "out.dcm");
    return read(dir.resolve("out.dcm"));
  }

  /** dciodvfy's report on a file: the lines it prints, errors starting with "Error". */
  public static List<String> dciodvfy(byte[] dicom) {
    Path dir = tempDir();
    write(dir.resolve("in.dcm"), dicom);
    return List.of(runAllowingFailure(dir, "dciodvfy", "in.dcm").split("\n"));
  }

  /** Runs a Python 3 script with pydicom importable; its standard output. */
  public static String python(String script, byte[] input) {
    Path dir = tempDir();
    write(dir.resolve("in.dcm"), input);
    write(dir.resolve("script.py"), script.getBytes(StandardCharsets.UTF_8));
    return run(dir, PYTHON, "script.py");
  }

  private static String literal(Object value) {
    if (value instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    if (value instanceof List<?> list) {
      List<String> parts = new ArrayList<>();
      for (Object o : list) {
        parts.add(literal(o));
      }
      return "[" + String.join(", ", parts) + "]";
    }
    return String.valueOf(value);
  }

  private static String run(Path dir, String... command) {
    ProcessResult r = exec(dir, command);
    if (r.exit != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
          + r.exit + ":\n" + r.output);
    }
    return r.output;
  }

  private static String runAllowingFailure(Path dir, String... command) {
    return exec(dir, command).output;
  }

  private record ProcessResult(int exit, String output) {}

  private static ProcessResult exec(Path dir, String... command) {
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      return new ProcessResult(p.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(command[0] + " could not run; bin/install-tools installs"
          + " dcmtk, dicom3tools, python3-pydicom and libopenjp2-tools", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("medlora-dicom");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
      file.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      file.toFile().deleteOnExit();
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
