package io.cyclelake.features;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.ConcurrentCommits;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Per-cycle features for every charge and discharge of the lake, computed in parallel: the samples are partitioned
 * by cycle, sorted by time, and each cycle's arrays go through {@link CycleSummary} and {@link IcaAnalysis}. Then the
 * cell context ({@link CellContext}: efficiencies, cumulative throughput, resistance, Arrhenius factor, ...) of the
 * affected cells is recomputed from their per-cycle rows, without touching samples again. Writes
 * {@code features_summary}, {@code features_ica} and {@code ica_curves}; {@link EarlyLifeJob} follows.
 */
public final class FeaturesJob {
  private FeaturesJob() {}

  /** {@code cycles}: computed in this run (0 when every cycle already had features for these settings). */
  public record Result(long cycles, long icaCycles, double seconds) {}

  /** Settings of a features run; see {@code cyclelake.features} in reference.conf. */
  public record Settings(List<String> cycleTypes, IcaAnalysis.Settings ica, CellContext.Settings context,
      EarlyLifeJob.Settings earlyLife, double capacityCutoffV) implements java.io.Serializable {
    public static Settings of(com.typesafe.config.Config features) {
      return new Settings(features.getStringList("cycle-types"),
          IcaAnalysis.Settings.of(features.getConfig("ica"), features.getConfig("dva")),
          CellContext.Settings.of(features.getConfig("summary")),
          EarlyLifeJob.Settings.of(features.getConfig("early-life")),
          features.getDouble("summary.capacity-cutoff-v"));
    }
  }

  /** Summary columns, then ICA columns, then the curve: one row per cycle from one pass over the samples. */
  private static final StructType COMBINED = combined();

  private static StructType combined() {
    StructType t = new StructType();
    for (StructType s : List.of(Tables.CYCLE_SUMMARY_SCHEMA, Tables.FEATURES_ICA_SCHEMA, Tables.ICA_CURVES_SCHEMA)) {
      for (StructField f : s.fields()) {
        if (!f.name().equals(Tables.FEATURE_HASH) && !f.name().equals(Tables.INPUT_VERSION)
            && !t.getFieldIndex(f.name()).isDefined()) {
          t = t.add(f);
        }
      }
    }
    return t;
  }

  /**
   * Computes the features of every charge/discharge (of the settings' cycle types) that has samples and no features
   * yet under {@code configHash}, and writes them. A rerun with no new data computes nothing; other settings get
   * their own rows. Ingest deletes a cell's feature rows when it replaces the cell's samples.
   */
  /** Runs with the settings of {@code config}'s {@code cyclelake.features} and their hash. */
  public static Result run(Lake lake, com.typesafe.config.Config config, Progress progress) {
    return run(lake, Settings.of(config.getConfig("cyclelake.features")),
        io.cyclelake.config.ConfigRender.hash(config, "cyclelake.features"), progress);
  }

  public static Result run(Lake lake, Settings settings, String configHash, Progress progress) {
    return ConcurrentCommits.retry(lake, "features", "looking for the cycles without features again",
        "every Delta commit is whole and features_summary, which says what is done, is written last, so run "
        + "features again", progress::say, () -> runOnce(lake, settings, configHash, progress));
  }

  /**
   * One attempt. A cycle is to do when any of features_summary, features_ica and ica_curves lacks its row for these
   * settings: an ingest running at the same time may delete a cell's rows between this job's writes of the ICA
   * tables and of features_summary. The ICA rows are upserted by cycle in one MERGE per table, so two features runs
   * of the same cycles at once leave one row per cycle (the later MERGE conflicts and its run retries).
   */
  private static Result runOnce(Lake lake, Settings settings, String configHash, Progress progress) {
    long start = System.nanoTime();
    List<String> cycleTypes = settings.cycleTypes();
    progress.step("finding " + String.join(" and ", cycleTypes) + " cycles without features for settings "
        + configHash);
    Dataset<Row> wanted = lake.read(Tables.CYCLES, "ingest")
        .where(col("cycle_type").isin(cycleTypes.toArray()).and(col("n_samples").gt(0)))
        .select("cell_id", "cycle_index");
    Dataset<Row> done = null;
    for (String t : List.of(Tables.FEATURES_SUMMARY, Tables.FEATURES_ICA, Tables.ICA_CURVES)) {
      Dataset<Row> has = lake.exists(t) ? lake.read(t, "features").where(col(Tables.FEATURE_HASH).equalTo(configHash))
          .select("cell_id", "cycle_index") : null;
      done = has == null ? null : done == null ? has : done.join(has, Lake.CELL_CYCLE, "left_semi");
      if (done == null) break;
    }
    if (done != null) wanted = wanted.join(done, Lake.CELL_CYCLE, "left_anti");
    List<Row> todo = wanted.collectAsList();
    if (todo.isEmpty()) {
      progress.done("nothing to compute: every cycle has features for settings " + configHash);
      EarlyLifeJob.run(lake, settings.earlyLife(), configHash, progress);
      return new Result(0, 0, (System.nanoTime() - start) / 1e9);
    }
    Dataset<Row> todoKeys = lake.spark().createDataFrame(todo, wanted.schema()).cache();
    Set<String> cells = new TreeSet<>();
    for (Row r : todo) cells.add(r.getString(0));
    progress.done(todo.size() + " cycles of " + cells.size() + " cells to compute");

    progress.step("computing summary, ICA and DVA features of " + todo.size() + " cycles in parallel");
    IcaAnalysis.Settings ica = settings.ica();
    double cutoffV = settings.capacityCutoffV();
    long inputVersion = lake.version(Tables.TIMESERIES);
    Dataset<Row> samples = lake.readVersion(Tables.TIMESERIES, inputVersion)
        .where(col("cycle_type").isin(cycleTypes.toArray())
            .and(col("time_s").isNotNull()).and(col("voltage_v").isNotNull()).and(col("current_a").isNotNull()))
        .join(broadcast(todoKeys), Lake.CELL_CYCLE, "left_semi")
        .select("cell_id", "cycle_index", "cycle_type", "time_s", "voltage_v", "current_a", "temperature_c",
            "sample_index", "step_index")
        .repartition(col("cell_id"), col("cycle_index"))
        .sortWithinPartitions("cell_id", "cycle_index", "time_s", "sample_index");
    Dataset<Row> all = samples.mapPartitions(
        (MapPartitionsFunction<Row, Row>) rows -> summarise(rows, ica, cutoffV), Encoders.row(COMBINED))
        .withColumn(Tables.FEATURE_HASH, lit(configHash))
        .withColumn(Tables.INPUT_VERSION, lit(inputVersion))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long n = all.count();
      long withPeaks = all.where(col("peak1_voltage_v").isNotNull()).count();
      double computeSeconds = (System.nanoTime() - start) / 1e9;
      progress.done(String.format(Locale.ROOT, "%d cycles (%d with an ICA peak): %.1f cycles/s", n, withPeaks,
          n / computeSeconds));
      // A crash after the ICA tables but before features_summary leaves rows that the rerun's upsert replaces;
      // features_summary goes last because it decides, with the ICA tables, what is done.
      progress.step("writing features_ica and ica_curves");
      upsert(lake, all.select(columns(Tables.FEATURES_ICA_SCHEMA)), Tables.FEATURES_ICA, cells, configHash);
      upsert(lake, all.select(columns(Tables.ICA_CURVES_SCHEMA)), Tables.ICA_CURVES, cells, configHash);
      progress.done("upserted " + n + " rows into each");

      progress.step("cell context (efficiencies, throughput, resistance, Arrhenius) of " + cells.size() + " cells");
      // Earlier rows of these cells keep the timeseries version they were computed from.
      Dataset<Row> perCycle = all.select(columns(Tables.CYCLE_SUMMARY_SCHEMA)).withColumn(Tables.INPUT_VERSION,
          lit(inputVersion));
      // Not the rows of the cycles computed here: a features run at the same time may have written them meanwhile.
      if (lake.exists(Tables.FEATURES_SUMMARY)) {
        perCycle = perCycle.unionByName(withMissingColumns(lake.read(Tables.FEATURES_SUMMARY, "features"),
                Tables.CYCLE_SUMMARY_SCHEMA)
            .where(col(Tables.FEATURE_HASH).equalTo(configHash).and(col("cell_id").isin(cells.toArray())))
            .join(todoKeys, Lake.CELL_CYCLE, "left_anti")
            .select(columns(Tables.CYCLE_SUMMARY_SCHEMA.add(Tables.INPUT_VERSION, "long"))));
      }
      Dataset<Row> cyclesOfCells = lake.read(Tables.CYCLES, "ingest").where(col("cell_id").isin(cells.toArray()));
      // Materialised before the write: the rows are read from the table that the write replaces.
      Dataset<Row> summary = lake.conform(CellContext.add(perCycle, cyclesOfCells, settings.context())
          .withColumn(Tables.FEATURE_HASH, lit(configHash)), Tables.FEATURES_SUMMARY_SCHEMA)
          .persist(StorageLevel.MEMORY_AND_DISK());
      long summaryRows = summary.count();
      lake.replace(summary, Tables.FEATURES_SUMMARY, Lake.in("cell_id", cells) + " AND " + Tables.FEATURE_HASH
          + " = " + Lake.literal(configHash));
      summary.unpersist();
      double seconds = (System.nanoTime() - start) / 1e9;
      progress.done(String.format(Locale.ROOT, "features_summary: %d rows of %d cells written; %d new cycles in"
          + " %.1f s (%.1f cycles/s)", summaryRows, cells.size(), n, seconds, n / seconds));
      EarlyLifeJob.run(lake, settings.earlyLife(), configHash, progress);
      return new Result(n, withPeaks, seconds);
    } finally {
      all.unpersist();
      todoKeys.unpersist();
    }
  }

  /**
   * Writes one row per cycle of {@code rows} into {@code table} in one transaction: a MERGE on (cell, cycle,
   * settings hash) that replaces a cycle's row or inserts it (columns new in the canonical schema are added), or the
   * table's creation with a replaceWhere on the cells, so that a second creator at the same time conflicts instead of
   * adding its rows beside the first one's.
   */
  private static void upsert(Lake lake, Dataset<Row> rows, String table, Set<String> cells, String configHash) {
    String mine = Lake.in("cell_id", cells) + " AND " + Tables.FEATURE_HASH + " = " + Lake.literal(configHash);
    if (!lake.exists(table)) {
      lake.replace(rows, table, mine);
      return;
    }
    DeltaTable.forPath(lake.spark(), lake.path(table)).as("t")
        .merge(rows.as("s"), "t.cell_id = s.cell_id AND t.cycle_index = s.cycle_index AND t." + Tables.FEATURE_HASH
            + " = s." + Tables.FEATURE_HASH)
        .withSchemaEvolution()
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
  }

  /**
   * {@code rows} with a null column for each field of {@code schema} it lacks: the rows of a table written before the
   * canonical schema gained that column (they belong to older settings, whose hash differs, so they are filtered out
   * anyway; the column must exist for the query to be analysed).
   */
  private static Dataset<Row> withMissingColumns(Dataset<Row> rows, StructType schema) {
    List<String> have = List.of(rows.columns());
    for (StructField f : schema.fields()) {
      if (!have.contains(f.name())) rows = rows.withColumn(f.name(), lit(null).cast(f.dataType()));
    }
    return rows;
  }

  private static org.apache.spark.sql.Column[] columns(StructType schema) {
    return java.util.Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
  }

  /** One feature row (summary, ICA, DVA, curve) per cycle of a sorted partition. */
  static Iterator<Row> summarise(Iterator<Row> rows, IcaAnalysis.Settings ica, double cutoffV) {
    return CycleStream.map(rows, (cell, cycle, type, t, v, i, temp, step, n) -> {
      CycleSummary s = CycleSummary.of(t, v, i, temp, step, n);
      IcaAnalysis.Result r = IcaAnalysis.analyse(t, v, i, n, type.equals("charge"), ica);
      List<Object> out = new ArrayList<>(List.of(cell, cycle, type, s.nSamples(), s.durationS(), s.chargeAh(),
          s.throughputAh(), s.energyWh(), s.voltageMeanV(), s.voltageMinV(), s.voltageMaxV(), s.voltageEndV(),
          s.currentMeanA()));
      out.add(nullIfNaN(s.temperatureMeanC()));
      out.add(nullIfNaN(s.temperatureMinC()));
      out.add(nullIfNaN(s.temperatureMaxC()));
      out.add(nullIfNaN(s.temperatureRiseC()));
      out.add(type.equals("discharge") ? CycleSummary.chargeToCutoffAh(t, v, i, step, n, cutoffV) : null);
      out.add(r.samplesUsed());
      out.add(nullIfNaN(r.areaAh()));
      for (int k = 0; k < Tables.ICA_PEAKS; k++) {
        IcaAnalysis.IcaPeak p = k < r.peaks().size() ? r.peaks().get(k) : null;
        out.add(p == null ? null : p.voltageV());
        out.add(p == null ? null : p.heightAhPerV());
        out.add(p == null ? null : p.prominenceAhPerV());
        out.add(p == null ? null : p.widthV());
      }
      for (int k = 0; k < Tables.DVA_PEAKS; k++) {
        IcaAnalysis.DvaPeak p = k < r.dvaPeaks().size() ? r.dvaPeaks().get(k) : null;
        out.add(p == null ? null : p.capacityAh());
        out.add(p == null ? null : p.heightVPerAh());
      }
      out.add(seq(r.voltageV()));
      out.add(seq(r.dqdv()));
      return RowFactory.create(out.toArray());
    });
  }

  /** A Spark array value. */
  static scala.collection.Seq<Double> seq(double[] a) {
    List<Double> l = new ArrayList<>(a.length);
    for (double d : a) l.add(d);
    return scala.collection.JavaConverters.asScalaBuffer(l).toSeq();
  }

  private static Double nullIfNaN(double d) {
    return Double.isNaN(d) ? null : d;
  }
}
