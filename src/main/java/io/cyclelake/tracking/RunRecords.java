package io.cyclelake.tracking;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.schema.Tables;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * Turns the rows a job has just written to {@code runs} and {@code fold_metrics} into {@link TrackedRun}s, so what
 * MLflow receives is, value for value, what the lake holds:
 *
 * <ul>
 *   <li>params: {@code task, model, split, fold, cells, features, seed, config_hash, feature_config_hash,
 *       features_version, sweep_id} (those the row has), and every hyperparameter as {@code model.<key>} (from the
 *       row's {@code params}, the sweep's grid point; for {@code train}, {@code cyclelake.model.<model>});
 *   <li>metrics: {@code <part>_<name>} for {@code n, mae, rmse, mape_pct, r2, within_3pct, within_5pct} of each
 *       part's {@code runs} row, {@code <part>_coverage} from the part's all-cells {@code fold_metrics} row, and
 *       {@code fit_seconds}; null and non-finite values are left out (MLflow metrics are numbers);
 *   <li>tags: {@code cyclelake.run_id, cyclelake.sweep_id, cyclelake.status, cyclelake.error, cyclelake.lake};
 *   <li>per-epoch metrics from the run's {@code training_curves} rows: {@code train_loss} and {@code val_loss} with
 *       MLflow's step = the epoch (non-finite and null values left out).
 * </ul>
 *
 * A param value longer than {@link #MAX_PARAM_LENGTH} characters (MLflow 2.x's limit) is cut to that length.
 */
public final class RunRecords {
  private RunRecords() {}

  /** MLflow 2.x rejects longer param values. */
  public static final int MAX_PARAM_LENGTH = 6000;

  /** The {@code runs} columns logged as metrics of each part. */
  public static final List<String> PART_METRICS = List.of("n", "mae", "rmse", "mape_pct", "r2", "within_3pct",
      "within_5pct");

  public static List<TrackedRun> of(List<Row> runRows, List<Row> foldMetricRows, Config config, long seed,
      String lakeRoot, Map<String, List<TrackedRun.Artifact>> artifacts) {
    return of(runRows, foldMetricRows, List.of(), config, seed, lakeRoot, artifacts);
  }

  /** With the runs' {@code training_curves} rows ({@link Tables#TRAINING_CURVES_SCHEMA}) as per-epoch metrics. */
  public static List<TrackedRun> of(List<Row> runRows, List<Row> foldMetricRows, List<Row> curveRows, Config config,
      long seed, String lakeRoot, Map<String, List<TrackedRun.Artifact>> artifacts) {
    Map<String, List<TrackedRun.Step>> steps = steps(curveRows);
    Map<String, List<Row>> byRun = new LinkedHashMap<>();
    for (Row r : runRows) byRun.computeIfAbsent(get(r, "run_id"), k -> new ArrayList<>()).add(r);
    Map<String, Map<String, Double>> coverage = new TreeMap<>();
    int fRun = Tables.FOLD_METRICS_SCHEMA.fieldIndex("run_id");
    int fPart = Tables.FOLD_METRICS_SCHEMA.fieldIndex("part");
    int fCell = Tables.FOLD_METRICS_SCHEMA.fieldIndex("cell_id");
    int fCov = Tables.FOLD_METRICS_SCHEMA.fieldIndex("coverage");
    for (Row m : foldMetricRows) {
      if (!"*".equals(m.get(fCell)) || m.isNullAt(fCov)) continue;
      coverage.computeIfAbsent(m.getString(fRun), k -> new TreeMap<>()).put(m.getString(fPart), m.getDouble(fCov));
    }
    String computedHash = ConfigRender.hash(config, "cyclelake");
    List<TrackedRun> out = new ArrayList<>();
    for (var e : byRun.entrySet()) {
      Row first = e.getValue().get(0);
      String model = get(first, "model");
      Map<String, String> params = new LinkedHashMap<>();
      put(params, "task", get(first, "task"));
      put(params, "model", model);
      put(params, "split", get(first, "split"));
      put(params, "fold", get(first, "fold"));
      put(params, "cells", get(first, "cells"));
      put(params, "features", get(first, "features"));
      put(params, "seed", Long.toString(seed));
      String hash = get(first, "config_hash");
      put(params, "config_hash", hash == null ? computedHash : hash);
      put(params, "feature_config_hash", get(first, "feature_config_hash_used"));
      put(params, "features_version", get(first, "features_version"));
      put(params, "sweep_id", get(first, "sweep_id"));
      String hp = get(first, "params");
      Config hyper = hp != null ? ConfigFactory.parseString(hp)
          : config.hasPath("cyclelake.model." + model) ? config.getConfig("cyclelake.model." + model) : null;
      if (hyper != null) hyperparameters(hyper).forEach((k, v) -> put(params, "model." + k, v));

      Map<String, Double> metrics = new LinkedHashMap<>();
      for (Row r : e.getValue()) {
        String part = get(r, "part");
        if (part == null || part.equals("none")) continue;
        for (String m : PART_METRICS) {
          Object v = r.get(Tables.RUNS_SCHEMA.fieldIndex(m));
          if (v instanceof Number n && Double.isFinite(n.doubleValue())) metrics.put(part + "_" + m, n.doubleValue());
        }
      }
      coverage.getOrDefault(e.getKey(), Map.of()).forEach((part, c) -> {
        if (Double.isFinite(c)) metrics.put(part + "_coverage", c);
      });
      Object fit = first.get(Tables.RUNS_SCHEMA.fieldIndex("fit_seconds"));
      if (fit instanceof Number n && Double.isFinite(n.doubleValue())) metrics.put("fit_seconds", n.doubleValue());

      String status = get(first, "status");
      Map<String, String> tags = new LinkedHashMap<>();
      put(tags, "cyclelake.run_id", e.getKey());
      put(tags, "cyclelake.sweep_id", get(first, "sweep_id"));
      put(tags, "cyclelake.status", status);
      put(tags, "cyclelake.error", get(first, "error"));
      put(tags, "cyclelake.lake", lakeRoot);
      Timestamp created = (Timestamp) first.get(Tables.RUNS_SCHEMA.fieldIndex("created_at"));
      out.add(new TrackedRun(e.getKey(), created.getTime(), status == null || status.equals("ok"), params, metrics,
          tags, artifacts.getOrDefault(e.getKey(), List.of()), steps.getOrDefault(e.getKey(), List.of())));
    }
    return out;
  }

  static Map<String, List<TrackedRun.Step>> steps(List<Row> curveRows) {
    int fRun = Tables.TRAINING_CURVES_SCHEMA.fieldIndex("run_id");
    int fEpoch = Tables.TRAINING_CURVES_SCHEMA.fieldIndex("epoch");
    Map<String, List<TrackedRun.Step>> out = new LinkedHashMap<>();
    for (Row c : curveRows) {
      List<TrackedRun.Step> s = out.computeIfAbsent(c.getString(fRun), k -> new ArrayList<>());
      for (String m : List.of("train_loss", "val_loss")) {
        Object v = c.get(Tables.TRAINING_CURVES_SCHEMA.fieldIndex(m));
        if (v instanceof Double d && Double.isFinite(d)) s.add(new TrackedRun.Step(m, c.getInt(fEpoch), d));
      }
    }
    return out;
  }

  /** Every leaf setting of a model's settings as {@code path = value} (lists and objects as concise JSON). */
  static Map<String, String> hyperparameters(Config c) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      ConfigValue v = e.getValue();
      out.put(e.getKey(), v.valueType() == ConfigValueType.LIST || v.valueType() == ConfigValueType.OBJECT
          ? v.render(ConfigRenderOptions.concise()) : String.valueOf(v.unwrapped()));
    }
    return out;
  }

  private static String get(Row r, String column) {
    Object v = r.get(Tables.RUNS_SCHEMA.fieldIndex(column));
    return v == null ? null : v.toString();
  }

  private static void put(Map<String, String> m, String key, String value) {
    if (value == null) return;
    m.put(key, value.length() > MAX_PARAM_LENGTH ? value.substring(0, MAX_PARAM_LENGTH) : value);
  }
}
