package io.cyclelake.ingest.arbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cyclelake.features.CycleSummary;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.SampleRecord;
import io.cyclelake.ingest.SourceReader;
import io.cyclelake.testkit.CollectingSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which rows start a discharge, on the two patterns of CALCE CS2 that made coulomb counting disagree with Arbin's
 * counter: rest rows whose current noise changes sign (±0.4 mA), and a single reading of the other sign late in a
 * CV charge step.
 */
class ArbinPhaseTest {
  @TempDir Path dir;

  private static final SourceReader CONFIGURED =
      new ArbinReader().configured(ConfigFactory.parseString("rest-current-a = 0.01"));

  /** Cycle 1: charge, two rest rows with noise of both signs, discharge. Cycle 2: a stray -0.66 A row in the CV step. */
  private IngestPlan plan() throws IOException {
    ChannelCsv c = new ChannelCsv(40570.5);
    c.step(1, 0, 1).step(2, 1, 10).step(3, -0.0003, 1).more(3, 0.0004, 1).step(4, -1, 10).step(5, 0, 1).nextCycle();
    c.step(1, 0, 1).step(2, 1, 5).more(2, 0.4, 3).more(2, -0.66, 1).step(3, 0, 1).step(4, -1, 8).step(5, 0, 1);
    Path cell = Files.createDirectories(dir.resolve("in/C1"));
    c.write(cell.resolve("s.channel.csv"));
    return new ArbinReader().plan(dir.resolve("in"), ConfigFactory.empty(), Set.of());
  }

  private static List<SampleRecord> discharge(CollectingSink s, int cycleIndex) {
    return s.samples.stream().filter(x -> x.cycleIndex() == cycleIndex).toList();
  }

  private static double coulombCountAh(List<SampleRecord> d) {
    int n = d.size();
    double[] t = new double[n], v = new double[n], i = new double[n], temp = new double[n];
    int[] step = new int[n];
    for (int k = 0; k < n; k++) {
      t[k] = d.get(k).timeS();
      v[k] = d.get(k).voltageV();
      i[k] = d.get(k).currentA();
      temp[k] = Double.NaN;
      step[k] = d.get(k).stepIndex();
    }
    return CycleSummary.of(t, v, i, temp, step, n).chargeAh();
  }

  private static double counterAh(IngestPlan p, int cycleIndex) {
    return p.operations().stream().filter(o -> o.cycleIndex() == cycleIndex).mapToDouble(Operation::capacityAh)
        .findFirst().orElseThrow();
  }

  @Test
  void restNoiseDoesNotStartTheDischarge() throws IOException {
    IngestPlan p = plan();
    CollectingSink s = CollectingSink.parseAll(CONFIGURED, p);
    List<SampleRecord> d = discharge(s, 1);
    assertEquals(-1.0, d.get(0).currentA(), "the discharge begins with its load step, not a rest row");
    assertEquals(36.0, d.get(0).timeS(), 1e-9, "the first row of the step is one logging interval into it");
    assertEquals(11, d.size(), "10 load rows and the rest row after them");
    double counter = counterAh(p, 1);
    double counted = coulombCountAh(d);
    assertEquals(0.1, counted, 1e-12);
    assertTrue(Math.abs(counted / counter - 1) < 1e-4, counted + " Ah counted, counter " + counter);

    // Without the rest band the -0.3 mA row starts the discharge and the +0.4 mA row goes back to the charge; the
    // discharge then holds the load current from the -0.3 mA row to the load step's first row (72 s) instead of over
    // that row's Step_Time (36 s): one logging interval too much.
    CollectingSink raw = CollectingSink.parseAll(new ArbinReader(), p);
    List<SampleRecord> r = discharge(raw, 1);
    assertEquals(-0.0003, r.get(0).currentA(), 1e-12);
    assertEquals(0.1 + 36 / 3600.0 + 36 * 0.0003 / 3600, coulombCountAh(r), 1e-12);
  }

  @Test
  void aStrayReadingInsideAStepStartsTheDischargeAtThatRow() throws IOException {
    IngestPlan p = plan();
    CollectingSink s = CollectingSink.parseAll(CONFIGURED, p);
    List<SampleRecord> d = discharge(s, 3);
    assertEquals(-0.66, d.get(0).currentA(), 1e-12);
    assertEquals(0.0, d.get(0).timeS(), 1e-9, "no lead-in: the step's earlier time was charging");
    double counted = coulombCountAh(d);
    assertEquals(0.08, counted, 1e-12, "8 rows at 1 A; the stray row's interval is not counted");
  }
}
