package io.cyclelake.model.sequence;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.struct;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.Lake;
import io.cyclelake.lineage.InputTables;
import io.cyclelake.schema.Tables;
import io.cyclelake.train.LabelReport;
import io.cyclelake.train.LabelTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Builds the labelled per-discharge sequences from the lake. The samples never reach the driver: Spark joins each
 * discharge labelled by the label task ({@link LabelTask}: {@code soh}, {@code rul}, as in the tabular sweeps,
 * censored cells and excluded discharges reported the same way) with its {@code timeseries} samples, groups them per
 * discharge and turns each group into a fixed-size sequence ({@link SequenceBuilder}) inside the tasks; the driver
 * collects only the sequences (cycles × channels × max-length numbers). A labelled discharge that has no samples, or
 * whose samples cannot be resampled, is not silently dropped: it is returned in {@link Result#skipped()} with the
 * reason.
 */
public final class SequenceJob {
  private SequenceJob() {}

  /** A labelled discharge that gave no sequence, and why. */
  public record Skipped(String cell, int cycle, String reason) {}

  /**
   * @param labels what the label task left out (excluded discharges, censored cells), as in the tabular sweeps
   */
  public record Result(SequenceSet set, List<Skipped> skipped, LabelReport labels) {}

  /** Sequence settings ({@code cyclelake.sequence}). */
  public record Settings(List<String> channels, SequenceBuilder.Mode mode, int maxLength, boolean precedingCharge) {
    public static Settings of(Config config) {
      Config s = config.getConfig("cyclelake.sequence");
      List<String> channels = s.getStringList("channels");
      List<String> have = Arrays.asList(Tables.TIMESERIES_SCHEMA.fieldNames());
      List<String> bad = channels.stream().filter(c -> !have.contains(c)
          || !Tables.TIMESERIES_SCHEMA.apply(c).dataType().equals(DataTypes.DoubleType)).toList();
      if (channels.isEmpty() || !bad.isEmpty()) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "sequence.channels " + (channels.isEmpty()
            ? "is empty" : "names " + bad + ", which are not numeric columns of timeseries") + " ("
            + s.getValue("channels").origin().description() + "); numeric columns: " + have.stream()
            .filter(c -> Tables.TIMESERIES_SCHEMA.apply(c).dataType().equals(DataTypes.DoubleType)).toList());
      }
      int max = s.getInt("max-length");
      if (max < 1) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "sequence.max-length must be >= 1, got " + max
            + " (" + s.getValue("max-length").origin().description() + ")");
      }
      String source = s.getString("source");
      if (!source.equals("discharge") && !source.equals("preceding-charge")) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "sequence.source must be 'discharge' or "
            + "'preceding-charge', got '" + source + "' (" + s.getValue("source").origin().description() + ")");
      }
      return new Settings(List.copyOf(channels), SequenceBuilder.Mode.of(s.getString("mode")), max,
          source.equals("preceding-charge"));
    }
  }

  static final StructType OUT = new StructType()
      .add("cell_id", DataTypes.StringType)
      .add("cycle_index", DataTypes.IntegerType)
      .add("ambient_temperature_c", DataTypes.DoubleType)
      .add("label", DataTypes.DoubleType)
      .add("n_samples", DataTypes.IntegerType)
      .add("length", DataTypes.IntegerType)
      .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false))
      .add("error", DataTypes.StringType);

  public static Result collect(Lake lake, Config config, List<String> cells) {
    return collect(new InputTables(lake), config, cells);
  }

  /** {@link #collect(Lake, Config, List)}, reading through {@code inputs} (pinned versions, lineage). */
  public static Result collect(InputTables inputs, Config config, List<String> cells) {
    return collect(inputs, config, LabelTask.registry().get(config.getString("cyclelake.sweep.task")), cells);
  }

  /**
   * The sequences of the discharges {@code task} labels ({@link LabelTask#labels}: the same rows, labels and
   * exclusions as a tabular sweep of that task), reading through {@code inputs}.
   */
  public static Result collect(InputTables inputs, Config config, LabelTask task, List<String> cells) {
    Settings s = Settings.of(config);
    String featureHash = ConfigRender.hash(config, "cyclelake.features");
    LabelTask.Labels labelled = task.labels(inputs, config, cells, featureHash);
    LabelReport report = LabelReport.of(task.name(), labelled);
    Dataset<Row> labels = labelled.rows()
        .select(col("cell_id"), col("cycle_index"), col("ambient_temperature_c").cast(DataTypes.DoubleType)
            .as("ambient_temperature_c"), col("label"), col("preceding_charge_index"));
    // The sequence is the labelled discharge's own curve, or the curve of the charge before it (which a model has
    // before the discharge happens); a discharge without such a charge gets no samples and is listed as skipped.
    Dataset<Row> ts = inputs.read(Tables.TIMESERIES, "ingest")
        .where(col("cycle_type").equalTo(s.precedingCharge() ? "charge" : "discharge"));
    if (!cells.isEmpty()) ts = ts.where(col("cell_id").isin(cells.toArray()));
    List<Column> sample = new ArrayList<>(List.of(col("sample_index"), col("time_s")));
    for (String c : s.channels()) sample.add(col(c));
    String key = s.precedingCharge() ? "preceding_charge_index" : "cycle_index";
    Dataset<Row> samples = ts.select(col("cell_id"), col("cycle_index").as(key),
        struct(sample.toArray(Column[]::new)).as("sample"));
    Dataset<Row> keyed = s.precedingCharge() ? labels : labels.drop("preceding_charge_index");
    Dataset<Row> grouped = keyed.join(samples, Lake.keys("cell_id", key), "left")
        .groupBy("cell_id", "cycle_index", "ambient_temperature_c", "label")
        .agg(collect_list(col("sample")).as("samples"));
    int channels = s.channels().size();
    SequenceBuilder.Mode mode = s.mode();
    int max = s.maxLength();
    List<Row> rows = grouped.map((MapFunction<Row, Row>) r -> build(r, channels, mode, max), Encoders.row(OUT))
        .collectAsList();
    if (rows.isEmpty()) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "no labelled discharge cycles" + (cells.isEmpty()
          ? "" : " for cells " + cells) + " with the current feature settings (" + task.name() + " task"
          + (report.lines().isEmpty() ? "" : "; " + String.join("; ", report.lines())) + "); run `cyclelake "
          + "ingest` and `cyclelake features` first");
    }
    List<Row> ok = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (Row r : rows) {
      if (r.isNullAt(7)) ok.add(r);
      else skipped.add(new Skipped(r.getString(0), r.getInt(1), r.getString(7)));
    }
    if (!cells.isEmpty()) {
      TreeSet<String> absent = new TreeSet<>(cells);
      ok.forEach(r -> absent.remove(r.getString(0)));
      absent.removeAll(report.censoredCells());
      if (!absent.isEmpty()) {
        throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "cells " + absent + " have no labelled discharge "
            + "with samples in timeseries");
      }
    }
    ok.sort(Comparator.<Row, String>comparing(r -> r.getString(0)).thenComparingInt(r -> r.getInt(1)));
    skipped.sort(Comparator.comparing(Skipped::cell).thenComparingInt(Skipped::cycle));
    int n = ok.size();
    String[] cell = new String[n];
    int[] cycle = new int[n];
    double[] amb = new double[n];
    double[] y = new double[n];
    int[] nSamples = new int[n];
    int[] length = new int[n];
    double[][][] x = new double[n][channels][max];
    for (int i = 0; i < n; i++) {
      Row r = ok.get(i);
      cell[i] = r.getString(0);
      cycle[i] = r.getInt(1);
      amb[i] = r.isNullAt(2) ? Double.NaN : r.getDouble(2);
      y[i] = r.getDouble(3);
      nSamples[i] = r.getInt(4);
      length[i] = r.getInt(5);
      List<Double> v = r.getList(6);
      for (int c = 0; c < channels; c++) {
        for (int t = 0; t < max; t++) x[i][c][t] = v.get(c * max + t);
      }
    }
    return new Result(new SequenceSet(s.channels(), max, cell, cycle, amb, y, nSamples, length, x), skipped,
        report);
  }

  /** One discharge's samples (a list of structs sample_index, time_s, channels...) → a row of {@link #OUT}. */
  static Row build(Row r, int channels, SequenceBuilder.Mode mode, int max) {
    List<Row> samples = new ArrayList<>(r.getList(4));
    samples.sort(Comparator.comparingInt(q -> q.getInt(0)));
    int n = samples.size();
    double[] t = new double[n];
    double[][] ch = new double[channels][n];
    String error = null;
    for (int k = 0; k < n; k++) {
      Row q = samples.get(k);
      if (q.isNullAt(1)) {
        error = "sample " + q.getInt(0) + " has no time_s";
        break;
      }
      t[k] = q.getDouble(1);
      for (int c = 0; c < channels; c++) ch[c][k] = q.isNullAt(2 + c) ? Double.NaN : q.getDouble(2 + c);
    }
    double[][] out = new double[channels][max];
    int len = 0;
    if (n == 0) error = "no samples in timeseries";
    if (error == null) {
      try {
        len = SequenceBuilder.build(mode, t, ch, max, out);
      } catch (CycleLakeException e) {
        error = e.getMessage();
      }
    }
    Double amb = r.isNullAt(2) ? null : r.getDouble(2);
    if (error != null) {
      return RowFactory.create(r.getString(0), r.getInt(1), amb, r.getDouble(3), n, 0, new double[0], error);
    }
    double[] flat = new double[channels * max];
    for (int c = 0; c < channels; c++) System.arraycopy(out[c], 0, flat, c * max, max);
    return RowFactory.create(r.getString(0), r.getInt(1), amb, r.getDouble(3), n, len, flat, error);
  }
}
