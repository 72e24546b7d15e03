package io.cyclelake.ingest.nasa;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.FieldParseException;
import io.cyclelake.ingest.ImpedanceRecord;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.RecordSink;
import io.cyclelake.ingest.SampleRecord;
import io.cyclelake.ingest.SourceReader;
import io.cyclelake.ingest.nasa.NasaMatFile.Column;
import io.cyclelake.ingest.nasa.NasaMatFile.Element;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The original NASA PCoE MATLAB files ({@code Bxxxx.mat}, MAT v5, read with mfl-core): one file per cell, cell id =
 * file name without {@code .mat}. Each element of the file's {@code cycle} struct array is one operation with
 * {@code cycleIndex} = its 0-based position (NASA's {@code test_id} in the CSV export) and
 * {@code sourceOperationId} = {@code <cell>/<cycleIndex>}.
 *
 * <ul>
 *   <li>Start time: the date vector {@code time} [y m d h min s] as UTC, seconds rounded to the nanosecond, exactly as
 *       {@link NumpyDateVector} treats the same numbers.</li>
 *   <li>Charge/discharge: one sample per index of the {@code data} vectors; {@code Time, Voltage_measured,
 *       Current_measured} (NASA's sign is the canonical one), {@code Temperature_measured},
 *       {@code Current_load|Current_charge}, {@code Voltage_load|Voltage_charge}.</li>
 *   <li>Impedance: one point per index of the longest of the five complex vectors (real and imaginary parts in
 *       {@link ImpedanceRecord} order); a shorter vector (NASA's {@code Rectified_Impedance}) gives nulls for the
 *       missing tail, as the CSV export's empty fields. Real vectors get imaginary part 0.</li>
 *   <li>NaN and {@code []} become null; a sample with an infinite value is quarantined (rule {@code finite}).
 *       {@code Capacity} (discharges) and the real parts of {@code Re}/{@code Rct} (impedance) go to the operation.</li>
 *   <li>{@code sourceLine}: a .mat has no lines. Samples, points and their quarantine records carry the 1-based
 *       sample number within the operation; quarantined operations (at plan time) carry the 1-based element
 *       number in {@code cycle}. {@code cellId} and {@code cycleIndex} complete the location.</li>
 * </ul>
 *
 * A file that is unreadable, truncated, MAT v7.3 (HDF5) or lacks the expected struct fails with
 * {@code INPUT_MALFORMED} naming the MATLAB path of what is missing (see {@link NasaMatFile}).
 */
public final class NasaMatReader implements SourceReader {
  private static final long serialVersionUID = 1L;
  static final String NAME = "nasa-mat";
  static final String KIND = "mat";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "NASA PCoE battery ageing data, original MATLAB files: a folder of Bxxxx.mat (MAT v5) or one such file";
  }

  @Override
  public IngestPlan plan(Path input, Config settings, Set<String> cells) throws IOException {
    List<Path> mats = matFiles(input);
    List<Operation> ops = new ArrayList<>();
    List<QuarantineRecord> rejected = new ArrayList<>();
    List<InputFile> files = new ArrayList<>();
    long listing = 0;
    for (Path p : mats) {
      String cell = NasaMatFile.stem(p);
      if (!cells.isEmpty() && !cells.contains(cell)) continue;
      NasaMatFile mat = NasaMatFile.read(p);
      for (Element e : mat.cycles) {
        listing++;
        String field = "type";
        try {
          if (e.type() == null) throw new FieldParseException("value", "the type is not text");
          if (!e.knownType()) {
            throw new FieldParseException("value", "'" + e.type() + "' is not one of " + NasaMatFile.TYPES);
          }
          field = "time";
          Instant start = startTime(e.dateVector());
          field = "ambient_temperature";
          Double ambient = finiteOrNull(e.ambient());
          field = "data.Capacity";
          Double capacity = finiteOrNull(e.capacity());
          field = "data.Re";
          Double re = finiteOrNull(e.re());
          field = "data.Rct";
          Double rct = finiteOrNull(e.rct());
          ops.add(new Operation(mat.cellId, e.index(), e.type(), ambient, start, capacity, re, rct,
              operationId(mat.cellId, e.index()), mat.file));
        } catch (FieldParseException x) {
          rejected.add(new QuarantineRecord(NAME, mat.file, e.index() + 1, null, field, mat.cellId, e.index(),
              x.rule(), e.path() + "." + field + ": " + x.getMessage(), describe(e)));
        }
      }
      files.add(new InputFile(p.toString(), KIND));
    }
    return new IngestPlan(ops, files, rejected, listing);
  }

  private static List<Path> matFiles(Path input) throws IOException {
    if (Files.isRegularFile(input)) {
      if (!input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mat")) {
        throw new CycleLakeException(ErrorCode.INPUT_MISSING, input.toAbsolutePath() + " is not a .mat file; "
            + "--input must be a NASA PCoE Bxxxx.mat file or a folder of them");
      }
      return List.of(input);
    }
    if (!Files.isDirectory(input)) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, input.toAbsolutePath() + " does not exist");
    }
    List<Path> mats;
    try (Stream<Path> s = Files.list(input)) {
      mats = s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mat"))
          .sorted()
          .toList();
    }
    if (mats.isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "no *.mat file directly in " + input.toAbsolutePath()
          + "; --input must be a folder of NASA PCoE Bxxxx.mat files (e.g. nasa-pcoe/original_mat) or one such file");
    }
    return mats;
  }

  static String operationId(String cell, int cycleIndex) {
    return cell + "/" + cycleIndex;
  }

  /** A MATLAB date vector as UTC; the same rules as {@link NumpyDateVector#parse} on the printed numbers. */
  static Instant startTime(double[] v) throws FieldParseException {
    if (v.length != 6) {
      throw new FieldParseException("date-vector", Arrays.toString(v) + " has " + v.length
          + " numbers, expected 6 [year month day hour minute second]");
    }
    try {
      LocalDateTime base = LocalDateTime.of(whole(v[0], v), whole(v[1], v), whole(v[2], v), whole(v[3], v),
          whole(v[4], v));
      if (!Double.isFinite(v[5])) throw new DateTimeException("the seconds are not a finite number");
      long nanos = Math.round(v[5] * 1e9);
      if (nanos < 0 || nanos >= 61_000_000_000L) throw new DateTimeException("seconds out of range");
      return base.plusNanos(nanos).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw new FieldParseException("date-vector", Arrays.toString(v) + " is not a valid date and time: "
          + e.getMessage());
    }
  }

  private static int whole(double d, double[] v) throws FieldParseException {
    long r = Math.round(d);
    if (!Double.isFinite(d) || Math.abs(d - r) > 1e-6 || r != (int) r) {
      throw new FieldParseException("date-vector", Arrays.toString(v)
          + " has a year, month, day, hour or minute that is not a whole number");
    }
    return (int) r;
  }

  private static Double finiteOrNull(double d) throws FieldParseException {
    if (Double.isNaN(d)) return null;
    if (Double.isInfinite(d)) throw new FieldParseException("finite", d + " is not a finite number");
    return d;
  }

  private static String describe(Element e) {
    return e.path() + ": type=" + e.type() + ", time=" + Arrays.toString(e.dateVector()) + ", ambient_temperature="
        + e.ambient();
  }

  @Override
  public void parse(InputFile file, Map<String, Operation> operations, RecordSink sink) throws IOException {
    NasaMatFile mat = NasaMatFile.read(Path.of(file.path()));
    for (Element e : mat.cycles) {
      if (!e.knownType()) continue; // quarantined by plan; its data is not inspected
      Operation op = operations.get(operationId(mat.cellId, e.index()));
      int rows = 0;
      for (Column c : e.series()) rows = Math.max(rows, c.length());
      if (op == null || !op.cycleType().equals(e.type())) {
        String rule = op == null ? "unknown-operation" : "operation-type";
        String msg = op == null
            ? "operation " + operationId(mat.cellId, e.index()) + " (" + e.path() + ") is not in the plan "
                + "(its listing was quarantined)"
            : e.path() + " is a " + e.type() + " operation but the plan lists it as " + op.cycleType();
        for (int r = 0; r < rows; r++) {
          sink.quarantine(new QuarantineRecord(NAME, mat.file, r + 1, null, "type", mat.cellId, e.index(), rule, msg,
              raw(e, r)));
        }
        continue;
      }
      if (e.type().equals("impedance")) {
        impedance(mat, e, op, rows, sink);
      } else {
        samples(mat, e, op, rows, sink);
      }
    }
  }

  private static void samples(NasaMatFile mat, Element e, Operation op, int rows, RecordSink sink) {
    List<Column> s = e.series(); // V, I, T, instrument I, instrument V, Time
    int index = 0;
    for (int r = 0; r < rows; r++) {
      Double[] v = new Double[6];
      int bad = -1;
      for (int c = 0; c < 6; c++) {
        double d = at(s.get(c).re(), r);
        if (Double.isInfinite(d)) bad = c;
        v[c] = Double.isNaN(d) ? null : d;
      }
      if (bad >= 0) {
        sink.quarantine(new QuarantineRecord(NAME, mat.file, r + 1, null, s.get(bad).name(), op.cellId(),
            op.cycleIndex(), "finite", e.path() + ".data." + s.get(bad).name() + "(" + (r + 1) + ") is not a finite "
                + "number", raw(e, r)));
        continue;
      }
      sink.sample(new SampleRecord(op.cellId(), op.cycleIndex(), op.cycleType(), index++, v[5], v[0], v[1], v[2],
          v[3], v[4], mat.file, r + 1));
    }
  }

  private static void impedance(NasaMatFile mat, Element e, Operation op, int rows, RecordSink sink) {
    List<Column> s = e.series();
    int index = 0;
    for (int r = 0; r < rows; r++) {
      Double[] parts = new Double[ImpedanceRecord.PARTS];
      int bad = -1;
      for (int c = 0; c < s.size(); c++) {
        Column col = s.get(c);
        double re = at(col.re(), r);
        double im = r >= col.length() ? Double.NaN : col.im() == null ? 0.0 : col.im()[r];
        if (Double.isInfinite(re) || Double.isInfinite(im)) bad = c;
        parts[2 * c] = Double.isNaN(re) ? null : re;
        parts[2 * c + 1] = Double.isNaN(im) || Double.isNaN(re) && col.im() == null ? null : im;
      }
      if (bad >= 0) {
        sink.quarantine(new QuarantineRecord(NAME, mat.file, r + 1, null, s.get(bad).name(), op.cellId(),
            op.cycleIndex(), "finite", e.path() + ".data." + s.get(bad).name() + "(" + (r + 1) + ") is not a finite "
                + "number", raw(e, r)));
        continue;
      }
      sink.impedance(new ImpedanceRecord(op.cellId(), op.cycleIndex(), index++, parts, mat.file, r + 1));
    }
  }

  private static double at(double[] a, int i) {
    return i < a.length ? a[i] : Double.NaN;
  }

  /** The values of sample {@code r} as text, for a quarantine record's {@code raw}. */
  private static String raw(Element e, int r) {
    StringBuilder b = new StringBuilder(e.path()).append(" sample ").append(r + 1).append(':');
    for (Column c : e.series()) {
      b.append(' ').append(c.name()).append('=');
      if (r >= c.length()) {
        b.append("[]");
      } else if (c.im() == null) {
        b.append(c.re()[r]);
      } else {
        b.append('(').append(c.re()[r]).append(c.im()[r] < 0 ? "" : "+").append(c.im()[r]).append("j)");
      }
    }
    return b.toString();
  }
}
