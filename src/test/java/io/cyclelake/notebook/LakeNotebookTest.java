package io.cyclelake.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.SohLake;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebooks' facade on a handwritten lake (no Jupyter): cycles of two cells (one discharge without capacity) and
 * one run with test and train predictions. Figures draw exactly the lake's points; error tables equal hand-computed
 * values.
 */
class LakeNotebookTest {
  @TempDir static Path dir;
  static LakeNotebook nb;

  @BeforeAll
  static void lake() {
    Lake lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    List<Row> cycles = new ArrayList<>();
    Double[][] caps = {{2.0, 1.9, null, 1.7}, {1.8, 1.75, 1.7, 1.65}};
    for (int c = 0; c < 2; c++) {
      for (int k = 0; k < caps[c].length; k++) {
        String cell = c == 0 ? "A" : "B";
        cycles.add(RowFactory.create(cell, 2 * k, "charge", 24.0, null, null, null, null, null, 3600.0, 10L, 0L,
            "nasa", cell + "-c" + k, "m.csv"));
        cycles.add(RowFactory.create(cell, 2 * k + 1, "discharge", 24.0, null, caps[c][k], null, null, null, 3000.0,
            10L, 0L, "nasa", cell + "-d" + k, "m.csv"));
      }
    }
    lake.overwrite(TestSpark.get().createDataFrame(cycles, Tables.CYCLES_SCHEMA), Tables.CYCLES);
    Object[] run = SohLake.plainRun(Tables.RUNS_SCHEMA.size(), "run-1");
    lake.overwrite(TestSpark.get().createDataFrame(List.of(RowFactory.create(run)), Tables.RUNS_SCHEMA), Tables.RUNS);
    List<Row> p = List.of(
        RowFactory.create("run-1", "A", 1, "test", 1.0, 0.9, null, null),    // error -0.1
        RowFactory.create("run-1", "A", 3, "test", 0.9, 1.2, null, null),    // +0.3
        RowFactory.create("run-1", "B", 1, "test", 1.0, 1.0, null, null),    // 0
        RowFactory.create("run-1", "B", 3, "train", 0.5, 0.0, null, null));  // not a test prediction
    lake.overwrite(TestSpark.get().createDataFrame(p, Tables.PREDICTIONS_SCHEMA), Tables.PREDICTIONS);
    nb = LakeNotebook.of(lake, TestSpark.config()); // open() would apply reference.conf to the shared session
  }

  @Test
  void fadeDrawsEveryDischargeWithACapacity() {
    Figure all = nb.capacityFade();
    assertEquals(7, all.points(), "8 discharges, one without capacity");
    assertTrue(all.svg().contains(">A<") && all.svg().contains(">B<"), "a legend entry per cell");
    assertEquals(3, nb.capacityFade("A").points());
    assertEquals(List.of("A", "B"), nb.cells());
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> nb.capacityFade("Z"));
    assertEquals(ErrorCode.INPUT_MISSING, e.code());
    assertTrue(e.getMessage().contains("cells: [A, B]"), e.getMessage());
  }

  @Test
  void errorsOfARunAreItsTestPredictions() {
    Table t = nb.errorsByCell("run-1");
    assertEquals(List.of("cell_id", "n", "mae", "rmse", "bias", "max_abs_error"), t.columns());
    assertEquals(List.of("A", "B"), t.column("cell_id"));
    assertEquals(List.of(2L, 1L), t.column("n"));
    assertEquals(0.2, (Double) t.column("mae").get(0), 1e-12);
    assertEquals(Math.sqrt((0.01 + 0.09) / 2), (Double) t.column("rmse").get(0), 1e-12);
    assertEquals(0.1, (Double) t.column("bias").get(0), 1e-12);
    assertEquals(0.3, (Double) t.column("max_abs_error").get(0), 1e-12);
    assertEquals(0.0, (Double) t.column("mae").get(1), 1e-12);
    assertEquals(3, nb.predictedVsActual("run-1").points());
    assertEquals(3, nb.residuals("run-1").points());
    assertEquals(List.of("A", "A"), nb.worst("run-1", 2).column("cell_id"));
    assertEquals(List.of(3, 1), nb.worst("run-1", 2).column("cycle_index"), "largest |error| first");
    assertEquals("run-1", nb.defaultModel(), "no sweep: the latest run");
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> nb.errorsByCell("run-2"));
    assertEquals(ErrorCode.UNKNOWN_NAME, e.code());
  }

  @Test
  void sqlSeesTheTablesItNames() {
    Table t = nb.sql("select cell_id, count(capacity_ah) as n from cycles where cycle_type = 'discharge' "
        + "group by cell_id order by cell_id");
    assertEquals(List.of(3L, 4L), t.column("n"));
    assertEquals(List.of("cycles", "predictions", "runs"), nb.tables().column("table"));
    assertEquals(List.of(16L, 4L, 1L), nb.tables().column("rows"));
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> nb.latestSweeps(2));
    assertTrue(e.getMessage().contains("holds 0 sweeps"), e.getMessage());
  }
}
