package io.cyclelake.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RUL labels on a handwritten features_summary (a charge before every discharge, cycle_index 2k and 2k + 1), with
 * labels, exclusions and history features computed by hand.
 */
class RulLabelsTest {
  @TempDir static Path dir;
  static Lake lake;

  /** A crosses 1.4 Ah at its 5th labelled discharge, recovers once, then stays below; an aborted 0.05 Ah between. */
  static final double[] A = {1.60, 1.55, 0.05, 1.50, 1.45, 1.39, 1.41, 1.38, 1.36, 1.35};
  /** B never goes below 1.4 Ah: censored. */
  static final double[] B = {1.50, 1.48, 1.47, 1.46};
  /** C: initial median of the first 3 = 1.05, 0.8 x 1.05 = 0.84 first crossed at its 7th discharge (0.83). */
  static final double[] C = {1.00, 1.10, 1.05, 0.95, 0.90, 0.85, 0.83, 0.80};
  /** D crosses 1.4 Ah at its 4th discharge (1.38); its 5th is after end of life. */
  static final double[] D = {1.50, 1.45, 1.42, 1.38, 1.30};

  @BeforeAll
  static void lake() {
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    Map<String, double[]> cells = new LinkedHashMap<>();
    cells.put("A", A);
    cells.put("B", B);
    cells.put("C", C);
    cells.put("D", D);
    write(lake, cells, "h");
  }

  /** Per cell: charge 2k (its voltage_mean_v = 4.0 + k/100), discharge 2k + 1 with capacity caps[k]. */
  static void write(Lake lake, Map<String, double[]> cells, String hash) {
    StructType schema = new StructType()
        .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
        .add("cycle_type", DataTypes.StringType).add("capacity_counter_ah", DataTypes.DoubleType)
        .add("voltage_mean_v", DataTypes.DoubleType).add("ambient_temperature_c", DataTypes.DoubleType)
        .add(Tables.FEATURE_HASH, DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    cells.forEach((cell, caps) -> {
      for (int k = 0; k < caps.length; k++) {
        rows.add(RowFactory.create(cell, 2 * k, "charge", null, 4.0 + k / 100.0, 24.0, hash));
        rows.add(RowFactory.create(cell, 2 * k + 1, "discharge", caps[k], 3.5, 24.0, hash));
      }
    });
    lake.overwrite(TestSpark.get().createDataFrame(rows, schema), Tables.FEATURES_SUMMARY);
  }

  static Config config(String... rul) {
    String[] sets = new String[rul.length];
    for (int i = 0; i < rul.length; i++) sets[i] = "train.rul." + rul[i];
    return TestSpark.config(sets);
  }

  static LabelTask.Labels labels(Lake lake, List<String> cells, String... rul) {
    return LabelTask.registry().get("rul").labels(lake, config(rul), cells, "h");
  }

  /** cycle_index → row, of one cell. */
  static Map<Integer, Row> byCycle(LabelTask.Labels l, String cell) {
    Map<Integer, Row> out = new java.util.TreeMap<>();
    for (Row r : l.rows().where("cell_id = '" + cell + "'").collectAsList()) out.put(r.getAs("cycle_index"), r);
    return out;
  }

  static List<Integer> cyclesOf(double[] caps, int... positions) {
    List<Integer> out = new ArrayList<>();
    for (int p : positions) out.add(2 * p + 1);
    return out;
  }

  @Test
  void firstCrossingLabelsExcludesAfterEndOfLifeAndReportsTheAbortedDischarge() {
    LabelTask.Labels l = labels(lake, List.of("A"), "eol-consecutive = 1", "after-eol = exclude");
    Map<Integer, Row> a = byCycle(l, "A");
    // labelled discharges (position in A → discharge number): 0→1, 1→2, 3→3, 4→4, 5→5 (1.39 < 1.4: n_EOL = 5)
    assertEquals(cyclesOf(A, 0, 1, 3, 4, 5), new ArrayList<>(a.keySet()));
    double[] expected = {4, 3, 2, 1, 0};
    int i = 0;
    for (Row r : a.values()) {
      assertEquals(expected[i], r.<Double>getAs("label"), 0.0, "cycle " + r.getAs("cycle_index"));
      assertEquals(i + 1, r.<Integer>getAs("discharge_number"));
      i++;
    }
    Map<Integer, String> excluded = new java.util.TreeMap<>();
    for (Row r : l.excluded().collectAsList()) excluded.put(r.getAs("cycle_index"), r.getAs("reason"));
    assertEquals(List.of(5, 13, 15, 17, 19), new ArrayList<>(excluded.keySet()), excluded.toString());
    assertEquals("capacity below train.rul.min-capacity-ah = 0.1 Ah", excluded.get(5));
    for (int c : List.of(13, 15, 17, 19)) {
      assertTrue(excluded.get(c).startsWith("after end of life at discharge 5"), excluded.get(c));
    }
    assertEquals(List.of(), l.censored());
    // the charge before each discharge is attached (charge 2k carries 4.0 + k/100)
    assertEquals(4.03, a.get(7).<Double>getAs("charge_voltage_mean_v"), 1e-12);
  }

  @Test
  void persistentCrossingIgnoresTheDipThatRecovers() {
    // m = 2: 1.39 (n 5) is followed by 1.41, so the first run of two below starts at 1.38 (n 7)
    LabelTask.Labels l = labels(lake, List.of("A"), "eol-consecutive = 2", "after-eol = exclude");
    Map<Integer, Row> a = byCycle(l, "A");
    assertEquals(cyclesOf(A, 0, 1, 3, 4, 5, 6, 7), new ArrayList<>(a.keySet()));
    double[] expected = {6, 5, 4, 3, 2, 1, 0};
    int i = 0;
    for (Row r : a.values()) assertEquals(expected[i++], r.<Double>getAs("label"), 0.0);
    assertEquals(1 + 2, l.excluded().count(), "the aborted discharge and discharges 8 and 9");
    // m = 3 needs 1.38 1.36 1.35: EOL at n 7 too; m = 4 has no run of four: A is censored
    assertEquals(0.0, byCycle(labels(lake, List.of("A"), "eol-consecutive = 3"), "A").get(15)
        .<Double>getAs("label"), 0.0);
    LabelTask.Labels four = labels(lake, List.of("A"), "eol-consecutive = 4");
    assertEquals(0, four.rows().count());
    assertEquals("A", four.censored().get(0).cellId());
    assertEquals("never 4 discharges in a row below 1.4 Ah", four.censored().get(0).reason());
  }

  @Test
  void afterEolZeroKeepsTheRowsWithLabelZero() {
    LabelTask.Labels l = labels(lake, List.of("A"), "eol-consecutive = 1", "after-eol = zero");
    Map<Integer, Row> a = byCycle(l, "A");
    assertEquals(9, a.size());
    double[] expected = {4, 3, 2, 1, 0, 0, 0, 0, 0};
    int i = 0;
    for (Row r : a.values()) assertEquals(expected[i++], r.<Double>getAs("label"), 0.0);
    assertEquals(1, l.excluded().count(), "only the aborted discharge");
  }

  @Test
  void censoredCellIsReportedWithItsLastCapacityAndLeftOut() {
    LabelTask.Labels l = labels(lake, List.of("A", "B"), "eol-consecutive = 1");
    assertEquals(0, l.rows().where("cell_id = 'B'").count());
    assertEquals(1, l.censored().size());
    LabelTask.Censored b = l.censored().get(0);
    assertEquals("B", b.cellId());
    assertEquals(4, b.discharges());
    assertEquals(1.46, b.lastCapacityAh(), 0.0);
    assertEquals(1.46, b.minCapacityAh(), 0.0);
    assertEquals(1.4, b.thresholdAh(), 0.0);
    assertEquals("never below 1.4 Ah", b.reason());
    LabelReport report = LabelReport.of("rul", l);
    List<String> lines = report.lines();
    assertEquals("rul: 1 cell censored (never below 1.4 Ah), all their discharges left out: B (last 1.4600 Ah at "
        + "discharge 4, lowest 1.4600 Ah, threshold 1.4000 Ah)", lines.get(0));
    assertTrue(lines.contains("rul: 4 discharges left out: after end of life at discharge 5 "
        + "(train.rul.after-eol = exclude) [A: 4]"), lines.toString());
    assertTrue(lines.contains("rul: 1 discharge left out: capacity below train.rul.min-capacity-ah = 0.1 Ah [A: 1]"),
        lines.toString());
    List<Row> table = report.tableRows("sweep-1", new java.sql.Timestamp(0));
    Row last = table.get(table.size() - 1);
    assertEquals("B", last.getString(3));
    assertNull(last.get(4), "a censored cell is one row with cycle_index null");
    assertTrue(last.getString(6).startsWith("censored: never below 1.4 Ah; 4 discharges"), last.getString(6));
    assertEquals(5 + 1, table.size());
  }

  @Test
  void fractionOfInitialUsesTheMedianOfTheFirstDischarges() {
    LabelTask.Labels l = labels(lake, List.of("A", "B", "C"), "eol = fraction-of-initial", "eol-fraction = 0.8",
        "initial-cycles = 3", "eol-consecutive = 1");
    Map<Integer, Row> c = byCycle(l, "C");
    assertEquals(7, c.size(), "0.83 < 0.8 x 1.05 at discharge 7; discharge 8 is after end of life");
    double[] expected = {6, 5, 4, 3, 2, 1, 0};
    int i = 0;
    for (Row r : c.values()) assertEquals(expected[i++], r.<Double>getAs("label"), 0.0);
    // A: 0.8 x median(1.60, 1.55, 1.50) = 1.24 and B: 0.8 x 1.48 = 1.184 are never reached
    assertEquals(List.of("A", "B"), l.censored().stream().map(LabelTask.Censored::cellId).toList());
    assertEquals(0.8 * 1.55, l.censored().get(0).thresholdAh(), 1e-12);
    assertEquals("never below 1.24 Ah (0.8 x initial)", l.censored().get(0).reason());
  }

  @Test
  void historyFeaturesByHand() {
    LabelTask.Labels l = labels(lake, List.of("A"), "initial-cycles = 3", "history-window = 3",
        "eol-consecutive = 1");
    List<Row> a = new ArrayList<>(byCycle(l, "A").values());
    double[] initial = {1.60, 1.55, 1.55, 1.55, 1.55}; // median so far of {1.60}, {1.60, 1.55} (lower), then 3
    double[] cap = {1.60, 1.55, 1.50, 1.45, 1.39};
    Double[] slope = {null, -0.05, -0.05, -0.05, -0.055}; // last 3: (3, 1.50) (4, 1.45) (5, 1.39) → −0.11 / 2
    double[] mean = {1.60, (1.60 + 1.55) / 2, (1.60 + 1.55 + 1.50) / 3, (1.55 + 1.50 + 1.45) / 3,
        (1.50 + 1.45 + 1.39) / 3};
    for (int i = 0; i < a.size(); i++) {
      Row r = a.get(i);
      assertEquals(cap[i], r.<Double>getAs("capacity_ah"), 0.0);
      assertEquals(initial[i], r.<Double>getAs("initial_capacity_so_far_ah"), 0.0, "discharge " + (i + 1));
      assertEquals(cap[i] / initial[i], r.<Double>getAs("soh_so_far"), 1e-12);
      assertEquals(initial[i] - cap[i], r.<Double>getAs("capacity_drop_ah"), 1e-12);
      if (slope[i] == null) {
        assertNull(r.getAs("capacity_slope_ah_per_cycle"));
      } else {
        assertEquals(slope[i], r.<Double>getAs("capacity_slope_ah_per_cycle"), 1e-9, "discharge " + (i + 1));
      }
      assertEquals(mean[i], r.<Double>getAs("capacity_mean_ah"), 1e-12);
    }
  }

  @Test
  void historyFeaturesDoNotLookAhead() {
    // The same first three labelled discharges; every later one changed (lower, so end of life moves from 5 to 4,
    // and two more appended). initial-cycles 5 > 3: the median "so far" must not peek at discharges 4 and 5.
    double[] changed = {1.60, 1.55, 0.05, 1.50, 0.90, 0.80, 0.70, 0.60, 0.50, 0.40, 0.30, 0.20};
    Lake other = new Lake(TestSpark.get(), dir.resolve("lake-changed").toString());
    write(other, Map.of("A", changed), "h");
    String[] s = {"initial-cycles = 5", "history-window = 4", "after-eol = zero", "eol-consecutive = 1"};
    Map<Integer, Row> before = byCycle(labels(lake, List.of("A"), s), "A");
    Map<Integer, Row> after = byCycle(labels(other, List.of("A"), s), "A");
    assertEquals(11, after.size());
    assertEquals(1.0, after.get(7).<Double>getAs("label"), 0.0, "the label does see the future: EOL at 4 now");
    assertEquals(2.0, before.get(7).<Double>getAs("label"), 0.0);
    List<String> history = new ArrayList<>(RulTask.HISTORY_COLUMNS);
    history.addAll(List.of("capacity_ah", "charge_voltage_mean_v"));
    for (int cycle : List.of(1, 3, 7)) {
      for (String col : history) {
        Object x = before.get(cycle).getAs(col);
        Object y = after.get(cycle).getAs(col);
        assertEquals(x, y, col + " of cycle " + cycle + " changed when later discharges changed");
      }
    }
    // and the later rows did change (the test can see a difference where there is one)
    assertTrue(!before.get(9).getAs("capacity_mean_ah").equals(after.get(9).getAs("capacity_mean_ah")));
  }

  @Test
  void aRulSweepRecordsTheTaskAndTheCensoredCell() {
    Config c = TestSpark.config("sweep.task = rul", "sweep.name = rul-test", "sweep.cells = [A, B, D]",
        "sweep.features = [capacity_ah, soh_so_far, discharge_number]", "sweep.save-models = false",
        "sweep.models = [{ model = dummy }, { model = ridge }]", "train.rul.eol-consecutive = 1");
    Lake l = new Lake(TestSpark.get(), dir.resolve("lake-sweep").toString());
    write(l, Map.of("A", A, "B", B, "D", D), io.cyclelake.config.ConfigRender.hash(c, "cyclelake.features"));
    io.cyclelake.sweep.SweepJob.Result r = io.cyclelake.sweep.SweepJob.run(l, c, io.cyclelake.jobs.Progress.quiet());
    assertEquals("rul", r.task());
    assertEquals(List.of("B"), r.labels().censoredCells(), "B is censored, not an error of sweep.cells");
    assertEquals(2 * 2, r.tasks(), "2 models x LOCO over A and D");
    String sweep = "sweep_id = '" + r.sweepId() + "'";
    assertEquals(List.of("rul"), l.read(Tables.RUNS, "sweep").where(sweep).select("task").distinct()
        .collectAsList().stream().map(x -> x.getString(0)).toList());
    List<Row> ex = l.read(Tables.LABEL_EXCLUSIONS, "sweep").where("run_id = '" + r.sweepId() + "'")
        .orderBy("cell_id", "cycle_index").collectAsList();
    // A: the aborted discharge and 4 after end of life; B: censored (one row); D: 1 after end of life
    assertEquals(7, ex.size());
    Row b = ex.stream().filter(x -> x.getString(3).equals("B")).findFirst().orElseThrow();
    assertNull(b.get(4));
    assertTrue(b.getString(6).startsWith("censored: never below 1.4 Ah"), b.getString(6));
    // dummy, fold test=A: the mean of D's labels 3 2 1 0 = 1.5 for every row of A
    List<Row> dummyA = l.read(Tables.PREDICTIONS, "sweep").where("run_id = '" + r.sweepId() + "-s0-f0' and part = "
        + "'test'").collectAsList();
    assertEquals(5, dummyA.size());
    for (Row p : dummyA) {
      assertEquals("A", p.getString(1));
      assertEquals(1.5, p.<Double>getAs("predicted"), 0.0);
    }
  }

  @Test
  void theDefaultNeedsThreeDischargesInARowBelow() {
    // default eol-consecutive = 3: A's run 1.38 1.36 1.35 starts at discharge 7; D has only two below (censored)
    LabelTask.Labels l = labels(lake, List.of("A", "D"));
    assertEquals(0.0, byCycle(l, "A").get(15).<Double>getAs("label"), 0.0);
    assertEquals(7, byCycle(l, "A").size());
    assertEquals("never 3 discharges in a row below 1.4 Ah", l.censored().get(0).reason());
    assertEquals("D", l.censored().get(0).cellId());
  }

  @Test
  void badSettingsAreConfigErrors() {
    var e = assertThrows(CycleLakeException.class, () -> labels(lake, List.of("A"), "eol = relative"));
    assertTrue(e.getMessage().contains("train.rul.eol must be 'absolute' or 'fraction-of-initial'"), e.getMessage());
    e = assertThrows(CycleLakeException.class, () -> labels(lake, List.of("A"), "eol-consecutive = 0"));
    assertTrue(e.getMessage().contains("eol-consecutive must be at least 1"), e.getMessage());
  }

  @Test
  void descriptionsNameTheSettings() {
    String rul = LabelTask.registry().get("rul").description(config("eol-consecutive = 3"));
    assertTrue(rul.contains("the first of 3 consecutive labelled discharges below 1.4 Ah"), rul);
    String soh = LabelTask.registry().get("soh").description(config());
    assertTrue(soh.contains("(train.soh.reference = initial)"), soh);
    assertEquals(java.util.Set.of("soh", "rul", "cycle-life"), LabelTask.registry().names());
  }
}
