package io.cyclelake.ingest.nasa;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.format.Mat5File;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.Char;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Struct;

/**
 * One original NASA PCoE MATLAB file ({@code Bxxxx.mat}, MAT v5) read with mfl-core and copied into plain arrays,
 * with its structure checked: a top-level struct named like the file holding {@code cycle}, a struct array with
 * {@code type}, {@code ambient_temperature}, {@code time} and {@code data}. Every structural problem (unreadable,
 * truncated, MAT v7.3, a missing field or a field of the wrong MATLAB class) is a {@link CycleLakeException} with
 * {@link ErrorCode#INPUT_MALFORMED} whose {@link SourceLocation#field()} is the MATLAB path of the culprit, with
 * MATLAB's 1-based element numbers: {@code B0025.cycle(4).data.Time} is the {@code Time} of cycle index 3.
 * Values that are merely bad (an unknown {@code type}, an invalid date vector) are left to the reader to quarantine.
 */
final class NasaMatFile {
  static final List<String> CHARGE =
      List.of("Voltage_measured", "Current_measured", "Temperature_measured", "Current_charge", "Voltage_charge",
          "Time");
  static final List<String> DISCHARGE =
      List.of("Voltage_measured", "Current_measured", "Temperature_measured", "Current_load", "Voltage_load", "Time");
  /** In ImpedanceRecord order. NASA's files spell the last one {@code Rectified_Impedance}; fields match ignoring case. */
  static final List<String> IMPEDANCE =
      List.of("Sense_current", "Battery_current", "Current_ratio", "Battery_impedance", "Rectified_Impedance");
  static final List<String> TYPES = List.of("charge", "discharge", "impedance");
  private static final List<String> CYCLE_FIELDS = List.of("type", "ambient_temperature", "time", "data");
  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  /** A numeric vector: real parts and imaginary parts ({@code im} is null when the MATLAB array is real). */
  record Column(String name, double[] re, double[] im) {
    int length() {
      return re.length;
    }
  }

  /**
   * One element of {@code cycle}. {@code type} is null when the field is not text. For an unknown type
   * {@code series} is empty and the scalars are NaN (the data is not inspected). Empty MATLAB arrays read as NaN.
   */
  record Element(int index, String path, String type, double ambient, double[] dateVector, double capacity,
      double re, double rct, List<Column> series) {
    boolean knownType() {
      return type != null && TYPES.contains(type);
    }
  }

  final String file;
  final String cellId;
  final List<Element> cycles;

  private NasaMatFile(String file, String cellId, List<Element> cycles) {
    this.file = file;
    this.cellId = cellId;
    this.cycles = cycles;
  }

  /** The cell id of a NASA file: its name without {@code .mat}. */
  static String stem(Path p) {
    String n = p.getFileName().toString();
    return n.toLowerCase(Locale.ROOT).endsWith(".mat") ? n.substring(0, n.length() - 4) : n;
  }

  static NasaMatFile read(Path path) throws IOException {
    String file = path.toString();
    checkHeader(path, file);
    Mat5File mat;
    try {
      mat = Mat5.readFromFile(path.toFile());
    } catch (IOException | RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) root = root.getCause();
      throw malformed(file, null, "cannot be read as a MAT v5 file; it is truncated or corrupt ("
          + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage())
          + "). Copy the original NASA file again", e);
    }
    try {
      String cell = stem(path);
      MatFile.Entry topEntry = topStruct(mat, cell, file);
      Struct top = (Struct) topEntry.getValue();
      String rootName = topEntry.getName();
      Struct cycle = asStruct(top, field(top, "cycle", rootName + ".cycle", file), rootName + ".cycle", file);
      String cyclePath = rootName + ".cycle";
      String[] f = new String[CYCLE_FIELDS.size()];
      for (int k = 0; k < f.length; k++) {
        f[k] = field(cycle, CYCLE_FIELDS.get(k), cyclePath + "." + CYCLE_FIELDS.get(k), file);
      }
      int n = cycle.getNumElements();
      List<Element> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String at = cyclePath + "(" + (i + 1) + ")";
        Array typeA = cycle.get(f[0], i);
        String type = typeA instanceof Char c ? c.getString().strip() : null;
        double ambient = scalar(cycle.get(f[1], i), at + "." + CYCLE_FIELDS.get(1), file);
        double[] date = vector(cycle.get(f[2], i), at + "." + CYCLE_FIELDS.get(2), file).re();
        double capacity = Double.NaN;
        double re = Double.NaN;
        double rct = Double.NaN;
        List<Column> series = List.of();
        if (type != null && TYPES.contains(type)) {
          String dataPath = at + ".data";
          Array dataA = cycle.get(f[3], i);
          if (!(dataA instanceof Struct data)) {
            throw malformed(file, dataPath, "is a " + dataA.getType() + " array, expected a struct of the "
                + type + " measurements", null);
          }
          if (data.getNumElements() < 1) throw malformed(file, dataPath, "is an empty struct array", null);
          List<String> names = switch (type) {
            case "charge" -> CHARGE;
            case "discharge" -> DISCHARGE;
            default -> IMPEDANCE;
          };
          series = new ArrayList<>(names.size());
          for (String name : names) {
            String p = dataPath + "." + name;
            series.add(vector(data.get(field(data, name, p, file), 0), p, file));
          }
          if (type.equals("discharge")) {
            capacity = scalar(data.get(field(data, "Capacity", dataPath + ".Capacity", file), 0),
                dataPath + ".Capacity", file);
          } else if (type.equals("impedance")) {
            re = scalar(data.get(field(data, "Re", dataPath + ".Re", file), 0), dataPath + ".Re", file);
            rct = scalar(data.get(field(data, "Rct", dataPath + ".Rct", file), 0), dataPath + ".Rct", file);
          }
        }
        out.add(new Element(i, at, type, ambient, date, capacity, re, rct, series));
      }
      return new NasaMatFile(file, cell, out);
    } finally {
      mat.close();
    }
  }

  /** Rejects what mfl cannot read (MAT v7.3 = HDF5, MAT v4, too short) with a message that says so. */
  private static void checkHeader(Path path, String file) throws IOException {
    byte[] head = new byte[2056];
    int got = 0;
    try (InputStream in = Files.newInputStream(path)) {
      int r;
      while (got < head.length && (r = in.read(head, got, head.length - got)) > 0) got += r;
    }
    String text = new String(head, 0, Math.min(got, 116), StandardCharsets.ISO_8859_1);
    boolean hdf5 = text.startsWith("MATLAB 7.3");
    for (int offset : new int[] {0, 512, 1024, 2048}) {
      hdf5 |= got >= offset + 8 && Arrays.equals(head, offset, offset + 8, HDF5_SIGNATURE, 0, 8);
    }
    if (hdf5) {
      throw malformed(file, null, "is a MATLAB v7.3 MAT-file (HDF5), which this reader (mfl-core, MAT v5) cannot "
          + "read. Re-save it in MATLAB as v7 (load, then save(..., '-v7')), or use the CSV export with --source nasa",
          null);
    }
    if (got < 128) {
      throw malformed(file, null, "is " + got + " bytes long, too short for the 128-byte header of a MAT v5 file; "
          + "it is truncated or not a MAT-file", null);
    }
    boolean le = head[126] == 'I' && head[127] == 'M';
    boolean be = head[126] == 'M' && head[127] == 'I';
    if (!le && !be) {
      throw malformed(file, null, "has no MAT v5 header (bytes 126-127 are not 'IM' or 'MI'); it is not a MATLAB "
          + "v5/v6/v7 MAT-file (v4 files are not supported either)", null);
    }
  }

  private static MatFile.Entry topStruct(Mat5File mat, String cell, String file) {
    MatFile.Entry single = null;
    int structs = 0;
    List<String> names = new ArrayList<>();
    for (MatFile.Entry e : mat.getEntries()) {
      names.add(e.getName());
      if (e.getName().equals(cell)) {
        if (e.getValue() instanceof Struct) return e;
        throw malformed(file, cell, "is a " + e.getValue().getType() + " array, expected NASA's struct with field "
            + "'cycle'", null);
      }
      if (e.getValue() instanceof Struct s && s.getFieldNames().contains("cycle")) {
        single = e;
        structs++;
      }
    }
    if (structs == 1) return single; // a renamed copy of a NASA file: the one struct with a 'cycle' field
    throw malformed(file, cell, "the file holds no variable '" + cell + "' (a NASA file Bxxxx.mat holds a struct "
        + "named like the file); found " + names, null);
  }

  /** The actual name of field {@code name} (exact, else ignoring case), or an error naming {@code path}. */
  private static String field(Struct s, String name, String path, String file) {
    List<String> names = s.getFieldNames();
    if (names.contains(name)) return name;
    for (String n : names) if (n.equalsIgnoreCase(name)) return n;
    throw malformed(file, path, "the field is missing; the struct has " + names, null);
  }

  private static Struct asStruct(Struct parent, String name, String path, String file) {
    Array a = parent.get(name);
    if (a instanceof Struct s) return s;
    throw malformed(file, path, "is a " + a.getType() + " array, expected a struct array", null);
  }

  private static Column vector(Array a, String path, String file) {
    if (!(a instanceof Matrix m)) {
      throw malformed(file, path, "is a " + a.getType() + " array, expected a numeric vector", null);
    }
    int[] dims = m.getDimensions();
    int longDims = 0;
    for (int d : dims) if (d > 1) longDims++;
    if (longDims > 1) {
      throw malformed(file, path, "is a " + dimText(dims) + " matrix, expected a vector", null);
    }
    int n = m.getNumElements();
    double[] re = new double[n];
    double[] im = m.isComplex() ? new double[n] : null;
    for (int i = 0; i < n; i++) {
      re[i] = m.getDouble(i);
      if (im != null) im[i] = m.getImaginaryDouble(i);
    }
    String name = path.substring(path.lastIndexOf('.') + 1);
    return new Column(name, re, im);
  }

  /** The real part of a scalar; {@code []} is NaN. */
  private static double scalar(Array a, String path, String file) {
    Column c = vector(a, path, file);
    if (c.length() > 1) {
      throw malformed(file, path, "holds " + c.length() + " numbers, expected one (or [])", null);
    }
    return c.length() == 0 ? Double.NaN : c.re()[0];
  }

  private static String dimText(int[] dims) {
    StringBuilder b = new StringBuilder();
    for (int d : dims) b.append(b.length() == 0 ? "" : "x").append(d);
    return b.toString();
  }

  static CycleLakeException malformed(String file, String fieldPath, String message, Throwable cause) {
    return new CycleLakeException(ErrorCode.INPUT_MALFORMED, message, new SourceLocation(file, 0, 0, fieldPath),
        cause);
  }
}
