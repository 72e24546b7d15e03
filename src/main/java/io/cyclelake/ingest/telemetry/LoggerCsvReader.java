package io.cyclelake.ingest.telemetry;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.CsvLine;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.TextInput;
import io.cyclelake.schema.Tables;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Inverter logger CSV exports ({@code --source inverter}, settings {@code cyclelake.ingest.inverter}) as loggers
 * write them: UTF-8 byte-order mark, an Excel {@code sep=} line, units in the header ({@code DC Bus Voltage [V]},
 * {@code IGBT Temp (°C)}) and in values ({@code 45.3 °C}, {@code 12 A}), decimal commas where declared (or implied by
 * a {@code ;} delimiter), gzip or not. Which header is which canonical channel is the {@code channels} mapping of the
 * settings: a user's own logger is read by changing that mapping (see {@code conf/sources/example-inverter.conf}).
 * The device id is the {@code device} group of {@code device-pattern} matched on the file name.
 *
 * <p>Row rules (a row that breaks one goes to quarantine with its line, 1-based column and the header's name):
 * {@code field-count}, {@code timestamp} (not in {@code timestamp-pattern}), {@code number} (not a number, or a
 * decimal mark other than the declared one), {@code unit} (a value's unit of another quantity or unknown),
 * {@code range} (outside the quantity's limits), {@code time-monotonic} (earlier than the file's previous accepted
 * row). Rows whose time equals one of another file (overlapping logs) are kept here and counted as duplicates by the
 * 1 Hz aggregation.
 */
public final class LoggerCsvReader implements TelemetryReader {
  private static final long serialVersionUID = 1L;
  private static final Pattern VALUE = Pattern.compile("^([-+]?(?:\\d+(?:[.,]\\d*)?|[.,]\\d+)(?:[eE][-+]?\\d+)?)\\s*(.*)$");

  /** The settings, bound once on the driver (Serializable, travels to the tasks). */
  record Settings(String files, String devicePattern, String timestampColumn, String timestampPattern, String zone,
      String decimal, String delimiter, Map<String, List<String>> channels, Map<String, double[]> ranges)
      implements Serializable {}

  private final Settings s;

  public LoggerCsvReader() {
    this(null);
  }

  private LoggerCsvReader(Settings s) {
    this.s = s;
  }

  @Override
  public String name() {
    return "inverter";
  }

  @Override
  public String description() {
    return "inverter logger CSV exports (BOM, sep= line, units in headers and values, decimal commas); channels "
        + "mapped in cyclelake.ingest.inverter.channels";
  }

  @Override
  public TelemetryReader configured(Config c) {
    Map<String, List<String>> channels = new LinkedHashMap<>();
    Config ch = c.getConfig("channels");
    for (String key : ch.root().keySet()) {
      if (!Tables.TELEMETRY_CHANNELS.contains(key)) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "ingest.inverter.channels." + key + " (at "
            + ch.getValue(key).origin().description() + ") is not a telemetry channel; channels are "
            + Tables.TELEMETRY_CHANNELS);
      }
      channels.put(key, ch.getStringList(key));
    }
    Map<String, double[]> ranges = new TreeMap<>();
    Config r = c.getConfig("ranges");
    for (String q : List.of("temperature", "voltage", "current", "torque", "speed")) {
      ranges.put(q, new double[] {r.getDouble(q + ".min"), r.getDouble(q + ".max")});
    }
    String decimal = c.getString("decimal");
    if (!List.of("auto", ".", ",").contains(decimal)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "ingest.inverter.decimal must be auto, . or , (at "
          + c.getValue("decimal").origin().description() + "), got '" + decimal + "'");
    }
    String devicePattern = c.getString("device-pattern");
    if (!devicePattern.contains("(?<device>")) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "ingest.inverter.device-pattern needs a group "
          + "(?<device>...) (at " + c.getValue("device-pattern").origin().description() + ")");
    }
    return new LoggerCsvReader(new Settings(c.getString("files"), devicePattern, c.getString("timestamp-column"),
        c.getString("timestamp-pattern"), c.getString("zone"), decimal, c.getString("delimiter"), channels, ranges));
  }

  private Settings settings() {
    if (s == null) throw new IllegalStateException("the inverter reader is used before configured(settings)");
    return s;
  }

  @Override
  public List<InputFile> plan(Path input) throws IOException {
    Settings st = settings();
    List<InputFile> out = new ArrayList<>();
    if (Files.isRegularFile(input)) {
      out.add(new InputFile(input.toAbsolutePath().normalize().toString(), "logger-csv"));
    } else {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + st.files());
      PathMatcher gz = FileSystems.getDefault().getPathMatcher("glob:" + st.files() + ".gz");
      try (Stream<Path> walk = Files.walk(input)) {
        walk.filter(Files::isRegularFile)
            .filter(p -> m.matches(p.getFileName()) || gz.matches(p.getFileName()))
            .map(p -> p.toAbsolutePath().normalize().toString()).sorted()
            .forEach(p -> out.add(new InputFile(p, "logger-csv")));
      }
    }
    if (out.isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "no files matching '" + st.files() + "' under " + input
          + " (setting cyclelake.ingest.inverter.files)");
    }
    for (InputFile f : out) deviceOf(f.path());
    return out;
  }

  /** The device id of a file, from its name. */
  String deviceOf(String path) {
    String name = Path.of(path).getFileName().toString();
    Matcher m = Pattern.compile(settings().devicePattern()).matcher(name);
    if (!m.find() || m.group("device") == null || m.group("device").isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file name " + name + " does not match "
          + "ingest.inverter.device-pattern '" + settings().devicePattern() + "', so its device is unknown",
          new SourceLocation(path, 0, 0, null), null);
    }
    return m.group("device");
  }

  @Override
  public Map<String, String> notes(List<InputFile> files) throws IOException {
    Map<String, String> notes = new TreeMap<>();
    for (InputFile f : files) {
      try (TextInput in = TextInput.openOrFail(Path.of(f.path()))) {
        LoggerHeader h = LoggerHeader.parse(f.path(), in.readLine(), in.readLine(), delimiterSetting());
        List<String> unmapped = new ArrayList<>();
        Column[] cols = columns(f.path(), h);
        for (int k = 0; k < cols.length; k++) if (cols[k] == null && k != timestampIndex(f.path(), h)) unmapped.add(h.names().get(k));
        if (!unmapped.isEmpty()) notes.put(f.path(), "columns not mapped to a channel (not ingested): " + unmapped);
      } catch (CycleLakeException e) {
        // the parse task records the failure with its location
      }
    }
    return notes;
  }

  private char delimiterSetting() {
    String d = settings().delimiter();
    return switch (d) {
      case "auto" -> 0;
      case "tab" -> '\t';
      default -> d.charAt(0);
    };
  }

  /** How one header column maps to a channel. */
  private record Column(int channel, String name, TelemetryUnits.Conversion headerUnit) {}

  private Column[] columns(String file, LoggerHeader h) {
    Column[] out = new Column[h.names().size()];
    Map<String, Integer> seen = new TreeMap<>();
    for (int k = 0; k < out.length; k++) {
      String name = h.names().get(k);
      for (Map.Entry<String, List<String>> e : settings().channels().entrySet()) {
        boolean match = e.getValue().stream().anyMatch(a -> a.equalsIgnoreCase(name));
        if (!match) continue;
        String channel = e.getKey();
        Integer previous = seen.put(channel, k);
        if (previous != null) {
          throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "channel " + channel + " is in columns "
              + (previous + 1) + " and " + (k + 1) + " of the header", new SourceLocation(file, h.headerLine(), k + 1,
              name), null);
        }
        String unit = h.units().get(k);
        TelemetryUnits.Conversion conv = unit.isEmpty() ? TelemetryUnits.canonical(channel) : TelemetryUnits.of(unit);
        if (conv == null || !conv.quantity().equals(TelemetryUnits.quantityOf(channel))) {
          throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the header's unit '" + unit + "' is "
              + (conv == null ? "unknown" : "a " + conv.quantity() + " unit") + "; channel " + channel + " is a "
              + TelemetryUnits.quantityOf(channel), new SourceLocation(file, h.headerLine(), k + 1, name), null);
        }
        out[k] = new Column(Tables.TELEMETRY_CHANNELS.indexOf(channel), name, conv);
      }
    }
    return out;
  }

  private int timestampIndex(String file, LoggerHeader h) {
    for (int k = 0; k < h.names().size(); k++) {
      if (h.names().get(k).equalsIgnoreCase(settings().timestampColumn())) return k;
    }
    throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "no timestamp column '" + settings().timestampColumn()
        + "' in the header " + h.names() + " (setting ingest.inverter.timestamp-column)",
        new SourceLocation(file, h.headerLine(), 0, null), null);
  }

  @Override
  public void parse(InputFile file, TelemetrySink sink) throws IOException {
    Settings st = settings();
    String path = file.path();
    String device = deviceOf(path);
    // Strict (31.02. is an error); the era is defaulted so that yyyy works under the strict resolver.
    DateTimeFormatter fmt = new java.time.format.DateTimeFormatterBuilder().appendPattern(st.timestampPattern())
        .parseDefaulting(java.time.temporal.ChronoField.ERA, 1).toFormatter(Locale.ROOT)
        .withResolverStyle(ResolverStyle.STRICT);
    ZoneId zone = ZoneId.of(st.zone());
    try (TextInput in = TextInput.openOrFail(Path.of(path))) {
      try {
        parseLines(in, path, device, fmt, zone, sink);
      } catch (IOException e) {
        // Named by file and line (a bare EOFException says neither); the lines before it were delivered.
        throw TextInput.readBreak(path, in, e);
      }
    }
  }

  private void parseLines(TextInput in, String path, String device, DateTimeFormatter fmt, ZoneId zone,
      TelemetrySink sink) throws IOException {
    Settings st = settings();
    String first = in.readLine();
    String second = null;
    boolean sep = first != null && LoggerHeader.stripBom(first).trim().regionMatches(true, 0, "sep=", 0, 4);
    if (sep) second = in.readLine();
    LoggerHeader h = LoggerHeader.parse(path, first, second, delimiterSetting());
    char decimal = st.decimal().equals("auto") ? (h.delimiter() == ';' ? ',' : '.') : st.decimal().charAt(0);
    if (decimal == h.delimiter()) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the decimal mark and the delimiter are both '"
          + decimal + "'", new SourceLocation(path, h.headerLine(), 0, null), null);
    }
    Column[] cols = columns(path, h);
    int tsCol = timestampIndex(path, h);
    int n = h.names().size();
    long previous = Long.MIN_VALUE;
    String line;
    while ((line = in.readLine()) != null) {
      long ln = in.lineNumber();
      if (line.isBlank()) continue;
      if (in.lastLineCut()) {
        sink.quarantine(q(path, ln, null, null, device, "truncated", "the file ends inside this line ("
            + in.lastLineCutReason() + ")", line));
        // not break: the next readLine throws the read error, so the file is recorded as failed, not as whole
        continue;
      }
      List<String> f = CsvLine.split(line, h.delimiter());
      if (f.size() != n) {
        sink.quarantine(q(path, ln, null, null, device, "field-count", f.size() + " fields, the header has " + n,
            line));
        continue;
      }
      long micros;
      try {
        var t = LocalDateTime.parse(f.get(tsCol).trim(), fmt).atZone(zone).toInstant();
        micros = t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
      } catch (DateTimeParseException e) {
        sink.quarantine(q(path, ln, tsCol + 1, h.names().get(tsCol), device, "timestamp", "'" + f.get(tsCol)
            + "' is not a time in the pattern " + st.timestampPattern(), line));
        continue;
      }
      double[] v = new double[Tables.TELEMETRY_CHANNELS.size()];
      Arrays.fill(v, Double.NaN);
      String bad = null;
      int badCol = -1;
      String rule = null;
      for (int k = 0; k < n && bad == null; k++) {
        Column c = cols[k];
        if (c == null) continue;
        String raw = f.get(k).trim();
        if (raw.isEmpty()) continue;
        Matcher m = VALUE.matcher(raw);
        if (!m.matches()) {
          bad = "'" + raw + "' is not a number";
          rule = "number";
          badCol = k;
          break;
        }
        String num = m.group(1);
        char other = decimal == '.' ? ',' : '.';
        if (num.indexOf(other) >= 0) {
          bad = "'" + raw + "' has the decimal mark '" + other + "'; this file's is '" + decimal + "'";
          rule = "number";
          badCol = k;
          break;
        }
        double x = Double.parseDouble(decimal == ',' ? num.replace(',', '.') : num);
        TelemetryUnits.Conversion conv = c.headerUnit();
        String unit = m.group(2).trim();
        if (!unit.isEmpty()) {
          conv = TelemetryUnits.of(unit);
          String want = TelemetryUnits.quantityOf(Tables.TELEMETRY_CHANNELS.get(c.channel()));
          if (conv == null || !conv.quantity().equals(want)) {
            bad = "the unit '" + unit + "' of '" + raw + "' is " + (conv == null ? "unknown" : "a "
                + conv.quantity() + " unit") + "; the column holds a " + want;
            rule = "unit";
            badCol = k;
            break;
          }
        }
        x = conv.apply(x);
        double[] lim = st.ranges().get(conv.quantity());
        if (!Double.isFinite(x) || x < lim[0] || x > lim[1]) {
          bad = String.format(Locale.ROOT, "%s = %s is outside [%s, %s]", Tables.TELEMETRY_CHANNELS.get(c.channel()),
              x, lim[0], lim[1]);
          rule = "range";
          badCol = k;
          break;
        }
        v[c.channel()] = x;
      }
      if (bad != null) {
        sink.quarantine(q(path, ln, badCol + 1, h.names().get(badCol), device, rule, bad, line));
        continue;
      }
      if (micros < previous) {
        sink.quarantine(q(path, ln, tsCol + 1, h.names().get(tsCol), device, "time-monotonic",
            "earlier than the previous accepted row of the file", line));
        continue;
      }
      previous = micros;
      sink.sample(new TelemetrySample(device, micros, v, path, ln));
    }
  }

  private QuarantineRecord q(String file, long line, Integer col, String colName, String device, String rule,
      String message, String raw) {
    return new QuarantineRecord(name(), file, line, col, colName, device, null, rule, message, raw);
  }
}
