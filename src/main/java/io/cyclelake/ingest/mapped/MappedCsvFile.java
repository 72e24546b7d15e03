package io.cyclelake.ingest.mapped;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.CsvLine;
import io.cyclelake.ingest.FieldParseException;
import io.cyclelake.ingest.FileSplit;
import io.cyclelake.ingest.Fields;
import io.cyclelake.ingest.LineSource;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.RangeLines;
import io.cyclelake.ingest.TextInput;
import io.cyclelake.ingest.mapped.CsvMapping.Column;
import io.cyclelake.ingest.mapped.CsvMapping.Source;
import io.cyclelake.ingest.parquet.ParquetLines;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;

/**
 * Reads one CSV file through a {@link CsvMapping}: every data line after the header becomes a {@link MappedRow} or a
 * {@link QuarantineRecord}, never nothing (blank lines carry no data and are skipped). Values are converted to
 * canonical units as they are read. A UTF-8 byte order mark and an Excel {@code sep=} line before the header are
 * ignored. A file whose name ends with {@code .parquet} is read through {@link ParquetLines}: its column names are the
 * header, and row {@code n} is line {@code n + 1}.
 *
 * <p>Row rules (the quarantine {@code rule}, with the 1-based column and its header name): {@code field-count} (not as
 * many fields as the header), {@code required} (time, voltage, current or a cell id column is empty), {@code number},
 * {@code finite}, {@code integer} (cycle and step must be whole numbers), {@code datetime}, {@code truncated} (the line
 * a read error cut) and {@code cycle-order} (a cell's cycle number lower than on its previous accepted row).
 */
public final class MappedCsvFile {
  private MappedCsvFile() {}

  /** What one read saw: non-blank data lines, rows delivered, lines quarantined. */
  public record Summary(long dataLines, long rows, long quarantined) {}

  /**
   * Reads the file in order, streaming rows and rejected lines.
   *
   * @param source the {@code source} of quarantine records (the reader's name)
   * @param fileCell the cell id of rows when the mapping has no cell column
   * @throws CycleLakeException INPUT_MALFORMED if the file has no header or lacks a mapped column
   * @throws CycleLakeException INPUT_MALFORMED ({@link TextInput#readBreak}) at the line a read error struck, after
   *     every row before it was delivered
   */
  public static Summary read(Path file, CsvMapping m, String source, String fileCell, Consumer<MappedRow> rows,
      Consumer<QuarantineRecord> rejected) throws IOException {
    try (LineSource in = ParquetLines.isParquet(file) ? ParquetLines.open(file, m.delimiter())
        : TextInput.openOrFail(file)) {
      return lines(file, in, header(in, file.toString(), m, source, fileCell), null, rows, rejected);
    }
  }

  /** Told where each data line starts, while planning reads a file it cuts into splits. */
  interface Cuts {
    /**
     * Before the data line that starts at {@code startByte}, after {@code linesBefore} lines, with each cell's cycle
     * of its last accepted row so far.
     */
    void beforeLine(long startByte, long linesBefore, Map<String, Integer> lastCycle);
  }

  /** As {@link #read}, for an uncompressed text file, telling {@code cuts} before each data line where it starts. */
  static Summary read(Path file, CsvMapping m, String source, String fileCell, Cuts cuts, Consumer<MappedRow> rows,
      Consumer<QuarantineRecord> rejected) throws IOException {
    try (RangeLines in = RangeLines.open(file)) {
      return lines(file, in, header(in, file.toString(), m, source, fileCell), cuts, rows, rejected);
    }
  }

  /**
   * As {@link #read}, for the lines of one split: the header is read at the file's start, the split's lines keep
   * their numbers in the file, and the {@code cycle-order} rule goes on from {@code lastCycle} (each cell's cycle on
   * its last accepted row before the split).
   */
  static Summary read(Path file, CsvMapping m, String source, String fileCell, FileSplit split,
      Map<String, Integer> lastCycle, Consumer<MappedRow> rows, Consumer<QuarantineRecord> rejected)
      throws IOException {
    split.checkUnchanged(file);
    if (split.startByte() == 0) {
      try (RangeLines in = RangeLines.open(file, 0, split.endByte(), 0)) {
        return lines(file, in, header(in, file.toString(), m, source, fileCell), null, rows, rejected);
      }
    }
    Parser p;
    try (RangeLines head = RangeLines.open(file)) {
      p = header(head, file.toString(), m, source, fileCell);
    }
    if (lastCycle != null) p.lastCycle.putAll(lastCycle);
    try (RangeLines in = RangeLines.open(file, split.startByte(), split.endByte(), split.linesBefore())) {
      return lines(file, in, p, null, rows, rejected);
    }
  }

  private static Summary lines(Path file, LineSource in, Parser p, Cuts cuts, Consumer<MappedRow> rows,
      Consumer<QuarantineRecord> rejected) throws IOException {
    long data = 0;
    long accepted = 0;
    String line;
    try {
      while ((line = in.readLine()) != null) {
        if (cuts != null) cuts.beforeLine(((RangeLines) in).lineStart(), in.lineNumber() - 1, p.lastCycle);
        if (line.isBlank()) continue;
        data++;
        MappedRow row = p.row(line, in.lineNumber(), in.lastLineCut() ? in.lastLineCutReason() : null, rejected);
        if (row != null) {
          rows.accept(row);
          accepted++;
        }
      }
    } catch (IOException e) {
      // Named by file and line (a bare EOFException says neither).
      throw TextInput.readBreak(file.toString(), in, e);
    }
    return new Summary(data, accepted, data - accepted);
  }

  /** The cell id a file name gives under the mapping's pattern (or the name without extensions). */
  public static String cellOfFile(Path file, CsvMapping m) {
    String name = file.getFileName().toString();
    if (m.cellPattern() == null) {
      int dot = name.indexOf('.');
      return dot > 0 ? name.substring(0, dot) : name;
    }
    Matcher x = m.cellPattern().matcher(name);
    if (!x.find() || x.groupCount() < 1) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file name does not match the cell pattern '"
          + m.cellPattern() + "' of " + m.label() + "; rename the file or change cell.pattern",
          new SourceLocation(file.toString(), 0, 0, null), null);
    }
    String cell;
    try {
      cell = x.group("cell");
    } catch (IllegalArgumentException noNamedGroup) {
      cell = x.group(1);
    }
    if (cell == null || cell.isBlank()) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the cell pattern '" + m.cellPattern()
          + "' matched the file name but its group is empty", new SourceLocation(file.toString(), 0, 0, null), null);
    }
    return cell;
  }

  private static Parser header(LineSource in, String file, CsvMapping m, String source, String fileCell)
      throws IOException {
    String header = null;
    for (int i = 1; i <= m.headerLine(); i++) {
      header = in.readLine();
      if (header == null) break;
    }
    // An Excel "sep=;" line shifts the header down by one line.
    if (header != null && header.replace("\uFEFF", "").strip().toLowerCase(Locale.ROOT).startsWith("sep=")) {
      header = in.readLine();
    }
    if (header == null || in.lastLineCut()) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file ends before its header line "
          + m.headerLine() + " (" + m.label() + " expects the header there)",
          new SourceLocation(file, header == null ? in.lineNumber() + 1 : in.lineNumber(), 0, null), null);
    }
    long headerLineNo = in.lineNumber();
    if (header.startsWith("\uFEFF")) header = header.substring(1);
    List<String> names = CsvLine.split(header, m.delimiter()).stream().map(String::strip).toList();
    Map<Column, Integer> at = new EnumMap<>(Column.class);
    for (var e : m.columns().entrySet()) {
      int found = -1;
      for (int i = 0; i < names.size(); i++) {
        boolean same = m.ignoreHeaderCase() ? names.get(i).equalsIgnoreCase(e.getValue().header().strip())
            : names.get(i).equals(e.getValue().header());
        if (!same) continue;
        if (found >= 0) {
          throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the header names '" + e.getValue().header()
              + "' twice (columns " + (found + 1) + " and " + (i + 1) + "); " + m.label() + " cannot tell which is "
              + e.getKey().key(), new SourceLocation(file, headerLineNo, i + 1, names.get(i)), null);
        }
        found = i;
      }
      if (found < 0 && e.getValue().optional() && !e.getKey().required()) continue;
      if (found < 0) {
        if (names.size() == 1 && header.indexOf(m.delimiter()) < 0) {
          throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the header has no '" + m.delimiter()
              + "' delimiter; " + m.label() + " expects fields separated by '" + m.delimiter()
              + "' (check the delimiter setting)", new SourceLocation(file, headerLineNo, 0, null), null);
        }
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the header has no column '" + e.getValue().header()
            + "' (" + e.getKey().key() + " in " + m.label() + "); found " + names,
            new SourceLocation(file, headerLineNo, 0, e.getValue().header()), null);
      }
      at.put(e.getKey(), found);
    }
    return new Parser(file, m, source, fileCell, names, at);
  }

  /** Turns lines into rows; remembers each cell's last cycle for the order rule. */
  private static final class Parser {
    final String file;
    final CsvMapping m;
    final String source;
    final String fileCell;
    final List<String> names;
    final Map<Column, Integer> at;
    final Map<String, Integer> lastCycle = new java.util.HashMap<>();
    final DateTimeFormatter dateFormat;
    final ZoneId zone;

    Parser(String file, CsvMapping m, String source, String fileCell, List<String> names, Map<Column, Integer> at) {
      this.file = file;
      this.m = m;
      this.source = source;
      this.fileCell = fileCell;
      this.names = names;
      this.at = at;
      // Strict: 31.02. is an error, not 28.02. (strict resolution needs the proleptic year u instead of the era year y).
      this.dateFormat = m.datetimePattern() == null ? null
          : DateTimeFormatter.ofPattern(m.datetimePattern().replace('y', 'u'), Locale.ROOT)
              .withResolverStyle(java.time.format.ResolverStyle.STRICT);
      this.zone = ZoneId.of(m.timeZone() == null ? "UTC" : m.timeZone());
    }

    MappedRow row(String line, long lineNo, String cutReason, Consumer<QuarantineRecord> rejected) {
      if (cutReason != null) {
        rejected.accept(reject(lineNo, -1, null, null, "truncated",
            "the file ends in the middle of this line (" + cutReason + ")", line));
        return null;
      }
      List<String> f = split(line);
      if (f.size() != names.size()) {
        rejected.accept(reject(lineNo, -1, null, null, "field-count", "expected " + names.size()
            + " fields as in the header (delimiter '" + m.delimiter() + "'), found " + f.size(), line));
        return null;
      }
      String cell = fileCell;
      Integer cycle = null;
      Column current = null;
      try {
        if (at.containsKey(Column.CELL)) {
          current = Column.CELL;
          cell = f.get(at.get(Column.CELL)).strip();
          if (cell.isEmpty()) throw new FieldParseException("required", "the cell id is empty");
        }
        current = Column.CYCLE;
        cycle = integer(f, Column.CYCLE);
        current = Column.STEP;
        Integer step = integer(f, Column.STEP);
        current = Column.TIME;
        double t = required(f, Column.TIME);
        current = Column.VOLTAGE;
        double v = required(f, Column.VOLTAGE);
        current = Column.CURRENT;
        double i = required(f, Column.CURRENT);
        if (!m.chargePositive()) i = MappedRow.negate(i);
        current = Column.TEMPERATURE;
        Double temp = optional(f, Column.TEMPERATURE);
        current = Column.AMBIENT_TEMPERATURE;
        Double ambient = optional(f, Column.AMBIENT_TEMPERATURE);
        current = Column.CHARGE_CAPACITY;
        Double qc = optional(f, Column.CHARGE_CAPACITY);
        current = Column.DISCHARGE_CAPACITY;
        Double qd = optional(f, Column.DISCHARGE_CAPACITY);
        current = Column.CHARGE_ENERGY;
        optional(f, Column.CHARGE_ENERGY);
        current = Column.DISCHARGE_ENERGY;
        optional(f, Column.DISCHARGE_ENERGY);
        current = Column.UNIX_TIME;
        Double epoch = optional(f, Column.UNIX_TIME);
        current = Column.DATETIME;
        if (epoch == null && at.containsKey(Column.DATETIME)) epoch = datetime(f.get(at.get(Column.DATETIME)));
        if (cycle != null) {
          Integer last = lastCycle.get(cell);
          if (last != null && cycle < last) {
            current = Column.CYCLE;
            throw new FieldParseException("cycle-order", "cycle " + cycle + " follows cycle " + last
                + " of cell " + cell + " on an earlier row; cycle numbers only advance within a file");
          }
          lastCycle.put(cell, cycle);
        }
        return new MappedRow(lineNo, cell, cycle, step, t, v, i, temp, ambient, qc, qd, epoch);
      } catch (FieldParseException e) {
        int c = at.getOrDefault(current, -1);
        rejected.accept(reject(lineNo, c, cell, cycle, e.rule(), e.getMessage(), line));
        return null;
      }
    }

    private List<String> split(String line) {
      if (line.indexOf('"') >= 0) return CsvLine.split(line, m.delimiter());
      List<String> out = new ArrayList<>(names.size());
      int from = 0;
      int d;
      while ((d = line.indexOf(m.delimiter(), from)) >= 0) {
        out.add(line.substring(from, d));
        from = d + 1;
      }
      out.add(line.substring(from));
      return out;
    }

    private String text(List<String> f, Column c) {
      String s = f.get(at.get(c));
      return m.decimal() == ',' ? s.replace(',', '.') : s;
    }

    private double required(List<String> f, Column c) throws FieldParseException {
      Double d = optional(f, c);
      if (d == null) throw new FieldParseException("required", "the " + c.key() + " field is empty");
      return d;
    }

    private Double optional(List<String> f, Column c) throws FieldParseException {
      if (!at.containsKey(c)) return null;
      Double d = Fields.optionalDouble(text(f, c));
      if (d == null) return null;
      Source s = m.columns().get(c);
      return s.unit() == null ? d : s.unit().toCanonical(d);
    }

    private Integer integer(List<String> f, Column c) throws FieldParseException {
      if (!at.containsKey(c)) return null;
      Double d = Fields.optionalDouble(text(f, c));
      if (d == null) return null;
      if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
        throw new FieldParseException("integer", "'" + f.get(at.get(c)).strip() + "' is not a whole number");
      }
      return (int) (double) d;
    }

    private Double datetime(String s) throws FieldParseException {
      String t = s.strip();
      if (t.isEmpty()) return null;
      try {
        Instant i;
        if (dateFormat != null) {
          TemporalAccessor a = dateFormat.parseBest(t, OffsetDateTime::from, LocalDateTime::from);
          i = a instanceof OffsetDateTime o ? o.toInstant() : ((LocalDateTime) a).atZone(zone).toInstant();
        } else {
          try {
            i = OffsetDateTime.parse(t).toInstant();
          } catch (DateTimeParseException noOffset) {
            i = LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant();
          }
        }
        return i.getEpochSecond() + i.getNano() / 1e9;
      } catch (DateTimeParseException e) {
        throw new FieldParseException("datetime", "'" + t + "' is not a date and time"
            + (m.datetimePattern() == null ? " in ISO-8601 form" : " of pattern " + m.datetimePattern()));
      }
    }

    /** {@code c} is the 0-based position in the file, -1 for the whole line. */
    QuarantineRecord reject(long lineNo, int c, String cell, Integer cycle, String rule, String message, String line) {
      return new QuarantineRecord(source, file, lineNo, c < 0 ? null : c + 1, c < 0 ? null : names.get(c), cell,
          null, rule, message, line);
    }
  }
}
