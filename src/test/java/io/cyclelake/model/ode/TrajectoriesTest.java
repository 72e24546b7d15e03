package io.cyclelake.model.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigLoader;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrajectoriesTest {
  @TempDir Path dir;

  @Test
  void rowsBecomeOrderedPerCellTrajectoriesAndBadTimesAreReportedNotDropped() {
    String[] cell = {"B", "A", "A", "A", "B", "A"};
    int[] cyc = {1, 5, 1, 3, 3, 7};
    double[] t = {1, 3, 1, 2, Double.NaN, 3};
    double[][] v = {{10}, {30}, {11}, {20}, {99}, {31}};
    Trajectories.Built b = Trajectories.build(cell, cyc, t, v, List.of("soh"));
    assertEquals(2, b.cells().size());
    CellTrajectory a = b.cells().get(0);
    assertEquals("A", a.cellId());
    assertArrayEquals(new double[] {1, 2, 3}, a.time());
    assertArrayEquals(new int[] {1, 3, 5}, a.cycleIndex());
    assertArrayEquals(new double[] {11, 20, 30}, a.channel(0));
    assertEquals(2, b.rejected().size(), "one repeated time (A cycle 7), one NaN time (B cycle 3)");
    assertEquals(7, b.rejected().get(0).cycleIndex());
    assertTrue(b.rejected().get(0).reason().contains("cycle_index 5"));
    assertEquals("B", b.rejected().get(1).cellId());
    assertEquals(6, b.cells().stream().mapToInt(CellTrajectory::length).sum() + b.rejected().size());
  }

  @Test
  void scalerUsesTrainingCellsOnlyAndBatchMasksPaddingAndMissingValues() {
    List<String> ch = List.of("soh", "v");
    CellTrajectory train1 = new CellTrajectory("T1", ch, new double[] {10, 20, 30}, new int[] {0, 1, 2},
        new double[][] {{1.0, 3.0}, {0.9, Double.NaN}, {0.8, 3.2}});
    CellTrajectory train2 = new CellTrajectory("T2", ch, new double[] {5, 45}, new int[] {0, 1},
        new double[][] {{1.0, 3.1}, {0.7, 3.3}});
    CellTrajectory test = new CellTrajectory("X", ch, new double[] {0, 100}, new int[] {0, 1},
        new double[][] {{1e6, -1e6}, {-1e6, 1e6}});
    Trajectories.Scaler s = Trajectories.Scaler.fit(List.of(train1, train2));
    Trajectories.Scaler same = Trajectories.Scaler.fit(List.of(train2, train1));
    assertEquals(s, same.timeScale() == s.timeScale() ? s : null);
    assertEquals(40, s.timeScale(), 0, "longest training span (T2: 45 - 5)");
    assertEquals((1.0 + 0.9 + 0.8 + 1.0 + 0.7) / 5, s.mean()[0], 1e-15);
    assertEquals((3.0 + 3.2 + 3.1 + 3.3) / 4, s.mean()[1], 1e-15, "NaN ignored");
    double m = s.mean()[1];
    double var = ((3.0 - m) * (3.0 - m) + (3.2 - m) * (3.2 - m) + (3.1 - m) * (3.1 - m) + (3.3 - m) * (3.3 - m)) / 3;
    assertEquals(Math.sqrt(var), s.scale()[1], 1e-15);
    // the test cell's wild values do not move the scaler: it is fitted without it
    CellTrajectory xs = s.transform(test);
    assertArrayEquals(new double[] {0, 2.5}, xs.time(), 1e-15);
    assertEquals(1e6, s.inverse(0, xs.values()[0][0]), 1e-6);

    Trajectories.Batch batch = Trajectories.Batch.of(List.of(s.transform(train1), s.transform(train2)), 4);
    assertEquals(4, batch.mask()[0].length);
    assertArrayEquals(new double[] {1, 0, 1, 0}, batch.mask()[0], "missing v at step 1, padding at step 3");
    assertArrayEquals(new double[] {1, 1, 0, 0}, batch.mask()[1]);
    assertEquals(0, batch.values()[0][1][1]);
    assertEquals(0, batch.observed()[0][1][1]);
    assertEquals(1, batch.observed()[0][0][1]);
    assertEquals(1.0, batch.time()[1][1], 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Trajectories.Batch.of(List.of(train1), 2));
    assertThrows(IllegalArgumentException.class, () -> new CellTrajectory("Z", ch, new double[] {1, 1},
        new int[] {0, 1}, new double[][] {{1, 1}, {1, 1}}));
  }

  @Test
  void sparkWiringBuildsOneTrajectoryPerCellFromFeaturesSummary() {
    Config config = ConfigLoader.load(Path.of("does-not-exist"), List.of(), List.of("spark.master=\"local[2]\""));
    Lake lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    String hash = ConfigRender.hash(config, "cyclelake.features");
    StructType schema = new StructType()
        .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
        .add("cycle_type", DataTypes.StringType).add("capacity_counter_ah", DataTypes.DoubleType)
        .add("cycle_number", DataTypes.IntegerType).add("voltage_mean_v", DataTypes.DoubleType)
        .add(Tables.FEATURE_HASH, DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      for (int k = 1; k <= 10; k++) {
        rows.add(RowFactory.create("C" + c, 2 * k, "charge", null, k, 3.9, hash));
        rows.add(RowFactory.create("C" + c, 2 * k + 1, "discharge", 2.0 - 0.01 * k * (c + 1), k,
            k == 4 ? null : 3.5, hash));
      }
    }
    lake.overwrite(TestSpark.get().createDataFrame(rows, schema), Tables.FEATURES_SUMMARY);
    Trajectories.Built b = TrajectoryJob.load(lake, config, List.of("C0", "C2"), "cycle_number",
        List.of(TrajectoryJob.SOH, "voltage_mean_v"));
    assertEquals(List.of("C0", "C2"), b.cells().stream().map(CellTrajectory::cellId).toList());
    assertTrue(b.rejected().isEmpty());
    CellTrajectory c2 = b.cells().get(1);
    assertEquals(10, c2.length());
    for (int k = 0; k < 10; k++) {
      assertEquals(k + 1, c2.time()[k]);
      assertEquals(2 * (k + 1) + 1, c2.cycleIndex()[k]);
      assertEquals((2.0 - 0.03 * (k + 1)) / (2.0 - 0.03), c2.values()[k][0], 1e-12, "SOH against the first discharge");
    }
    assertTrue(Double.isNaN(c2.values()[3][1]), "a missing feature stays NaN");
  }
}
