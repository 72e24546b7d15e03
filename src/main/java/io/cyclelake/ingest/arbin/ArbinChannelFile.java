package io.cyclelake.ingest.arbin;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.FieldParseException;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.LineSource;
import io.cyclelake.ingest.TextInput;
import io.cyclelake.ingest.xlsx.XlsxLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * One Arbin channel export (the {@code Channel_*} sheet of an Arbin workbook as CSV, plain or {@code .gz}, or the
 * {@code .xlsx} workbook itself, streamed): the time
 * series of one test session of one cell. Columns are found by their header name, so extra or reordered columns are
 * fine; a UTF-8 byte order mark is ignored. Every data line becomes either an {@link ArbinRow} or a
 * {@link QuarantineRecord} (source {@value #SOURCE}), never nothing; blank lines carry no data and are skipped.
 *
 * <p>Row rules and their quarantine {@code rule} names: {@code field-count} (not as many fields as the header),
 * {@code required}, {@code number}, {@code finite}, {@code integer} (a field, with its column), {@code truncated}
 * (the line a read error cut), {@code cycle-order} ({@code Cycle_Index} lower than on the previous accepted row) and
 * {@code time-order} ({@code Test_Time(s)} lower than on the previous accepted row). The two order rules hold in all
 * 106 CALCE CS2 files; {@link CycleAggregator} relies on them, because a cycle whose rows are not contiguous has no
 * single "increase of the counters over the cycle", and a step back in time would integrate current negatively.
 *
 * <p>A file that cannot be read to its end (e.g. a truncated gzip) delivers every row before the damage, quarantines
 * the cut line, then throws the read error, as {@link TextInput} does.
 */
public final class ArbinChannelFile {
  /** The {@code source} of quarantine records from Arbin files. */
  public static final String SOURCE = "arbin";

  /** Columns a channel export must have, by their Arbin header names. */
  public static final List<String> REQUIRED_COLUMNS = List.of("Test_Time(s)", "Date_Time", "Step_Time(s)",
      "Step_Index", "Cycle_Index", "Current(A)", "Voltage(V)", "Charge_Capacity(Ah)", "Discharge_Capacity(Ah)",
      "Charge_Energy(Wh)", "Discharge_Energy(Wh)");

  /** The one column read when present; without it {@link ArbinRow#internalResistanceOhm()} is null. */
  public static final String INTERNAL_RESISTANCE = "Internal_Resistance(Ohm)";

  private static final int TEST_TIME = 0;
  private static final int DATE_TIME = 1;
  private static final int STEP_TIME = 2;
  private static final int STEP = 3;
  private static final int CYCLE = 4;
  private static final int CURRENT = 5;
  private static final int VOLTAGE = 6;
  private static final int CHARGE_AH = 7;
  private static final int DISCHARGE_AH = 8;
  private static final int CHARGE_WH = 9;
  private static final int DISCHARGE_WH = 10;

  private ArbinChannelFile() {}

  /**
   * What one read saw.
   *
   * @param dataLines non-blank lines after the header
   * @param rows lines delivered as rows
   * @param quarantined lines delivered as quarantine records ({@code dataLines - rows})
   */
  public record Summary(long dataLines, long rows, long quarantined) {}

  /** Reads the file, streaming rows and rejected lines; quarantine records carry no cell id. */
  public static Summary read(Path file, Consumer<ArbinRow> rows, Consumer<QuarantineRecord> rejected)
      throws IOException {
    return read(file, null, rows, rejected);
  }

  /**
   * Reads the file, streaming rows and rejected lines in file order.
   *
   * @param cellId written into quarantine records (may be null)
   * @throws CycleLakeException INPUT_MALFORMED if the file is empty or a required column is missing
   * @throws CycleLakeException INPUT_MALFORMED ({@link TextInput#readBreak}) at the line a read error struck, after
   *     every row before it was delivered
   */
  public static Summary read(Path file, String cellId, Consumer<ArbinRow> rows, Consumer<QuarantineRecord> rejected)
      throws IOException {
    long data = 0;
    long accepted = 0;
    try (LineSource in = open(file)) {
      String line;
      try {
        RowReader r = header(in, file, cellId);
        while ((line = in.readLine()) != null) {
          if (line.isBlank()) continue;
          data++;
          ArbinRow row = r.row(line, in.lineNumber(), in.lastLineCut() ? in.lastLineCutReason() : null, rejected);
          if (row != null) {
            rows.accept(row);
            accepted++;
          }
        }
      } catch (IOException e) {
        // Named by file and line (a bare EOFException says neither).
        throw TextInput.readBreak(file.toString(), in, e);
      }
    }
    return new Summary(data, accepted, data - accepted);
  }

  /**
   * The {@code Date_Time} (Excel serial date) of the file's first row that {@link #read} would accept, reading only
   * up to that row: orders sessions without reading whole files. Lines before it that fail a rule are skipped here
   * (a full read quarantines them).
   *
   * @throws CycleLakeException INPUT_MALFORMED if the file has no acceptable data row or lacks a required column
   */
  public static double sessionStart(Path file) throws IOException {
    try (LineSource in = open(file)) {
      try {
        RowReader r = header(in, file, null);
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isBlank()) continue;
          ArbinRow row = r.row(line, in.lineNumber(), in.lastLineCut() ? in.lastLineCutReason() : null, q -> {});
          if (row != null) return row.dateTimeExcel();
        }
      } catch (IOException e) {
        throw TextInput.readBreak(file.toString(), in, e);
      }
    }
    throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file has no readable data row, so the session has "
        + "no start time", new SourceLocation(file.toString(), 0, 0, "Date_Time"), null);
  }

  /**
   * Reads the whole file into its per-cycle aggregates (the time series itself is not kept). The session's id is the
   * file path and its start the {@code Date_Time} of its first accepted row, equal to {@link #sessionStart}.
   *
   * @param cellId written into quarantine records (may be null)
   * @throws CycleLakeException INPUT_MALFORMED if the file has no acceptable data row or lacks a required column
   */
  public static Session readSession(Path file, String cellId, Consumer<QuarantineRecord> rejected)
      throws IOException {
    CycleAggregator agg = new CycleAggregator();
    try {
      read(file, cellId, agg, rejected);
    } catch (CycleLakeException e) {
      // A file that breaks off is planned from the rows before the break; its parse records the failure.
      if (!TextInput.isReadBreak(e)) throw e;
    }
    if (agg.rows() == 0) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file has no readable data row, so the session has "
          + "no start time", new SourceLocation(file.toString(), 0, 0, "Date_Time"), null);
    }
    return Session.of(file.toString(), agg);
  }

  /**
   * The file's lines: a workbook ({@code .xlsx}, as Arbin writes it) is read from its first sheet whose name starts
   * with {@code Channel}, streamed and rendered as CSV lines whose numbers are the sheet's row numbers; any other
   * file as text ({@code .gz} or plain).
   */
  static LineSource open(Path file) throws IOException {
    if (file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".xlsx")) {
      return XlsxLines.open(file, "Channel");
    }
    return TextInput.openOrFail(file);
  }

  private static RowReader header(LineSource in, Path file, String cellId) throws IOException {
    String header = in.readLine();
    if (header != null && in.lastLineCut()) {
      // A header the read error cut would report its lost columns as missing; the read error is the real cause.
      in.readLine();
    }
    List<String> names = ArbinCsv.headerNames(header, file.toString());
    int[] col = ArbinCsv.locate(names, REQUIRED_COLUMNS, true, file.toString(), "channel");
    int ir = names.indexOf(INTERNAL_RESISTANCE);
    return new RowReader(file.toString(), cellId, names, col, ir);
  }

  /** Turns lines into rows; remembers the last accepted row for the order rules. */
  private static final class RowReader {
    final String file;
    final String cellId;
    final List<String> names;
    final int[] col;
    final int ir;
    int lastCycle = Integer.MIN_VALUE;
    double lastTime = Double.NEGATIVE_INFINITY;

    RowReader(String file, String cellId, List<String> names, int[] col, int ir) {
      this.file = file;
      this.cellId = cellId;
      this.names = names;
      this.col = col;
      this.ir = ir;
    }

    /** The row, or null after handing the line to {@code rejected}. {@code cutReason} non-null: a read error cut it. */
    ArbinRow row(String line, long lineNo, String cutReason, Consumer<QuarantineRecord> rejected) {
      if (cutReason != null) {
        // Even if it parses, a cut line may have lost digits from its last field: never trust it.
        rejected.accept(reject(lineNo, -1, null, "truncated",
            "the file ends in the middle of this line (" + cutReason + ")", line));
        return null;
      }
      List<String> f = ArbinCsv.fields(line);
      if (f.size() != names.size()) {
        rejected.accept(reject(lineNo, -1, null, "field-count",
            "expected " + names.size() + " fields as in the header, found " + f.size(), line));
        return null;
      }
      Integer cycle = null;
      int at = CYCLE;
      try {
        // Cycle first, so that a record for any later bad field can name the cycle it belongs to.
        cycle = io.cyclelake.ingest.Fields.requiredInt(f.get(col[CYCLE]));
        at = STEP;
        int step = io.cyclelake.ingest.Fields.requiredInt(f.get(col[STEP]));
        double[] v = new double[col.length];
        for (int i = 0; i < col.length; i++) {
          if (i == CYCLE || i == STEP) continue;
          at = i;
          v[i] = ArbinCsv.number(f.get(col[i]));
        }
        at = -2;
        Double resistance = ir < 0 ? null : ArbinCsv.optionalNumber(f.get(ir));
        if (cycle < lastCycle) {
          rejected.accept(reject(lineNo, col[CYCLE], cycle, "cycle-order", "Cycle_Index " + cycle + " follows "
              + lastCycle + " on an earlier row; Arbin's cycle counter only advances within a file", line));
          return null;
        }
        if (v[TEST_TIME] < lastTime) {
          rejected.accept(reject(lineNo, col[TEST_TIME], cycle, "time-order", "Test_Time(s) " + v[TEST_TIME]
              + " is earlier than " + lastTime + " on an earlier row; test time only advances within a file", line));
          return null;
        }
        lastCycle = cycle;
        lastTime = v[TEST_TIME];
        return new ArbinRow(lineNo, v[TEST_TIME], v[DATE_TIME], v[STEP_TIME], step, cycle, v[CURRENT], v[VOLTAGE],
            v[CHARGE_AH], v[DISCHARGE_AH], v[CHARGE_WH], v[DISCHARGE_WH], resistance);
      } catch (FieldParseException e) {
        int c = at == -2 ? ir : col[at];
        rejected.accept(reject(lineNo, c, cycle, e.rule(), e.getMessage(), line));
        return null;
      }
    }

    /** {@code c} is the 0-based position in the file, -1 for the whole line. */
    QuarantineRecord reject(long lineNo, int c, Integer cycle, String rule, String message, String line) {
      return new QuarantineRecord(SOURCE, file, lineNo, c < 0 ? null : c + 1, c < 0 ? null : names.get(c), cellId,
          cycle, rule, message, line);
    }
  }
}
