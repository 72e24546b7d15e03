package io.cyclelake.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.schema.Tables;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Checks a lake and says what to do: the manifest ({@code files}) against the rows the tables hold, files whose last
 * read failed, quarantine counts, result rows of runs without a {@code runs} row (a sweep killed before recording its
 * runs), tables whose many small files want {@code OPTIMIZE}, and data files no longer part
 * of a table's current version (older versions, or files a killed writer left uncommitted) that {@code VACUUM}
 * removes. Reads only; changes nothing.
 *
 * @param optimizeMinFiles a table with at least this many data files ...
 * @param smallFileBytes ... of this average size or less wants {@code OPTIMIZE}
 * @param vacuumMinStaleBytes stale data files of a table taking at least this much space make {@code VACUUM} a thing
 *     to do ({@code fix}); fewer are reported as {@code info}
 */
public record Doctor(int optimizeMinFiles, long smallFileBytes, long vacuumMinStaleBytes) {

  /** What a check found. {@code level}: {@code ok}, {@code info} or {@code fix} (something to do). */
  public record Finding(String level, String table, String what, String action) {}

  /** Binds {@code cyclelake.doctor}. */
  public static Doctor from(com.typesafe.config.Config config) {
    com.typesafe.config.Config d = config.getConfig("cyclelake.doctor");
    return new Doctor(d.getInt("optimize-min-files"), d.getBytes("small-file-size"),
        d.getBytes("vacuum-min-stale-size"));
  }

  public List<Finding> check(Lake lake) {
    List<Finding> out = new ArrayList<>();
    List<Lake.TableInfo> tables = lake.tables();
    if (tables.isEmpty()) {
      throw new CycleLakeException(ErrorCode.TABLE_MISSING, "the lake " + lake.root() + " has no Delta tables; "
          + "point --lake at a lake (or run `cyclelake ingest` first)");
    }
    manifest(lake, out);
    quarantine(lake, out);
    out.addAll(orphanResults(lake));
    for (Lake.TableInfo t : tables) files(lake, t, out);
    return out;
  }

  /** The manifest's data files against the rows of timeseries + impedance. */
  private static void manifest(Lake lake, List<Finding> out) {
    if (!lake.exists(Tables.FILES)) {
      if (lake.exists(Tables.TIMESERIES)) {
        out.add(new Finding("fix", Tables.FILES, "timeseries exists but the manifest does not: an ingest stopped "
            + "before writing it", "run the same ingest again: it reads every file and replaces its rows"));
      }
      return;
    }
    Map<String, Long> held = new HashMap<>();
    for (String t : List.of(Tables.TIMESERIES, Tables.IMPEDANCE)) {
      if (!lake.exists(t)) continue;
      for (Row r : lake.read(t, "ingest").groupBy("source_file").agg(count(lit(1))).collectAsList()) {
        held.merge(r.getString(0), r.getLong(1), Long::sum);
      }
    }
    Dataset<Row> files = lake.read(Tables.FILES, "ingest");
    Set<String> listed = new HashSet<>();
    int ok = 0;
    List<String> mismatched = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    Set<String> sources = new java.util.TreeSet<>();
    for (Row r : files.where(col("role").equalTo("data"))
        .select("path", "status", "rows_accepted", "source").collectAsList()) {
      String path = r.getString(0);
      listed.add(path);
      long inTables = held.getOrDefault(path, 0L);
      if (r.getString(1).equals("ok")) {
        ok++;
        if (inTables != r.getLong(2)) {
          mismatched.add(path + " (manifest " + r.getLong(2) + ", tables " + inTables + ")");
          sources.add(r.getString(3));
        }
      } else {
        failed.add(path);
      }
    }
    List<String> unlisted = held.keySet().stream().filter(p -> !listed.contains(p)).sorted().toList();
    if (mismatched.isEmpty() && unlisted.isEmpty()) {
      out.add(new Finding("ok", Tables.FILES, ok + " data files recorded ok; the tables hold exactly their "
          + "accepted rows", ""));
    }
    if (!mismatched.isEmpty()) {
      out.add(new Finding("fix", Tables.FILES, mismatched.size() + " files recorded ok do not have their rows in "
          + "timeseries/impedance: " + first(mismatched), "ingest them again with --force (sources " + sources
          + "), or restore the table that changed (`cyclelake restore`)"));
    }
    if (!unlisted.isEmpty()) {
      out.add(new Finding("fix", Tables.FILES, unlisted.size() + " files have rows in the tables but no manifest "
          + "entry (an ingest stopped before writing the manifest): " + first(unlisted),
          "run the same ingest again: it reads them and replaces their rows"));
    }
    if (!failed.isEmpty()) {
      out.add(new Finding("fix", Tables.FILES, failed.size() + " files failed their last read: " + first(failed),
          "see `cyclelake sql \"select path, error from files where status = 'failed'\"`; the next ingest reads "
              + "them again"));
    }
  }

  private static void quarantine(Lake lake, List<Finding> out) {
    if (!lake.exists(Tables.QUARANTINE)) return;
    List<Row> rules = lake.read(Tables.QUARANTINE, "ingest").groupBy("source", "rule").agg(count(lit(1)).as("n"))
        .orderBy(col("n").desc(), col("source"), col("rule")).collectAsList();
    if (rules.isEmpty()) {
      out.add(new Finding("ok", Tables.QUARANTINE, "no quarantined rows", ""));
      return;
    }
    List<String> parts = new ArrayList<>();
    long total = 0;
    for (Row r : rules) {
      parts.add(r.getString(0) + "/" + r.getString(1) + " " + r.getLong(2));
      total += r.getLong(2);
    }
    out.add(new Finding("info", Tables.QUARANTINE, total + " quarantined rows: " + String.join(", ", parts),
        "see `cyclelake sql \"select source_file, source_line, column_name, rule, message from quarantine\"`"));
  }

  /** The tables whose rows belong to a run of {@code runs} (by {@code run_id}; label_exclusions by sweep id). */
  static final List<String> RESULT_TABLES = List.of(Tables.PREDICTIONS, Tables.FOLD_METRICS,
      Tables.FEATURE_IMPORTANCE, Tables.LABEL_EXCLUSIONS, Tables.TRAINING_TASKS, Tables.RUN_FILES,
      Tables.TRAINING_CURVES, Tables.ATTENTION_WEIGHTS);

  /**
   * Result rows of runs without a {@code runs} row: a sweep or train killed (or failed) after writing some of its
   * tables and before its {@code runs} rows, which go last. No report, card, comparison or experiment reads them (they
   * find results through {@code runs}); they only take space. One finding per table that has such rows.
   */
  public static List<Finding> orphanResults(Lake lake) {
    List<Finding> out = new ArrayList<>();
    Dataset<Row> known = null;
    if (lake.exists(Tables.RUNS)) {
      Dataset<Row> runs = lake.read(Tables.RUNS, "sweep");
      known = runs.select("run_id").union(runs.where(col("sweep_id").isNotNull()).select("sweep_id"));
    }
    for (String t : RESULT_TABLES) {
      if (!lake.exists(t)) continue;
      Dataset<Row> ids = lake.read(t, "sweep").select("run_id");
      Dataset<Row> orphan = known == null ? ids : ids.join(known, Lake.keys("run_id"), "left_anti");
      List<Row> byRun = orphan.groupBy("run_id").agg(count(lit(1))).orderBy("run_id").collectAsList();
      if (byRun.isEmpty()) continue;
      long rows = byRun.stream().mapToLong(r -> r.getLong(1)).sum();
      // a sweep's run ids are <sweep id>-s<spec>-f<fold>: name the sweep
      List<String> owners = byRun.stream().map(r -> r.getString(0).replaceFirst("-s\\d+-f\\d+$", "")).distinct()
          .toList();
      out.add(new Finding("info", t, rows + " rows of " + byRun.size() + " runs that have no runs row (a sweep or "
          + "train stopped before recording its runs; no report, card or comparison reads them): " + first(owners),
          "run the sweep or train again (it gets a new id); to drop the rows: cyclelake sql \"DELETE FROM delta.`"
              + lake.path(t) + "` WHERE " + String.join(" OR ", owners.stream().map(o -> "run_id LIKE '" + o + "%'")
              .toList()) + "\""));
    }
    return out;
  }

  /** OPTIMIZE and VACUUM advice from the table's data files. */
  private void files(Lake lake, Lake.TableInfo t, List<Finding> out) {
    DeltaTable table = DeltaTable.forPath(lake.spark(), t.path());
    Row detail = table.detail().select("numFiles", "sizeInBytes").first();
    long numFiles = detail.getLong(0);
    long bytes = detail.getLong(1);
    String sqlPath = "delta.`" + t.path() + "`";
    if (numFiles >= optimizeMinFiles && bytes / Math.max(1, numFiles) <= smallFileBytes) {
      out.add(new Finding("fix", t.name(), String.format(Locale.ROOT, "%d data files of %.1f MB on average",
          numFiles, bytes / 1e6 / Math.max(1, numFiles)), "cyclelake sql \"OPTIMIZE " + sqlPath + "\""));
    }
    Set<String> current = new HashSet<>();
    for (String f : table.toDF().inputFiles()) current.add(new Path(f).toUri().getPath());
    long stale = 0;
    long staleBytes = 0;
    try {
      Path root = new Path(t.path());
      FileSystem fs = root.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        LocatedFileStatus s = it.next();
        String p = s.getPath().toUri().getPath();
        if (p.contains("/_delta_log/") || !p.endsWith(".parquet")) continue;
        if (!current.contains(p)) {
          stale++;
          staleBytes += s.getLen();
        }
      }
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot list " + t.path() + ": " + e.getMessage(), null, e);
    }
    if (stale > 0) {
      out.add(new Finding(staleBytes >= vacuumMinStaleBytes ? "fix" : "info", t.name(), String.format(Locale.ROOT,
          "%d data files (%.1f MB) are not part of "
          + "version %d (older versions kept for time travel, or left by a writer that was killed)", stale,
          staleBytes / 1e6, t.version()), "cyclelake sql \"VACUUM " + sqlPath + "\" (removes those older than "
          + "Delta's retention, 7 days by default; `cyclelake restore` cannot go back past it)"));
    }
  }

  private static String first(List<String> items) {
    return String.join(", ", items.subList(0, Math.min(3, items.size()))) + (items.size() > 3 ? ", ..." : "");
  }
}
