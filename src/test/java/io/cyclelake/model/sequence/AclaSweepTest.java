package io.cyclelake.model.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigLoader;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * acla in a sequence sweep on a generated fleet (3 cells × 24 discharges fading linearly, 10-sample curves whose
 * duration and voltage follow the capacity): one Spark task per LOCO fold, the primary output (SOH) in
 * {@code predictions} and {@code fold_metrics}, the second output (SOH 3 labelled discharges later) in
 * {@code fold_metrics} rows of its own ({@code part = '<part>:label+3'}) over the discharges that have one.
 */
class AclaSweepTest {
  @TempDir static Path dir;

  @Test
  void aSweepTrainsAclaInSparkTasksAndWritesMetricsPerOutput() throws java.io.IOException {
    Path conf = Files.writeString(dir.resolve("acla.conf"), """
        cyclelake {
          sequence { channels = ["voltage_v", "time_s"], mode = "resample", max-length = 6 }
          sweep {
            name = "seq-acla", task = "soh", cells = [], split = "loco"
            models = [{ model = "acla", grid { conv-filters = [4], units = [6], heads = [1], head-size = [4],
              latent-dim = [3], augment-dim = [2], ode-hidden = [6], horizons = [[0, 3]], epochs = [2],
              patience = [0], learning-rate = [0.01] } }]
          }
          split.loco.validation-cells = 0
        }
        """);
    Config config = ConfigLoader.load(Path.of("does-not-exist"), List.of(conf), List.of("spark.master=\"local[2]\""));
    Lake lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    String hash = ConfigRender.hash(config, "cyclelake.features");
    List<Row> features = new ArrayList<>();
    List<Row> samples = new ArrayList<>();
    for (String cell : List.of("A1", "A2", "A3")) {
      double rate = 0.01 + 0.005 * (cell.charAt(1) - '1');
      for (int n = 1; n <= 24; n++) {
        double cap = 2.0 - rate * (n - 1);
        int cycle = 2 * n;
        features.add(RowFactory.create(cell, cycle, "discharge", cap, 24.0, hash));
        for (int s = 0; s < 10; s++) {
          double u = s / 9.0;
          samples.add(RowFactory.create(cell, cycle, "discharge", s, u * cap * 1800, 4.1 - u * u - 0.2 * (2 - cap),
              -2.0));
        }
      }
    }
    lake.overwrite(TestSpark.get().createDataFrame(features, SequenceSweepJobTest.SUMMARY), Tables.FEATURES_SUMMARY);
    lake.overwrite(TestSpark.get().createDataFrame(samples, SequenceSweepJobTest.SAMPLES), Tables.TIMESERIES);

    SequenceSweepJob.Result r = SequenceSweepJob.run(lake, config, Progress.quiet());
    assertEquals(3, r.tasks(), "one task per LOCO fold");
    assertEquals(0, r.failed(), r.errors().toString());
    String id = r.sweepId();
    List<Row> metrics = lake.read(Tables.FOLD_METRICS, "test").where("sweep_id = '" + id + "' and cell_id = '*'")
        .collectAsList();
    int primary = 0;
    int ahead = 0;
    for (Row m : metrics) {
      String part = m.getAs("part");
      long n = m.getAs("n");
      String run = m.getAs("run_id");
      assertEquals("acla", m.getAs("model"));
      if (part.equals("test")) {
        primary++;
        assertEquals(24, n, run);
        // the primary output's metrics are those of its predictions
        List<Row> p = lake.read(Tables.PREDICTIONS, "test").where("run_id = '" + run + "' and part = 'test'")
            .collectAsList();
        double[] a = p.stream().mapToDouble(x -> x.<Double>getAs("actual")).toArray();
        double[] q = p.stream().mapToDouble(x -> x.<Double>getAs("predicted")).toArray();
        assertEquals(io.cyclelake.eval.RegressionMetrics.of(a, q).mae(), m.<Double>getAs("mae"), 1e-9, run);
      } else if (part.equals("test:label+3")) {
        ahead++;
        assertEquals(21, n, run + ": the held-out cell's discharges with one 3 ahead");
        assertTrue(Double.isFinite(m.<Double>getAs("mae")), run);
        assertTrue(m.isNullAt(m.fieldIndex("coverage")), "no interval for a further output");
      } else if (part.equals("train:label+3")) {
        assertEquals(2 * 21, n, run);
      } else {
        assertEquals("train", part, "unexpected part " + part);
      }
    }
    assertEquals(3, primary);
    assertEquals(3, ahead);
    assertEquals(3, lake.read(Tables.RUNS, "test").where("sweep_id = '" + id + "' and part = 'test'").count(),
        "runs rows are the primary output's");
  }
}
