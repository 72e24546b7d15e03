package io.cyclelake.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lineage.InputTables;
import io.cyclelake.schema.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * `cycle-life`: the cycle life of a cell, in discharges, predicted once per cell from its first discharges (Severson
 * et al., Nature Energy 2019). Settings {@code cyclelake.train.cycle-life}.
 *
 * <p>The label is n_EOL of {@link RulTask} (the discharge number at which the cell reaches end of life, under the
 * {@code train.rul} definitions: threshold, consecutive discharges, minimum capacity). The row of a cell is its
 * discharge {@code b} (by {@code cycle_number}) of the early-life pair {@code [a, b]}: the {@code features_summary}
 * columns of that discharge, the {@code charge_*} columns of the charge before it, and the {@code features_early_life}
 * columns of the pair (ΔQ(V) statistics between discharges a and b, fade slope and intercept, first capacity). Groups
 * of cells ({@code groups}) may have their own pair and their own {@code rul} settings (layered over
 * {@code train.rul}), e.g. NASA's 1.4 Ah and CALCE's 80 % of initial in one leave-one-cell-out sweep.
 *
 * <p>Nothing is dropped silently: a cell that never reaches end of life is censored ({@link Labels#censored()}); a
 * cell without early-life features for its pair (too few discharges, no overlap of the two curves) or whose end of
 * life comes at or before discharge b (its life is over before the prediction would be made) is left out whole, one
 * row with a null cycle in {@link Labels#excluded()}.
 */
public final class CycleLifeTask implements LabelTask {
  /** The columns of {@code features_early_life} that the rows carry. */
  public static final List<String> EARLY_LIFE_COLUMNS = List.of("cycle_a", "cycle_b", "n_grid_points",
      "delta_q_variance", "delta_q_log10_variance", "delta_q_min_ah", "delta_q_mean_ah", "delta_q_skewness",
      "delta_q_kurtosis", "fade_slope_ah_per_cycle", "fade_intercept_ah", "first_capacity_ah");

  @Override
  public String labelName() {
    return "cycle life (discharges)";
  }

  @Override
  public String name() {
    return "cycle-life";
  }

  /** A group of cells with its pair [a, b] and its end-of-life settings; {@code cells} empty = every other cell. */
  record Group(List<String> cells, int a, int b, RulTask.Settings rul) {
    static List<Group> of(Config config) {
      Config cl = config.getConfig("cyclelake.train.cycle-life");
      Config rulDefaults = config.getConfig("cyclelake.train.rul");
      List<Group> out = new ArrayList<>();
      List<? extends Config> groups = cl.getConfigList("groups");
      for (int g = 0; g < groups.size(); g++) {
        Config c = groups.get(g);
        String where = "train.cycle-life.groups[" + g + "]";
        if (!c.hasPath("cells") || c.getStringList("cells").isEmpty()) {
          throw bad(where + ".cells must list at least one cell (" + c.origin().description() + ")");
        }
        Config rul = c.hasPath("rul") ? c.getConfig("rul").withFallback(rulDefaults) : rulDefaults;
        int[] p = pair(c.hasPath("pair") ? c : cl, where);
        out.add(new Group(List.copyOf(c.getStringList("cells")), p[0], p[1], RulTask.Settings.of(rul)));
      }
      int[] p = pair(cl, "train.cycle-life");
      out.add(new Group(List.of(), p[0], p[1], RulTask.Settings.of(rulDefaults)));
      return out;
    }

    private static int[] pair(Config c, String where) {
      List<Integer> p = c.getIntList("pair");
      if (p.size() != 2 || p.get(0) < 1 || p.get(1) <= p.get(0)) {
        throw bad(where + ".pair must be [a, b] with 1 <= a < b (discharge numbers of features.early-life.pairs), "
            + "got " + p);
      }
      return new int[] {p.get(0), p.get(1)};
    }

    String describe() {
      return (cells.isEmpty() ? "other cells" : String.join(", ", cells)) + ": features of discharges " + a + "→" + b
          + ", end of life " + rul.crossing();
    }
  }

  private static CycleLakeException bad(String what) {
    return new CycleLakeException(ErrorCode.CONFIG_INVALID, what);
  }

  @Override
  public String description(Config config) {
    List<Group> groups = Group.of(config);
    return "Task cycle-life: the cycle life of a cell in discharges (n_EOL of the rul task: the discharge at which "
        + "it reaches end of life), one row per cell, predicted from its early-life features (ΔQ(V) = Q_b(V) - "
        + "Q_a(V) statistics, fade over discharges a..b, first capacity; features_early_life) and the features of "
        + "its discharge b. "
        + String.join("; ", groups.stream().filter(g -> !g.cells.isEmpty() || groups.size() == 1)
            .map(Group::describe).toList())
        + (groups.size() > 1 ? "; " + groups.get(groups.size() - 1).describe() : "")
        + ". Cells that never reach end of life are censored; cells without early-life features for their pair, or "
        + "whose end of life comes at or before discharge b, are left out; both are listed in label_exclusions.";
  }

  @Override
  public Labels labels(InputTables inputs, Config config, List<String> cells, String featureHash) {
    List<Group> groups = Group.of(config);
    Dataset<Row> summary = inputs.read(Tables.FEATURES_SUMMARY, "features")
        .where(col(Tables.FEATURE_HASH).equalTo(featureHash));
    Dataset<Row> early = inputs.read(Tables.FEATURES_EARLY_LIFE, "features")
        .where(col(Tables.FEATURE_HASH).equalTo(featureHash));
    TreeSet<String> wanted = new TreeSet<>(cells);
    if (wanted.isEmpty()) {
      summary.where(col("cycle_type").equalTo("discharge")).select("cell_id").distinct()
          .collectAsList().forEach(r -> wanted.add(r.getString(0)));
    }
    // Each cell in the first group that lists it, else in the last (default) group.
    Map<Group, List<String>> byGroup = new LinkedHashMap<>();
    for (String cell : wanted) {
      Group g = groups.stream().filter(x -> x.cells.contains(cell)).findFirst().orElse(groups.get(groups.size() - 1));
      byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(cell);
    }

    List<Censored> censored = new ArrayList<>();
    List<Row> excluded = new ArrayList<>();
    List<Row> keep = new ArrayList<>();
    for (var e : byGroup.entrySet()) {
      Group g = e.getKey();
      List<String> groupCells = e.getValue();
      Dataset<Row> discharges = RulTask.endOfLife(summary, g.rul, groupCells);
      List<Censored> groupCensored = RulTask.censored(discharges, g.rul);
      censored.addAll(groupCensored);
      Map<String, double[]> eol = new HashMap<>();
      for (Row r : discharges.where(col("eol_discharge").isNotNull()).groupBy("cell_id")
          .agg(max("eol_discharge"), max("eol_threshold_ah")).collectAsList()) {
        eol.put(r.getString(0), new double[] {r.getInt(1), r.getDouble(2)});
      }
      Map<String, String> status = new HashMap<>();
      for (Row r : early.where(col("cell_id").isin(groupCells.toArray()).and(col("cycle_a").equalTo(g.a))
          .and(col("cycle_b").equalTo(g.b))).select("cell_id", "status").collectAsList()) {
        status.put(r.getString(0), r.getString(1));
      }
      Map<String, Integer> cycleOfB = new HashMap<>();
      for (Row r : summary.where(col("cycle_type").equalTo("discharge").and(col("cycle_number").equalTo(g.b))
          .and(col("cell_id").isin(groupCells.toArray()))).select("cell_id", "cycle_index").collectAsList()) {
        cycleOfB.put(r.getString(0), r.getInt(1));
      }
      TreeSet<String> censoredCells = new TreeSet<>(groupCensored.stream().map(Censored::cellId).toList());
      for (String cell : groupCells) {
        if (censoredCells.contains(cell)) continue;
        double[] life = eol.get(cell);
        String st = status.get(cell);
        String pair = "discharges " + g.a + "→" + g.b;
        if (life == null) {
          excluded.add(RowFactory.create(cell, null, null, "no labelled discharges (train.rul.min-capacity-ah)"));
        } else if (st == null || !st.equals("ok") || !cycleOfB.containsKey(cell)) {
          excluded.add(RowFactory.create(cell, null, null, "no early-life features of " + pair + " ("
              + (st == null ? "no features_early_life row: add [" + g.a + ", " + g.b + "] to features.early-life.pairs"
                  : st) + ")"));
        } else if (life[0] <= g.b) {
          excluded.add(RowFactory.create(cell, null, null, "end of life at discharge " + (int) life[0]
              + ", not after discharge " + g.b + " of the early-life features (train.cycle-life pair)"));
        } else {
          keep.add(RowFactory.create(cell, cycleOfB.get(cell), g.a, g.b, life[0], life[1]));
        }
      }
    }

    var spark = inputs.lake().spark();
    Dataset<Row> kept = spark.createDataFrame(keep, new StructType().add("cell_id", DataTypes.StringType)
        .add("cycle_index", DataTypes.IntegerType).add("cycle_a", DataTypes.IntegerType)
        .add("cycle_b", DataTypes.IntegerType).add("label", DataTypes.DoubleType)
        .add("eol_threshold_ah", DataTypes.DoubleType));
    List<org.apache.spark.sql.Column> earlyColumns = new ArrayList<>(List.of(col("cell_id")));
    EARLY_LIFE_COLUMNS.forEach(c -> earlyColumns.add(col(c)));
    Dataset<Row> earlyCols = early.select(earlyColumns.toArray(org.apache.spark.sql.Column[]::new));
    Dataset<Row> rows = summary.where(col("cycle_type").equalTo("discharge"))
        .withColumnRenamed("capacity_counter_ah", "capacity_ah")
        .join(kept, new String[] {"cell_id", "cycle_index"}, "inner")
        .join(earlyCols, new String[] {"cell_id", "cycle_a", "cycle_b"}, "inner");
    Dataset<Row> excludedRows = spark.createDataFrame(excluded, new StructType()
        .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
        .add("capacity_ah", DataTypes.DoubleType).add("reason", DataTypes.StringType));
    return new Labels(TrainJob.withPrecedingCharge(inputs, summary, rows, featureHash), excludedRows,
        List.copyOf(censored));
  }
}
