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
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The NASA PCoE ageing data set as exported to CSV ("cleaned_dataset"): {@code metadata.csv} lists every operation;
 * {@code timeseries/{charge,discharge,impedance}/<cell>_<type>.csv.gz} hold the samples, each line prefixed with the
 * operation's {@code uid}. NASA's sign convention (current positive while charging) is already the canonical one.
 * Empty fields (NaN in the original MATLAB files) become nulls; {@code Capacity} {@code []} is missing; complex
 * {@code Re}/{@code Rct} values keep their real part.
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
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file is empty; expected a header with "
            + METADATA_COLUMNS, new SourceLocation(fileName, 1, 0, null), null);
      }
      List<String> names = CsvLine.split(stripBom(header), ',');
      int[] col = new int[METADATA_COLUMNS.size()];
      for (int i = 0; i < col.length; i++) {
        col[i] = names.indexOf(METADATA_COLUMNS.get(i));
        if (col[i] < 0) {
          throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the header has no column '" + METADATA_COLUMNS.get(i)
              + "'; found " + names, new SourceLocation(fileName, 1, 0, null), null);
        }
      }
      String line;
      long lineNo = 1;
      long data = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isEmpty()) continue;
        data++;
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
          ops.add(new Operation(cell, testId, type, ambient, start, capacity, re, rct, Integer.toString(uid), fileName));
        } catch (FieldParseException e) {
          rejected.add(new QuarantineRecord(NAME, fileName, lineNo, at + 1, names.get(at), null, null, e.rule(),
              e.getMessage(), line));
        }
      }
      return data;
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
    try (TextInput in = TextInput.open(Path.of(path))) {
      String header = in.readLine();
      if (header == null) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file is empty; expected the header "
            + String.join(",", expected), new SourceLocation(path, 1, 0, null), null);
      }
      List<String> names = CsvLine.split(stripBom(header), ',');
      int[] col = new int[expected.size()];
      for (int i = 0; i < col.length; i++) {
        col[i] = names.indexOf(expected.get(i));
        if (col[i] < 0) {
          throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the header has no column '" + expected.get(i)
              + "'; a NASA " + file.kind() + " file has " + expected, new SourceLocation(path, 1, 0, null), null);
        }
      }
      Map<String, int[]> nextIndex = new HashMap<>();
      String line;
      while ((line = in.readLine()) != null) {
        long lineNo = in.lineNumber();
        if (line.isEmpty()) continue;
        if (in.lastLineCut()) {
          sink.quarantine(new QuarantineRecord(NAME, path, lineNo, null, null, null, null, "truncated",
              "the file ends in the middle of this line (" + in.lastLineCutReason() + ")", line));
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
              "operation-type", "uid " + uid + " is a " + op.cycleType() + " operation in metadata.csv but sits in a "
                  + file.kind() + " file", line));
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
    }
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }
}
