package io.cyclelake.report.card;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.html.Section;
import io.cyclelake.schema.Tables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The data sheet of one dataset (the rows one reader ingested, {@code source} in {@code cycles}, {@code files} and
 * {@code quarantine}), built from the lake alone: every count is a query on a pinned Delta version of a table, and
 * the sheet lists those versions. Provenance text is each raw file's nearest {@code PROVENANCE.md} (searched from
 * the file's folder upwards), quoted verbatim with its SHA-256. The sheet is one report {@link Section} (headings,
 * paragraphs and tables), rendered as Markdown and as HTML from the same blocks.
 */
public final class DataSheet {
  private DataSheet() {}

  /**
   * What to describe. {@code validation} is the {@code cyclelake.validation} block of the configuration the sheet is
   * generated with (rendered as rules); ingest does not record its settings in the lake, and the sheet says so.
   */
  public record Options(String dataset, int examples, Map<String, String> validation) {}

  /** The Delta versions a sheet read: table → version (absent tables are left out). */
  public record Versions(Map<String, Long> versions) {}

  /** The datasets (reader names) of the lake: distinct {@code source} of {@code cycles} and {@code files}. */
  public static List<String> datasets(Lake lake) {
    TreeSet<String> out = new TreeSet<>();
    for (String t : List.of(Tables.CYCLES, Tables.FILES)) {
      if (!lake.exists(t)) continue;
      for (Row r : lake.read(t, "ingest").select("source").distinct().collectAsList()) out.add(r.getString(0));
    }
    return List.copyOf(out);
  }

  /** The tables a sheet describes, each pinned at its latest version when the sheet is built. */
  static final List<String> TABLES = List.of(Tables.FILES, Tables.CYCLES, Tables.QUARANTINE, Tables.TIMESERIES,
      Tables.IMPEDANCE, Tables.FEATURES_SUMMARY);

  public static Section build(Lake lake, Options o) {
    Map<String, Long> versions = new LinkedHashMap<>();
    for (String t : TABLES) if (lake.exists(t)) versions.put(t, lake.version(t));
    if (!versions.containsKey(Tables.CYCLES)) {
      throw new CycleLakeException(ErrorCode.TABLE_MISSING, "the lake " + lake.root() + " has no table 'cycles'; "
          + "run `cyclelake ingest` first (or point --lake at another lake)");
    }
    String ds = o.dataset();
    Dataset<Row> cycles = lake.readVersion(Tables.CYCLES, versions.get(Tables.CYCLES))
        .where(col("source").equalTo(ds)).cache();
    if (cycles.isEmpty()) {
      cycles.unpersist();
      throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "no dataset '" + ds + "' in " + lake.root()
          + " (table cycles, column source); datasets: " + datasets(lake));
    }
    Dataset<Row> files = versions.containsKey(Tables.FILES)
        ? lake.readVersion(Tables.FILES, versions.get(Tables.FILES)).where(col("source").equalTo(ds))
        : lake.spark().createDataFrame(List.of(), Tables.FILES_SCHEMA);
    Dataset<Row> quarantine = versions.containsKey(Tables.QUARANTINE)
        ? lake.readVersion(Tables.QUARANTINE, versions.get(Tables.QUARANTINE)).where(col("source").equalTo(ds))
        : lake.spark().createDataFrame(List.of(), Tables.QUARANTINE_SCHEMA);
    List<Row> fileRows = files.select("path", "role", "status", "size_bytes", "sha256", "rows_read",
        "rows_accepted", "rows_quarantined", "error", "cells").orderBy("path").collectAsList();

    List<Row> byRule = quarantine.groupBy("rule").agg(count(lit(1)).as("rows"), countDistinct("source_file")
        .as("files"), countDistinct("cell_id").as("cells")).orderBy(col("rows").desc(), col("rule")).collectAsList();
    Map<String, Long> rules = new LinkedHashMap<>();
    byRule.forEach(r -> rules.put(r.getString(0), r.getLong(1)));
    long qRows = rules.values().stream().mapToLong(Long::longValue).sum();
    Section s = new Section("datasheet-" + ds.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-"),
        "Data sheet: " + ds);
    Row totals = summary(s, cycles, fileRows, qRows, ds);
    provenance(s, fileRows);
    files(s, fileRows);
    cells(s, cycles);
    units(s, lake, versions, cycles);
    validation(s, o.validation());
    quarantine(s, quarantine, byRule, o.examples());
    quirks(s, totals, fileRows, rules, ds);
    versions(s, lake, versions, cycles, totals.getLong(1), fileRows.size(), qRows);
    cycles.unpersist();
    return s;
  }

  /** Writes the summary; returns the totals row (cells, operations, discharges, charges, impedance, samples,
   * quarantined, discharges without capacity, with capacity <= 0, charges/discharges without samples, impedance
   * without points). */
  private static Row summary(Section s, Dataset<Row> cycles, List<Row> files, long qRows, String ds) {
    Row t = cycles.agg(countDistinct("cell_id"), count(lit(1)),
        count(when(col("cycle_type").equalTo("discharge"), 1)), count(when(col("cycle_type").equalTo("charge"), 1)),
        count(when(col("cycle_type").equalTo("impedance"), 1)), sum("n_samples"), sum("n_quarantined"),
        count(when(col("cycle_type").equalTo("discharge").and(col("capacity_ah").isNull()), 1)),
        count(when(col("cycle_type").equalTo("discharge").and(col("capacity_ah").leq(0)), 1)),
        count(when(col("cycle_type").isin("charge", "discharge").and(col("n_samples").equalTo(0)), 1)),
        count(when(col("cycle_type").equalTo("impedance").and(col("n_samples").equalTo(0)), 1))).first();
    long failed = files.stream().filter(r -> !"ok".equals(r.getString(2))).count();
    List<Object> temps = cycles.select("ambient_temperature_c").distinct().orderBy("ambient_temperature_c")
        .collectAsList().stream().map(r -> r.get(0)).toList();
    s.text("Dataset " + ds + " (reader " + ds + "): " + t.getLong(0) + " cells, " + t.getLong(1) + " operations ("
        + t.getLong(2) + " discharges, " + t.getLong(3) + " charges, " + t.getLong(4) + " impedance), "
        + t.getLong(5) + " accepted samples and impedance points, " + qRows + " quarantined rows, " + files.size()
        + " raw files (" + failed + " not read cleanly). Ambient temperatures (°C): " + join(temps) + ".");
    s.text("Generated from the lake by `cyclelake datasheet`; regenerate it instead of editing it. Each count "
        + "below is a query on the table version listed under \"Delta table versions\".");
    return t;
  }

  private static void provenance(Section s, List<Row> files) {
    s.heading("Sources and provenance");
    Map<Path, List<String>> byProvenance = new TreeMap<>();
    List<String> none = new ArrayList<>();
    Map<Path, Path> memo = new LinkedHashMap<>();
    for (Row r : files) {
      Path p = Path.of(r.getString(0));
      Path found = nearestProvenance(p.getParent(), memo);
      if (found == null) none.add(r.getString(0));
      else byProvenance.computeIfAbsent(found, k -> new ArrayList<>()).add(r.getString(0));
    }
    if (byProvenance.isEmpty()) {
      s.text("No PROVENANCE.md was found in or above the folders of the " + files.size() + " raw files of the "
          + "manifest (searched on this machine's file system).");
    }
    for (var e : byProvenance.entrySet()) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(e.getKey());
      } catch (IOException ex) {
        throw new CycleLakeException(ErrorCode.INPUT_MISSING, "cannot read " + e.getKey() + ": " + ex.getMessage(),
            null, ex);
      }
      s.text(e.getKey() + " (SHA-256 " + sha256(bytes) + ", " + bytes.length + " bytes) describes "
          + e.getValue().size() + " of the raw files; its text, verbatim:");
      s.preformatted(new String(bytes, StandardCharsets.UTF_8));
    }
    if (!none.isEmpty() && !byProvenance.isEmpty()) {
      s.text(none.size() + " raw files have no PROVENANCE.md in or above their folder: " + String.join(", ",
          none.subList(0, Math.min(5, none.size()))) + (none.size() > 5 ? ", ..." : "") + ".");
    }
  }

  /** The PROVENANCE.md in {@code dir} or the nearest folder above it, or null. */
  static Path nearestProvenance(Path dir, Map<Path, Path> memo) {
    List<Path> seen = new ArrayList<>();
    Path found = null;
    for (Path d = dir; d != null; d = d.getParent()) {
      if (memo.containsKey(d)) {
        found = memo.get(d);
        break;
      }
      seen.add(d);
      Path c = d.resolve("PROVENANCE.md");
      if (Files.isRegularFile(c)) {
        found = c;
        break;
      }
    }
    for (Path d : seen) memo.put(d, found);
    return found;
  }

  private static void files(Section s, List<Row> files) {
    s.heading("Files");
    long bytes = files.stream().mapToLong(r -> r.getLong(3)).sum();
    long read = files.stream().mapToLong(r -> r.getLong(5)).sum();
    long acc = files.stream().mapToLong(r -> r.getLong(6)).sum();
    long q = files.stream().mapToLong(r -> r.getLong(7)).sum();
    s.text("The file manifest (table files): " + files.size() + " files, " + bytes + " bytes; rows read " + read
        + " = rows accepted " + acc + " + rows quarantined " + q + (read == acc + q ? "" : " (does not add up)")
        + ". SHA-256 of each file's bytes when it was read:");
    List<List<Object>> t = new ArrayList<>();
    for (Row r : files) {
      t.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7),
          r.get(8)));
    }
    s.table("datasheet-files", List.of("path", "role", "status", "bytes", "sha256", "rows read", "rows accepted",
        "rows quarantined", "error"), t);
  }

  private static void cells(Section s, Dataset<Row> cycles) {
    s.heading("Cells, temperatures and cycle counts");
    List<Row> rows = cycles.groupBy("cell_id").agg(
            min("ambient_temperature_c").as("t_min"), max("ambient_temperature_c").as("t_max"),
            count(when(col("cycle_type").equalTo("charge"), 1)).as("charges"),
            count(when(col("cycle_type").equalTo("discharge"), 1)).as("discharges"),
            count(when(col("cycle_type").equalTo("impedance"), 1)).as("impedance"),
            count(when(col("cycle_type").equalTo("discharge").and(col("capacity_ah").isNull()), 1)).as("nocap"),
            min(when(col("cycle_type").equalTo("discharge"), col("capacity_ah"))).as("cap_min"),
            max(when(col("cycle_type").equalTo("discharge"), col("capacity_ah"))).as("cap_max"),
            sum("n_samples").as("samples"), sum("n_quarantined").as("quarantined"),
            min("start_time").as("first"), max("start_time").as("last"))
        .orderBy("cell_id").collectAsList();
    List<List<Object>> t = new ArrayList<>();
    for (Row r : rows) {
      Object temp = r.isNullAt(1) ? null : r.get(1).equals(r.get(2)) ? r.get(1)
          : io.cyclelake.report.html.Html.format(r.get(1)) + " – " + io.cyclelake.report.html.Html.format(r.get(2));
      t.add(Arrays.asList(r.get(0), temp, r.get(3), r.get(4), r.get(5), r.get(6), r.get(7), r.get(8), r.get(9),
          r.get(10), r.isNullAt(11) ? null : String.valueOf(r.get(11)), r.isNullAt(12) ? null
              : String.valueOf(r.get(12))));
    }
    s.text("Per cell, from table cycles (one row per operation); capacity is the source's own count (cycles."
        + "capacity_ah) over the cell's discharges.");
    s.table("datasheet-cells", List.of("cell", "ambient °C", "charges", "discharges", "impedance",
        "discharges without capacity", "capacity min Ah", "capacity max Ah", "samples", "quarantined rows",
        "first start", "last start"), t);
  }

  private static void units(Section s, Lake lake, Map<String, Long> versions, Dataset<Row> cycles) {
    s.heading("Units and sign convention after harmonisation");
    s.text("Every reader converts to the canonical schema (io.cyclelake.schema.Tables): units are in the column "
        + "names, and current is positive while the cell is charged and negative while it is discharged. The "
        + "measured columns of table timeseries, with the comments stored in the Delta table:");
    List<List<Object>> t = new ArrayList<>();
    StructType schema = versions.containsKey(Tables.TIMESERIES)
        ? lake.readVersion(Tables.TIMESERIES, versions.get(Tables.TIMESERIES)).schema() : Tables.TIMESERIES_SCHEMA;
    for (StructField f : schema.fields()) {
      if (!List.of("time_s", "voltage_v", "current_a", "temperature_c", "instrument_current_a",
          "instrument_voltage_v").contains(f.name())) continue;
      t.add(Arrays.asList(f.name(), f.dataType().simpleString(), f.getComment().isDefined() ? f.getComment().get()
          : ""));
    }
    s.table("datasheet-units", List.of("column", "type", "meaning and unit"), t);
    if (versions.containsKey(Tables.FEATURES_SUMMARY)) {
      Dataset<Row> fs = lake.readVersion(Tables.FEATURES_SUMMARY, versions.get(Tables.FEATURES_SUMMARY));
      List<Row> sign = fs.join(cycles.select("cell_id", "cycle_index").distinct(), Lake.CELL_CYCLE)
          .where(col("current_mean_a").isNotNull())
          .groupBy("cycle_type").agg(count(lit(1)).as("n"), count(when(col("current_mean_a").gt(0), 1)).as("pos"),
              count(when(col("current_mean_a").lt(0), 1)).as("neg"))
          .orderBy("cycle_type").collectAsList();
      if (!sign.isEmpty()) {
        List<List<Object>> st = new ArrayList<>();
        for (Row r : sign) st.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3)));
        s.text("The convention checked on the data: sign of the time-weighted mean current per operation (table "
            + "features_summary, column current_mean_a, every feature setting's rows):");
        s.table("datasheet-sign", List.of("operation", "operations", "mean current > 0", "mean current < 0"), st);
      }
    }
  }

  private static void validation(Section s, Map<String, String> rules) {
    s.heading("Validation rules");
    s.text("Every sample passes io.cyclelake.ingest.Validator in the parsing task; a sample that breaks a rule goes "
        + "to quarantine with the rule's name. The settings below are cyclelake.validation of the configuration "
        + "this sheet was generated with: the lake does not record the settings of past ingests, so compare with "
        + "the limits quoted in the quarantine messages.");
    List<List<Object>> t = new ArrayList<>();
    rules.forEach((k, v) -> t.add(Arrays.asList(k, v)));
    s.table("datasheet-validation", List.of("setting", "value"), t);
  }

  private static void quarantine(Section s, Dataset<Row> q, List<Row> byRule, int examples) {
    s.heading("Quarantine");
    long total = byRule.stream().mapToLong(r -> r.getLong(1)).sum();
    if (total == 0) {
      s.text("No input row of this dataset was quarantined (table quarantine).");
      return;
    }
    s.text(total + " input rows were quarantined (table quarantine), by rule:");
    List<List<Object>> t = new ArrayList<>();
    for (Row r : byRule) t.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3)));
    s.table("datasheet-quarantine", List.of("rule", "rows", "files", "cells"), t);
    List<List<Object>> e = io.cyclelake.report.DatasetReport.quarantineExamples(q, examples);
    s.text("Up to " + examples + " examples per rule (first by file and line):");
    s.table("datasheet-quarantine-examples", io.cyclelake.report.DatasetReport.QUARANTINE_EXAMPLE_COLUMNS,
        e);
  }

  private static void quirks(Section s, Row c, List<Row> files, Map<String, Long> rules, String ds) {
    s.heading("Known quirks handled");
    long duplicates = rules.getOrDefault("duplicate-session", 0L);
    long truncated = rules.getOrDefault("truncated", 0L);
    long failed = files.stream().filter(r -> !"ok".equals(r.getString(2))).count();
    long notes = files.stream().filter(r -> r.getString(8) != null && r.getString(8).startsWith("note:")).count();
    List<List<Object>> t = new ArrayList<>();
    t.add(Arrays.asList("missing capacity", c.getLong(7), "discharges whose source gives no capacity "
        + "(cycles.capacity_ah null, e.g. NASA's `[]`): kept, not labelled for SOH"));
    t.add(Arrays.asList("capacity <= 0", c.getLong(8), "discharges with a capacity of zero or less: kept as "
        + "reported, below train.soh.min-capacity-ah they are not labelled"));
    t.add(Arrays.asList("operations listed without samples", c.getLong(9), "charges/discharges named in the "
        + "listing whose samples are not in the input (n_samples = 0): kept, with no samples"));
    t.add(Arrays.asList("impedance operations without points", c.getLong(10), "n_samples = 0"));
    t.add(Arrays.asList("duplicate sessions skipped", duplicates, "a session exported twice is read once; the "
        + "copy is a quarantine row with rule duplicate-session"));
    t.add(Arrays.asList("truncated files", truncated, "the cut line is quarantined (rule truncated), the lines "
        + "before it are kept, the file is marked failed"));
    t.add(Arrays.asList("files not read cleanly", failed, "files.status != ok, with the error in the files table"));
    t.add(Arrays.asList("current sign or unit notes", notes, "files whose error column holds a note (e.g. current "
        + "negated after the sign check)"));
    if (ds.equals("arbin")) {
      Map<String, Integer> sessions = new TreeMap<>();
      for (Row r : files) {
        if (!"data".equals(r.getString(1)) || r.getString(9) == null) continue;
        for (String cell : r.getString(9).split(",")) sessions.merge(cell, 1, Integer::sum);
      }
      int resets = sessions.values().stream().mapToInt(n -> n - 1).sum();
      t.add(Arrays.asList("counter resets folded", (long) resets, "Arbin restarts Cycle_Index, Test_Time and the "
          + "capacity counters in every session file; data files beyond each cell's first (" + sessions.size()
          + " cells) are folded into one cycle count"));
    }
    s.text("Counted in this dataset's rows (tables cycles, quarantine, files):");
    s.table("datasheet-quirks", List.of("quirk", "count", "how it is handled"), t);
  }

  private static void versions(Section s, Lake lake, Map<String, Long> versions, Dataset<Row> cycles,
      long cycleRows, long fileRows, long qRows) {
    s.heading("Delta table versions");
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put(Tables.FILES, fileRows);
    rows.put(Tables.CYCLES, cycleRows);
    rows.put(Tables.QUARANTINE, qRows);
    List<List<Object>> t = new ArrayList<>();
    for (var e : versions.entrySet()) {
      t.add(Arrays.asList(e.getKey(), e.getValue(), rows.get(e.getKey()), lake.path(e.getKey())));
    }
    s.text("The sheet read each table at this version (rows of this dataset where counted; timeseries and "
        + "impedance rows are the cycles' n_samples). `cyclelake sql` with `VERSION AS OF` reads the same rows.");
    s.table("datasheet-versions", List.of("table", "version", "rows of this dataset", "path"), t);
    if (versions.containsKey(Tables.FEATURES_SUMMARY)) {
      List<Row> h = lake.readVersion(Tables.FEATURES_SUMMARY, versions.get(Tables.FEATURES_SUMMARY))
          .join(cycles.select("cell_id", "cycle_index").distinct(), Lake.CELL_CYCLE)
          .groupBy(Tables.FEATURE_HASH, Tables.INPUT_VERSION).agg(count(lit(1)).as("rows"),
              countDistinct("cell_id").as("cells"))
          .orderBy(Tables.FEATURE_HASH, Tables.INPUT_VERSION).collectAsList();
      List<List<Object>> ht = new ArrayList<>();
      for (Row r : h) ht.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3)));
      s.text("Feature rows of this dataset in features_summary, by settings hash and the timeseries version they "
          + "were computed from:");
      s.table("datasheet-feature-versions", List.of("feature_config_hash", "timeseries_version", "rows", "cells"),
          ht);
    }
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String join(List<Object> v) {
    List<String> out = new ArrayList<>();
    for (Object o : v) out.add(o == null ? "unknown" : io.cyclelake.report.html.Html.format(o));
    return String.join(", ", out);
  }
}
