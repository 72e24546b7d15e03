package io.cyclelake.report.card;

import static org.apache.spark.sql.functions.col;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.eval.Wilcoxon;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * Compares two sweeps, or two specs, fold by fold on one metric of one part ({@code fold_metrics}, all cells of the
 * part), with a Wilcoxon signed-rank test across the folds both have. {@code SWEEP_ID} compares every spec (model
 * and hyperparameters) the two sweeps share; {@code SWEEP_ID/sK} names spec K of a sweep.
 */
public final class Comparison {
  private Comparison() {}

  public static final List<String> METRICS = List.of("mae", "rmse", "mape_pct", "r2", "max_error", "within_3pct",
      "within_5pct", "coverage");

  /** One fold both sides ran: the metric of A, of B, and B − A. */
  public record FoldDiff(String fold, double a, double b, double diff) {}

  /**
   * The comparison of spec {@code a} with spec {@code b}: per-fold differences, folds only one side has (or where
   * the metric is null), the test, and a sentence saying whether the difference is within noise at {@code alpha}.
   */
  public record Result(ModelCard.Spec a, ModelCard.Spec b, String metric, String part, List<FoldDiff> folds,
      List<String> unpaired, double meanDiff, Wilcoxon.Result test, double alpha, String verdict) {}

  public static List<Result> compare(Lake lake, String a, String b, String metric, String part, double alpha) {
    if (!METRICS.contains(metric)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--metric " + metric + " is not a fold_metrics metric;"
          + " one of " + METRICS);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--alpha must be in (0, 1), got " + alpha);
    }
    boolean specA = a.contains("/");
    boolean specB = b.contains("/");
    if (specA != specB) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "compare takes two sweeps (SWEEP_ID SWEEP_ID) or two "
          + "specs (SWEEP_ID/sK SWEEP_ID/sK), got " + a + " and " + b);
    }
    List<Result> out = new ArrayList<>();
    if (specA) {
      ModelCard.Spec x = spec(lake, a);
      ModelCard.Spec y = spec(lake, b);
      List<Row> fm = foldMetrics(lake, List.of(x.sweepId(), y.sweepId()), metric, part);
      out.add(compare(fm, x, y, metric, part, alpha));
      return out;
    }
    List<ModelCard.Spec> as = ModelCard.specs(lake, a);
    List<ModelCard.Spec> bs = ModelCard.specs(lake, b);
    List<Row> fm = foldMetrics(lake, List.of(a, b), metric, part);
    for (ModelCard.Spec x : as) {
      for (ModelCard.Spec y : bs) {
        if (x.model().equals(y.model()) && x.params().equals(y.params())) {
          out.add(compare(fm, x, y, metric, part, alpha));
        }
      }
    }
    if (out.isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "sweeps " + a + " and " + b + " share no spec (model "
          + "and hyperparameters); compare two specs with SWEEP_ID/sK (specs of " + a + ": " + labels(as)
          + "; of " + b + ": " + labels(bs) + ")");
    }
    return out;
  }

  private static List<String> labels(List<ModelCard.Spec> specs) {
    return specs.stream().map(ModelCard.Spec::label).toList();
  }

  /** Spec {@code SWEEP_ID/sK}; an unknown K is an error listing the sweep's specs. */
  public static ModelCard.Spec spec(Lake lake, String id) {
    int slash = id.lastIndexOf('/');
    String sweep = id.substring(0, slash);
    String k = id.substring(slash + 1);
    List<ModelCard.Spec> specs = ModelCard.specs(lake, sweep);
    for (ModelCard.Spec s : specs) if (("s" + s.index()).equals(k)) return s;
    throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "sweep " + sweep + " has no spec '" + k + "'; its specs: "
        + specs.stream().map(s -> "s" + s.index() + " (" + s.model() + " " + s.params() + ")").toList());
  }

  static Result compare(List<Row> fm, ModelCard.Spec a, ModelCard.Spec b, String metric, String part,
      double alpha) {
    Map<String, Double> ma = perFold(fm, a);
    Map<String, Double> mb = perFold(fm, b);
    List<FoldDiff> folds = new ArrayList<>();
    List<String> unpaired = new ArrayList<>();
    TreeMap<String, Boolean> all = new TreeMap<>();
    ma.keySet().forEach(f -> all.put(f, true));
    mb.keySet().forEach(f -> all.put(f, true));
    for (String f : all.keySet()) {
      Double x = ma.get(f);
      Double y = mb.get(f);
      if (x == null || y == null || x.isNaN() || y.isNaN()) unpaired.add(f);
      else folds.add(new FoldDiff(f, x, y, y - x));
    }
    double[] d = folds.stream().mapToDouble(FoldDiff::diff).toArray();
    Wilcoxon.Result t = Wilcoxon.test(d);
    double mean = d.length == 0 ? Double.NaN : java.util.Arrays.stream(d).average().orElse(Double.NaN);
    return new Result(a, b, metric, part, folds, unpaired, mean, t, alpha, verdict(t, d, alpha, metric));
  }

  static String verdict(Wilcoxon.Result t, double[] d, double alpha, String metric) {
    if (d.length == 0) return "no fold to compare";
    if (t.n() == 0) return "identical " + metric + " on all " + d.length + " folds";
    long higher = java.util.Arrays.stream(d).filter(x -> x > 0).count();
    long lower = java.util.Arrays.stream(d).filter(x -> x < 0).count();
    String p = String.format(java.util.Locale.ROOT, "p = %.4g", t.p());
    String signs = "B is higher on " + higher + ", lower on " + lower + " of " + d.length + " folds";
    if (t.p() < alpha) return "difference beyond noise: " + signs + ", " + p + " < " + alpha;
    String s = "within noise: " + signs + ", " + p + " >= " + alpha;
    if (t.minP() >= alpha) {
      s += String.format(java.util.Locale.ROOT, "; with %d non-zero pairs the smallest attainable p is %.4g, so "
          + "this test cannot call any difference significant at %s: more folds are needed", t.n(), t.minP(), alpha);
    }
    return s;
  }

  /** (run_id, fold, metric) of every fold's {@code part}, all cells, of the sweeps: one read of fold_metrics. */
  private static List<Row> foldMetrics(Lake lake, List<String> sweeps, String metric, String part) {
    return lake.read(Tables.FOLD_METRICS, "sweep").where(col("sweep_id").isin(sweeps.toArray())
        .and(col("cell_id").equalTo("*")).and(col("part").equalTo(part))).select(col("run_id"), col("fold"),
        col(metric).cast("double")).orderBy("fold").collectAsList();
  }

  private static Map<String, Double> perFold(List<Row> fm, ModelCard.Spec s) {
    java.util.Set<String> ids = new java.util.HashSet<>(s.runIds());
    Map<String, Double> out = new LinkedHashMap<>();
    for (Row r : fm) {
      if (ids.contains(r.getString(0))) out.put(r.getString(1), r.isNullAt(2) ? Double.NaN : r.getDouble(2));
    }
    return out;
  }
}
