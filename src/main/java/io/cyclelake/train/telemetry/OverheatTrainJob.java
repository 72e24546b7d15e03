package io.cyclelake.train.telemetry;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.eval.ClassificationMetrics;
import io.cyclelake.eval.RegressionMetrics;
import io.cyclelake.eval.WarningLeadTime;
import io.cyclelake.internal.Registry;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.model.Preprocessor;
import io.cyclelake.model.SparkTabularClassifier;
import io.cyclelake.model.SparkTabularModel;
import io.cyclelake.model.TabularClassifier;
import io.cyclelake.model.TabularClassifiers;
import io.cyclelake.model.TabularModel;
import io.cyclelake.predict.telemetry.OverheatModel;
import io.cyclelake.schema.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Trains the overheat classifier and the ΔT₃₀ regressor on {@code telemetry_labels}, each beside its baseline, with a
 * chronological split over the whole time span (settings {@code cyclelake.telemetry.train}):
 * train = [t0, t1 − H), validation = [t1 + embargo, t2 − H), test = [t2 + embargo, end], where t1 and t2 cut the span
 * at train-fraction and train-fraction + validation-fraction. Dropping H seconds before a boundary keeps training
 * labels from looking into the next part; the embargo keeps the next part's windows (up to 300 s back) out of the
 * previous one. The preprocessor (mean imputation, standardisation) is fitted on training rows only; the alarm
 * threshold is chosen on validation (max F-beta); test metrics are computed once. Rows are collected on the driver: a
 * fleet's 1 Hz labels are tens of thousands of rows of about 30 doubles. Models named in {@code compare-classifiers}
 * and {@code compare-regressors} are fitted and evaluated on the same parts beside the model and its baseline. Models
 * fitted by Spark (Spark MLlib, XGBoost4J-Spark: {@link SparkTabularClassifier}, {@link SparkTabularModel}) get the
 * preprocessed training rows back as a DataFrame and fit as Spark jobs; the chosen model is saved as the library's
 * model directory in the run's folder.
 */
public final class OverheatTrainJob {
  private OverheatTrainJob() {}

  /** Test-part metrics of one model. */
  public record ModelResult(String task, String role, String model, ClassificationMetrics cls,
      WarningLeadTime.Result lead, RegressionMetrics reg) {}

  public record Result(String runId, String modelPath, List<ModelResult> test, long trainRows, long validationRows,
      long testRows, Instant t1, Instant t2) {}

  private record Part(double[][] x, double[] y, double[] dt, long[] second, String[] device, boolean[] now,
      double[] hottest) {}

  public static Result run(Lake lake, Config config, Progress progress) {
    Config t = config.getConfig("cyclelake.telemetry.train");
    List<String> features = Tables.TELEMETRY_FEATURES;
    progress.step("collecting telemetry_labels");
    List<String> cols = new ArrayList<>(List.of("device_id", "ts", "overheat", "overheat_now", "delta_t_30s_c",
        "temp_hottest_c", "horizon_s", "threshold_c"));
    cols.addAll(features);
    List<Row> rows = new ArrayList<>(lake.read(Tables.TELEMETRY_LABELS, "telemetry features")
        .select(cols.get(0), cols.subList(1, cols.size()).toArray(new String[0]))
        .orderBy("device_id", "ts").collectAsList());
    if (rows.isEmpty()) throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "telemetry_labels is empty");
    int horizon = rows.get(0).getInt(6);
    double thresholdC = rows.get(0).getDouble(7);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (Row r : rows) {
      long s = r.getTimestamp(1).getTime() / 1000;
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    long span = max - min;
    long t1 = min + Math.round(span * t.getDouble("train-fraction"));
    long t2 = t1 + Math.round(span * t.getDouble("validation-fraction"));
    long embargo = t.getLong("embargo-s");
    progress.done(rows.size() + " rows from " + Instant.ofEpochSecond(min) + " to " + Instant.ofEpochSecond(max));

    boolean dropNow = t.getBoolean("drop-overheating-rows");
    Part train = part(rows, features, min, t1 - horizon, dropNow);
    Part val = part(rows, features, t1 + embargo, t2 - horizon, dropNow);
    Part test = part(rows, features, t2 + embargo, max + 1, dropNow);
    // Lead time is measured on every test second (overheating ones included): events are defined by them.
    Part testAll = part(rows, features, t2 + embargo, max + 1, false);
    if (train.x().length == 0 || val.x().length == 0 || test.x().length == 0) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "the chronological split left a part empty (train "
          + train.x().length + ", validation " + val.x().length + ", test " + test.x().length + " rows); more data "
          + "or a shorter telemetry.train.embargo-s");
    }
    Preprocessor pre = Preprocessor.fit(train.x(), features.size());
    double[][] xTr = pre.transform(train.x());
    double[][] xVa = pre.transform(val.x());
    double[][] xTe = pre.transform(test.x());
    double[][] xAll = pre.transform(testAll.x());
    long seed = t.getLong("seed");
    String runId = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
        + "-" + UUID.randomUUID().toString().substring(0, 6);
    String configText = ConfigRender.hocon(config.getConfig("cyclelake.telemetry").atPath("cyclelake.telemetry"));
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> runRows = new ArrayList<>();
    List<ModelResult> results = new ArrayList<>();
    Map<String, Object[]> chosen = new LinkedHashMap<>();

    String runDir = config.getString("cyclelake.lake.runs-dir") + "/" + runId + "/";
    // Classifiers.
    for (String[] spec : roles(t, "classifier", "baseline", "compare-classifiers")) {
      String role = spec[0];
      String name = spec[1];
      progress.step("fitting the " + name + " overheat classifier (" + role + ") on " + xTr.length + " rows, "
          + (long) sum(train.y()) + " positive");
      TabularClassifier c = TabularClassifiers.byName(name);
      TabularClassifier.Fitted f = c.fit(xTr, train.y(), xVa, val.y(), config.getConfig("cyclelake.telemetry." + name),
          seed);
      double thr = ClassificationMetrics.bestThreshold(val.y(), f.probability(xVa), t.getDouble("f-beta"));
      Map<String, ClassificationMetrics> m = new LinkedHashMap<>();
      m.put("train", ClassificationMetrics.of(train.y(), f.probability(xTr), thr));
      m.put("validation", ClassificationMetrics.of(val.y(), f.probability(xVa), thr));
      m.put("test", ClassificationMetrics.of(test.y(), f.probability(xTe), thr));
      WarningLeadTime.Result lead = leadTime(testAll, f.probability(xAll), thr, thresholdC,
          t.getInt("event-separation-s"), t.getInt("max-lead-s"));
      for (Map.Entry<String, ClassificationMetrics> e : m.entrySet()) {
        ClassificationMetrics cm = e.getValue();
        WarningLeadTime.Result l = e.getKey().equals("test") ? lead : null;
        runRows.add(RowFactory.create(runId, now, "overheat", role, name, e.getKey(), null, null, cm.n(),
            cm.positives(), nan(cm.rocAuc()), nan(cm.prAuc()), thr, nan(cm.precision()), nan(cm.recall()),
            l == null ? null : l.events(), l == null ? null : l.warned(), l == null ? null : nan(l.meanLeadS()),
            l == null ? null : nan(l.falseAlarmsPerHour()), null, null, configText));
      }
      results.add(new ModelResult("overheat", role, name, m.get("test"), lead, null));
      progress.done(f.describe() + String.format(java.util.Locale.ROOT, "; test PR AUC %.3f, ROC AUC %.3f",
          m.get("test").prAuc(), m.get("test").rocAuc()));
      if (role.equals("model")) {
        String dir = null;
        if (f instanceof SparkTabularClassifier.SparkFitted sf) {
          dir = runDir + CLASSIFIER_DIR;
          sf.saveTo(Lake.inside(lake.root(), dir));
        }
        chosen.put("classifier", new Object[] {name, dir == null ? f.save() : null, thr, dir});
      }
    }

    // ΔT regressors on the rows that have a ΔT label.
    Part trR = withDeltaT(train);
    Part vaR = withDeltaT(val);
    Part teR = withDeltaT(test);
    double[][] xTrR = pre.transform(trR.x());
    double[][] xVaR = pre.transform(vaR.x());
    double[][] xTeR = pre.transform(teR.x());
    Registry<TabularModel> reg = Registry.load(TabularModel.class, TabularModel::name, "model");
    for (String[] spec : roles(t, "regressor", "regressor-baseline", "compare-regressors")) {
      String role = spec[0];
      String name = spec[1];
      progress.step("fitting the " + name + " delta_t_30s regressor (" + role + ") on " + xTrR.length + " rows");
      TabularModel.Fitted f = reg.get(name).fit(xTrR, trR.dt(), xVaR, vaR.dt(), config.getConfig("cyclelake.model."
          + name), seed);
      Map<String, RegressionMetrics> m = new LinkedHashMap<>();
      m.put("train", RegressionMetrics.of(trR.dt(), f.predict(xTrR)));
      m.put("validation", RegressionMetrics.of(vaR.dt(), f.predict(xVaR)));
      m.put("test", RegressionMetrics.of(teR.dt(), f.predict(xTeR)));
      for (Map.Entry<String, RegressionMetrics> e : m.entrySet()) {
        runRows.add(RowFactory.create(runId, now, "delta_t", role, name, e.getKey(), null, null, e.getValue().n(),
            null, null, null, null, null, null, null, null, null, null, nan(e.getValue().mae()),
            nan(e.getValue().rmse()), configText));
      }
      results.add(new ModelResult("delta_t", role, name, null, null, m.get("test")));
      progress.done(f.describe() + String.format(java.util.Locale.ROOT, "; test MAE %.3f degC", m.get("test").mae()));
      if (role.equals("model")) {
        String dir = null;
        if (f instanceof SparkTabularModel.SparkFitted sf) {
          dir = runDir + REGRESSOR_DIR;
          sf.saveTo(Lake.inside(lake.root(), dir));
        }
        chosen.put("regressor", new Object[] {name, dir == null ? f.save() : null, dir});
      }
    }
    // Persistence (ΔT = 0) for scale.
    RegressionMetrics zero = RegressionMetrics.of(teR.dt(), new double[teR.dt().length]);
    results.add(new ModelResult("delta_t", "baseline", "persistence", null, null, zero));
    runRows.add(RowFactory.create(runId, now, "delta_t", "baseline", "persistence", "test", null, null, zero.n(),
        null, null, null, null, null, null, null, null, null, null, nan(zero.mae()), nan(zero.rmse()), configText));

    Object[] c = chosen.get("classifier");
    Object[] r = chosen.get("regressor");
    OverheatModel bundle = new OverheatModel(runId, features, pre, (String) c[0], (byte[]) c[1], (double) c[2],
        (String) r[0], (byte[]) r[1], config.getStringList("cyclelake.telemetry.labels.temperature-channels"),
        thresholdC, horizon, (String) c[3], (String) r[2]);
    String path = lake.writeBytes(runDir + OverheatModel.FILE, bundle.bytes());
    // Part boundaries into every row.
    List<Row> withParts = new ArrayList<>();
    for (Row row : runRows) {
      Object[] v = new Object[row.size()];
      for (int k = 0; k < v.length; k++) v[k] = row.get(k);
      String p = (String) v[5];
      long from = p.equals("train") ? min : p.equals("validation") ? t1 + embargo : t2 + embargo;
      long to = p.equals("train") ? t1 - horizon - 1 : p.equals("validation") ? t2 - horizon - 1 : max;
      v[6] = new Timestamp(from * 1000);
      v[7] = new Timestamp(to * 1000);
      withParts.add(RowFactory.create(v));
    }
    lake.append(lake.spark().createDataFrame(withParts, Tables.TELEMETRY_RUNS_SCHEMA), Tables.TELEMETRY_RUNS);
    return new Result(runId, path, results, train.x().length, val.x().length, test.x().length,
        Instant.ofEpochSecond(t1), Instant.ofEpochSecond(t2));
  }

  /** Directories of models fitted by Spark in a run's folder, beside {@link OverheatModel#FILE}. */
  static final String CLASSIFIER_DIR = "telemetry-overheat-classifier.sparkml";
  static final String REGRESSOR_DIR = "telemetry-delta-t-regressor.sparkml";

  /**
   * (role, name) pairs: the model, its baseline, then each name of the {@code compare} list (role {@code compare}:
   * fitted and evaluated beside them on the same split, not saved).
   */
  static List<String[]> roles(Config t, String model, String baseline, String compare) {
    List<String[]> out = new ArrayList<>();
    out.add(new String[] {"model", t.getString(model)});
    out.add(new String[] {"baseline", t.getString(baseline)});
    for (String n : t.getStringList(compare)) out.add(new String[] {"compare", n});
    return out;
  }

  static Object nan(double v) {
    return Double.isNaN(v) ? null : v;
  }

  static double sum(double[] y) {
    double s = 0;
    for (double v : y) s += v;
    return s;
  }

  /** Rows with {@code from <= second < to}; with {@code labelled}, only rows with an overheat label (and not overheating now if dropNow). */
  private static Part part(List<Row> rows, List<String> features, long from, long to, boolean dropNow) {
    List<Row> in = new ArrayList<>();
    for (Row r : rows) {
      long s = r.getTimestamp(1).getTime() / 1000;
      if (s < from || s >= to) continue;
      if (r.isNullAt(2) || (dropNow && r.getBoolean(3))) continue;
      in.add(r);
    }
    int n = in.size();
    int d = features.size();
    double[][] x = new double[n][d];
    double[] y = new double[n];
    double[] dt = new double[n];
    long[] second = new long[n];
    String[] device = new String[n];
    boolean[] now = new boolean[n];
    double[] hottest = new double[n];
    for (int i = 0; i < n; i++) {
      Row r = in.get(i);
      device[i] = r.getString(0);
      second[i] = r.getTimestamp(1).getTime() / 1000;
      y[i] = r.getBoolean(2) ? 1 : 0;
      now[i] = r.getBoolean(3);
      dt[i] = r.isNullAt(4) ? Double.NaN : r.getDouble(4);
      hottest[i] = r.isNullAt(5) ? Double.NaN : r.getDouble(5);
      for (int j = 0; j < d; j++) x[i][j] = r.isNullAt(8 + j) ? Double.NaN : r.getDouble(8 + j);
    }
    return new Part(x, y, dt, second, device, now, hottest);
  }

  private static Part withDeltaT(Part p) {
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < p.dt().length; i++) if (!Double.isNaN(p.dt()[i])) keep.add(i);
    int n = keep.size();
    double[][] x = new double[n][];
    double[] y = new double[n];
    double[] dt = new double[n];
    long[] s = new long[n];
    String[] dev = new String[n];
    boolean[] now = new boolean[n];
    double[] h = new double[n];
    for (int k = 0; k < n; k++) {
      int i = keep.get(k);
      x[k] = p.x()[i];
      y[k] = p.y()[i];
      dt[k] = p.dt()[i];
      s[k] = p.second()[i];
      dev[k] = p.device()[i];
      now[k] = p.now()[i];
      h[k] = p.hottest()[i];
    }
    return new Part(x, y, dt, s, dev, now, h);
  }

  /** Lead time per device over the part's seconds (sorted by device, then time). */
  static WarningLeadTime.Result leadTime(Part p, double[] prob, double thr, double thresholdC, int separation,
      int maxLead) {
    WarningLeadTime.Result total = WarningLeadTime.Result.empty();
    int i = 0;
    while (i < p.second().length) {
      int j = i;
      while (j < p.second().length && p.device()[j].equals(p.device()[i])) j++;
      int n = j - i;
      long[] s = new long[n];
      boolean[] exceed = new boolean[n];
      boolean[] alarm = new boolean[n];
      for (int k = 0; k < n; k++) {
        s[k] = p.second()[i + k];
        exceed[k] = p.hottest()[i + k] > thresholdC;
        alarm[k] = prob[i + k] >= thr;
      }
      total = total.plus(WarningLeadTime.evaluate(s, exceed, alarm, separation, maxLead));
      i = j;
    }
    return total;
  }
}
