package io.cyclelake.ingest.nasa;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.CsvLine;
import io.cyclelake.ingest.FieldParseException;
import io.cyclelake.ingest.Fields;
import io.cyclelake.ingest.ImpedanceRecord;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.RecordSink;
import io.cyclelake.ingest.SampleRecord;
import io.cyclelake.ingest.SourceReader;
import io.cyclelake.ingest.TextInput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipException;

/**
 * The NASA PCoE ageing data set as exported to CSV ("cleaned_dataset"): {@code metadata.csv} lists every operation;
 * {@code timeseries/{charge,discharge,impedance}/<cell>_<type>.csv.gz} hold the samples, each line prefixed with the
 * operation's {@code uid}. NASA's sign convention (current positive while charging) is already the canonical one.
 * Empty fields (NaN in the original MATLAB files) become nulls; {@code Capacity} {@code []} is missing; complex
 * {@code Re}/{@code Rct} values keep their real part.
 *
 * <p>Bad input (see NasaBadInputTest): a UTF-8 BOM and an Excel {@code sep=,} first line are skipped; a header that is
 * missing, cut, in another delimiter or without a column, and a file that cannot be read to its end (truncated or
 * corrupt gzip) fail with {@code INPUT_MALFORMED} at the line concerned, after the lines before it were delivered.
 * Bad rows are quarantined with their rule, line and column. Values are not judged beyond being finite numbers: time
 * order and magnitudes are the validation layer's business. A uid belongs to the cell metadata.csv gives it, whatever
 * file it sits in; a uid listed twice keeps its first listing.
 */
public final class NasaReader implements SourceReader {
  private static final long serialVersionUID = 1L;
  static final String NAME = "nasa";
  static final List<String> METADATA_COLUMNS =
      List.of("type", "start_time", "ambient_temperature", "battery_id", "test_id", "uid", "Capacity", "Re", "Rct");
  static final List<String> KINDS = List.of("charge", "discharge", "impedance");
  private static final List<String> CHARGE_COLUMNS =
      List.of("uid", "Voltage_measured", "Current_measured", "Temperature_measured", "Current_charge",
          "Voltage_charge", "Time");
  private static final List<String> DISCHARGE_COLUMNS =
      List.of("uid", "Voltage_measured", "Current_measured", "Temperature_measured", "Current_load",
          "Voltage_load", "Time");
  private static final List<String> IMPEDANCE_COLUMNS =
      List.of("uid", "Sense_current", "Battery_current", "Current_ratio", "Battery_impedance",
          "Rectified_impedance");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "NASA PCoE battery ageing export: metadata.csv + timeseries/{charge,discharge,impedance}/*.csv.gz";
  }

  @Override
  public IngestPlan plan(Path input, Config settings, Set<String> cells) throws IOException {
    Path metadata = input.resolve(settings.getString("metadata-file"));
    if (!Files.isRegularFile(metadata)) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "no " + metadata.getFileName() + " in " + input.toAbsolutePath()
          + "; --input must be the folder of a NASA PCoE export (metadata.csv and timeseries/)");
    }
    List<Operation> ops = new ArrayList<>();
    List<QuarantineRecord> rejected = new ArrayList<>();
    long lines = readMetadata(metadata, cells, ops, rejected);
    List<InputFile> files = new ArrayList<>();
    Path tsDir = input.resolve(settings.getString("timeseries-dir"));
    for (String kind : KINDS) {
      Path dir = tsDir.resolve(kind);
      if (!Files.isDirectory(dir)) continue;
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.getFileName().toString().matches("[^_]+_" + kind + "\\.csv(\\.gz)?"))
            .filter(p -> cells.isEmpty() || cells.contains(p.getFileName().toString().split("_")[0]))
            .sorted()
            .forEach(p -> files.add(new InputFile(p.toString(), kind)));
      }
    }
    return new IngestPlan(ops, files, rejected, lines);
  }

  private static long readMetadata(Path file, Set<String> cells, List<Operation> ops, List<QuarantineRecord> rejected)
      throws IOException {
    String fileName = file.toString();
    // TextInput, not Files.newBufferedReader: that one throws on the first byte that is not UTF-8 (a Latin-1 degree
    // sign, say), failing the whole plan; here such bytes decode to U+FFFD and fail their field's rule.
    TextInput in = open(fileName);
    try (in) {
      Header h = header(in, fileName, METADATA_COLUMNS, "a NASA metadata.csv has " + METADATA_COLUMNS);
      List<String> names = h.names();
      int[] col = h.col();
      Map<Integer, Long> listedOn = new HashMap<>();
      String line;
      long data = 0;
      while ((line = in.readLine()) != null) {
        long lineNo = in.lineNumber();
        if (line.isEmpty()) continue;
        data++;
        if (in.lastLineCut()) {
          rejected.add(cutLine(fileName, lineNo, in, line));
          continue;
        }
        List<String> f = CsvLine.split(line, ',');
        if (f.size() != names.size()) {
          rejected.add(new QuarantineRecord(NAME, fileName, lineNo, null, null, null, null, "field-count",
              "expected " + names.size() + " fields as in the header, found " + f.size(), line));
          continue;
        }
        int at = -1;
        try {
          at = col[3];
          String cell = f.get(at).strip();
          if (cell.isEmpty()) throw new FieldParseException("required", "the cell id is empty");
          if (!cells.isEmpty() && !cells.contains(cell)) {
            data--;
            continue;
          }
          at = col[0];
          String type = f.get(at).strip();
          if (!KINDS.contains(type)) throw new FieldParseException("value", "'" + type + "' is not one of " + KINDS);
          at = col[1];
          Instant start = NumpyDateVector.parse(f.get(at));
          at = col[2];
          Double ambient = Fields.optionalDouble(f.get(at));
          at = col[4];
          int testId = Fields.requiredInt(f.get(at));
          at = col[5];
          int uid = Fields.requiredInt(f.get(at));
          at = col[6];
          String capText = f.get(at).strip();
          Double capacity = capText.equals("[]") ? null : Fields.optionalDouble(capText);
          at = col[7];
          Double re = Fields.optionalComplex(f.get(at))[0];
          at = col[8];
          Double rct = Fields.optionalComplex(f.get(at))[0];
          // A uid listed twice (a doubled row, two exports concatenated) would fail the whole ingest later, and its
          // samples could belong to either listing: the first listing is kept, a later one is quarantined.
          at = col[5];
          Long first = listedOn.putIfAbsent(uid, lineNo);
          if (first != null) {
            throw new FieldParseException("duplicate", "uid " + uid + " is already listed on line " + first
                + "; the first listing is kept");
          }
          ops.add(new Operation(cell, testId, type, ambient, start, capacity, re, rct, Integer.toString(uid), fileName));
        } catch (FieldParseException e) {
          rejected.add(new QuarantineRecord(NAME, fileName, lineNo, at + 1, names.get(at), null, null, e.rule(),
              e.getMessage(), line));
        }
      }
      return data;
    } catch (IOException e) {
      throw unreadable(fileName, in, e);
    }
  }

  @Override
  public void parse(InputFile file, Map<String, Operation> operations, RecordSink sink) throws IOException {
    List<String> expected = switch (file.kind()) {
      case "charge" -> CHARGE_COLUMNS;
      case "discharge" -> DISCHARGE_COLUMNS;
      case "impedance" -> IMPEDANCE_COLUMNS;
      default -> throw new IllegalArgumentException("unknown file kind " + file.kind());
    };
    String path = file.path();
    TextInput in = open(path);
    try (in) {
      Header h = header(in, path, expected, "a NASA " + file.kind() + " file has " + expected);
      List<String> names = h.names();
      int[] col = h.col();
      Map<String, int[]> nextIndex = new HashMap<>();
      String line;
      while ((line = in.readLine()) != null) {
        long lineNo = in.lineNumber();
        if (line.isEmpty()) continue;
        if (in.lastLineCut()) {
          sink.quarantine(cutLine(path, lineNo, in, line));
          continue;
        }
        List<String> f = CsvLine.split(line, ',');
        if (f.size() != names.size()) {
          sink.quarantine(new QuarantineRecord(NAME, path, lineNo, null, null, null, null, "field-count",
              "expected " + names.size() + " fields as in the header, found " + f.size(), line));
          continue;
        }
        String uid = f.get(col[0]).strip();
        Operation op = operations.get(uid);
        if (op == null) {
          sink.quarantine(new QuarantineRecord(NAME, path, lineNo, col[0] + 1, "uid", null, null, "unknown-operation",
              "uid '" + uid + "' is not listed in metadata.csv (or its listing row was quarantined)", line));
          continue;
        }
        if (!op.cycleType().equals(file.kind())) {
          sink.quarantine(new QuarantineRecord(NAME, path, lineNo, col[0] + 1, "uid", op.cellId(), op.cycleIndex(),
              "operation-type", "uid " + uid + " is " + article(op.cycleType()) + " operation in metadata.csv but sits "
                  + "in " + article(file.kind()) + " file", line));
          continue;
        }
        int at = 0;
        try {
          int index = nextIndex.computeIfAbsent(uid, k -> new int[1])[0];
          if (file.kind().equals("impedance")) {
            Double[] parts = new Double[ImpedanceRecord.PARTS];
            for (int c = 1; c <= 5; c++) {
              at = c;
              Double[] z = Fields.optionalComplex(f.get(col[c]));
              parts[2 * (c - 1)] = z[0];
              parts[2 * (c - 1) + 1] = z[1];
            }
            sink.impedance(new ImpedanceRecord(op.cellId(), op.cycleIndex(), index, parts, path, lineNo));
          } else {
            Double[] v = new Double[6];
            for (int c = 1; c <= 6; c++) {
              at = c;
              v[c - 1] = Fields.optionalDouble(f.get(col[c]));
            }
            sink.sample(new SampleRecord(op.cellId(), op.cycleIndex(), op.cycleType(), index, v[5], v[0], v[1], v[2],
                v[3], v[4], path, lineNo));
          }
          nextIndex.get(uid)[0]++;
        } catch (FieldParseException e) {
          sink.quarantine(new QuarantineRecord(NAME, path, lineNo, col[at] + 1, expected.get(at), op.cellId(),
              op.cycleIndex(), e.rule(), e.getMessage(), line));
        }
      }
    } catch (IOException e) {
      throw unreadable(path, in, e);
    }
  }

  /** A header's column names and, for each expected column, its 0-based position. */
  private record Header(List<String> names, int[] col) {}

  /**
   * Reads the header line. A UTF-8 BOM is dropped, and so is an Excel {@code sep=,} first line (Excel writes it to
   * name the delimiter; the header is then line 2). Everything else that keeps the columns from being found fails
   * with {@code INPUT_MALFORMED} at the header's line: an empty file, a file cut inside the header, another delimiter
   * (declared by {@code sep=} or used in the header), a missing column (named in {@code field}). Columns not
   * expected are ignored.
   */
  private static Header header(TextInput in, String file, List<String> expected, String what) throws IOException {
    String line = in.readLine();
    if (line != null) line = stripBom(line);
    if (line != null && line.length() == 5 && line.regionMatches(true, 0, "sep=", 0, 4)) {
      if (line.charAt(4) != ',') {
        throw malformed(file, 1, null, "the first line '" + line + "' declares the delimiter '" + line.charAt(4)
            + "', but NASA files are comma-separated; export the file again with ',' as the delimiter");
      }
      line = in.readLine();
    }
    if (line == null) {
      throw malformed(file, in.lineNumber() + 1, null, (in.lineNumber() == 0 ? "the file is empty" : "the file ends "
          + "after its 'sep=,' line") + "; expected a header with the columns " + expected);
    }
    long lineNo = in.lineNumber();
    if (in.lastLineCut()) {
      throw malformed(file, lineNo, null, "the file ends inside its header (" + in.lastLineCutReason() + ")");
    }
    List<String> names = CsvLine.split(line, ',');
    int[] col = new int[expected.size()];
    for (int i = 0; i < col.length; i++) {
      col[i] = names.indexOf(expected.get(i));
      if (col[i] >= 0) continue;
      for (char d : new char[] {';', '\t', '|'}) {
        if (names.size() == 1 && line.indexOf(d) >= 0) {
          throw malformed(file, lineNo, null, "the header is not comma-separated (it holds no ',' but '"
              + (d == '\t' ? "\\t" : d) + "'); NASA files are comma-separated: " + what);
        }
      }
      throw malformed(file, lineNo, expected.get(i), "the header has no column '" + expected.get(i) + "'; found "
          + names + "; " + what);
    }
    return new Header(names, col);
  }

  /** The last line, cut by a read error, as a quarantine record. */
  private static QuarantineRecord cutLine(String file, long lineNo, TextInput in, String line) {
    return new QuarantineRecord(NAME, file, lineNo, null, null, null, null, "truncated",
        "the file ends in the middle of this line (" + in.lastLineCutReason() + ")", line);
  }

  private static TextInput open(String file) throws IOException {
    try {
      return TextInput.open(Path.of(file));
    } catch (ZipException | EOFException e) {
      // A .gz whose gzip header is missing or bad (or a 0-byte .gz) fails here, before line 1 is read.
      if (Files.size(Path.of(file)) == 0) {
        throw malformed(file, 1, null, "the file is empty (0 bytes); expected a gzip-compressed CSV with a header");
      }
      throw unreadable(file, null, e);
    }
  }

  /**
   * A read error (a .gz that is cut short or corrupt, a failing disk) at the line it struck: the line the error cut
   * (already quarantined as {@code truncated}), else the line after the last one read. The lines before it were
   * delivered; the caller (IngestJob) records the file as failed.
   */
  private static CycleLakeException unreadable(String file, TextInput in, IOException e) {
    long line = in == null ? 1 : in.lastLineCut() ? in.lineNumber() : in.lineNumber() + 1;
    String cause = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file cannot be read from this line on (" + cause
        + "); the lines before it were read. A .gz file that is cut short or corrupt must be copied again",
        new SourceLocation(file, line, 0, null), e);
  }

  private static CycleLakeException malformed(String file, long line, String column, String message) {
    return new CycleLakeException(ErrorCode.INPUT_MALFORMED, message, new SourceLocation(file, line, 0, column), null);
  }

  private static String article(String kind) {
    return (kind.startsWith("i") ? "an " : "a ") + kind;
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }
}
