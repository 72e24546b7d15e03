package io.cyclelake.predict.telemetry;

import io.cyclelake.eval.WarningLeadTime;
import io.cyclelake.features.telemetry.TelemetryFeatures;
import io.cyclelake.ingest.telemetry.synthetic.InverterSimulator;
import io.cyclelake.schema.Tables;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates the derating advice in closed loop on the generator's scenarios: each scenario (load profile, ambient,
 * coolant faults, all from one seed) is simulated twice with {@link InverterSimulator}, once without advice and once
 * with the advised power limit (recomputed every decision interval) applied from the next second on, the lowest
 * limit of the last horizon seconds holding (so that it is not relaxed the moment it starts to work).
 * Both runs see the same demand and faults, so the differences are the advice's doing: overheating events (onsets of
 * the hottest temperature above the threshold, {@code separationS} apart), seconds above it, self-derating episodes
 * of the inverter's own protection, and the energy the limit curtailed.
 */
public final class DeratingEvaluation {
  private DeratingEvaluation() {}

  public record Scenario(long seed, double ambientMeanC, double duty, double faultsPerHour, double hours) {}

  public record Outcome(int eventsBaseline, int eventsAdvised, long secondsAboveBaseline, long secondsAboveAdvised,
      int selfDeratingBaseline, int selfDeratingAdvised, double energyBaselineKwh, double energyAdvisedKwh,
      long secondsLimited) {
    public Outcome plus(Outcome o) {
      return new Outcome(eventsBaseline + o.eventsBaseline, eventsAdvised + o.eventsAdvised,
          secondsAboveBaseline + o.secondsAboveBaseline, secondsAboveAdvised + o.secondsAboveAdvised,
          selfDeratingBaseline + o.selfDeratingBaseline, selfDeratingAdvised + o.selfDeratingAdvised,
          energyBaselineKwh + o.energyBaselineKwh, energyAdvisedKwh + o.energyAdvisedKwh,
          secondsLimited + o.secondsLimited);
    }

    public double curtailedKwh() {
      return energyBaselineKwh - energyAdvisedKwh;
    }

    public double curtailedPct() {
      return 100 * curtailedKwh() / energyBaselineKwh;
    }
  }

  /**
   * @param decisionIntervalS the advice is recomputed every this many seconds (a controller's cycle), and holds between
   */
  public static Outcome run(Scenario sc, OverheatModel.Loaded model, Derating derating, int separationS,
      int decisionIntervalS) {
    Run base = simulate(sc, null, derating, separationS, decisionIntervalS);
    Run adv = simulate(sc, model, derating, separationS, decisionIntervalS);
    return new Outcome(base.events, adv.events, base.above, adv.above, base.selfDerating, adv.selfDerating,
        base.energyKwh, adv.energyKwh, adv.limited);
  }

  private record Run(int events, long above, int selfDerating, double energyKwh, long limited) {}

  private static Run simulate(Scenario sc, OverheatModel.Loaded model, Derating derating, int separationS,
      int decisionIntervalS) {
    InverterSimulator sim = new InverterSimulator(sc.seed(), sc.ambientMeanC(), sc.duty(), sc.faultsPerHour());
    int n = (int) Math.round(sc.hours() * 3600);
    int nCh = Tables.TELEMETRY_CHANNELS.size();
    long[] second = new long[n];
    TelemetryFeatures.Inputs in = new TelemetryFeatures.Inputs(second, new double[n], new double[n], new double[n],
        new double[n], new double[n], new double[n], new double[n]);
    List<String> tc = model != null ? model.spec().temperatureChannels() : List.of("igbt_temp_c", "heatsink_temp_c");
    double threshold = derating.thresholdC();
    int hold = model != null ? model.spec().horizonS() : 30;
    int[] advised = new int[n];
    double[] f = new double[TelemetryFeatures.NF];
    int p60 = Tables.TELEMETRY_FEATURES.indexOf("power_mean_60s_kw");
    boolean[] exceed = new boolean[n];
    long above = 0;
    int selfDerating = 0;
    boolean wasSelf = false;
    double energy = 0;
    long limited = 0;
    for (int i = 0; i < n; i++) {
      second[i] = i;
      int limitPct = 100;
      for (int k = Math.max(0, i - hold); k < i; k++) limitPct = Math.min(limitPct, advised[k]);
      if (model == null) limitPct = 100;
      if (limitPct < 100) limited++;
      double[] acc = new double[nCh];
      double[] mx = new double[nCh];
      java.util.Arrays.fill(mx, Double.NEGATIVE_INFINITY);
      for (int sub = 0; sub < 2; sub++) {
        InverterSimulator.State s = sim.step(0.5, limitPct / 100.0);
        double[] ch = {s.heatsinkC(), s.junctionC(), s.coolantC(), s.ambientC(), s.dcVoltageV(), s.dcCurrentA(),
            s.phaseA(), s.phaseB(), s.phaseC(), s.torqueNm(), s.speedRpm()};
        for (int c = 0; c < nCh; c++) {
          acc[c] += ch[c] / 2;
          mx[c] = Math.max(mx[c], ch[c]);
        }
        energy += Math.abs(s.powerW()) * 0.5 / 3.6e6;
        if (s.selfDerated() && !wasSelf) selfDerating++;
        wasSelf = s.selfDerated();
      }
      double[][] m1 = new double[nCh][1];
      double[][] x1 = new double[nCh][1];
      for (int c = 0; c < nCh; c++) {
        m1[c][0] = acc[c];
        x1[c][0] = mx[c];
      }
      TelemetryFeatures.Inputs one = TelemetryFeatures.inputs(new long[] {i}, m1, x1, tc);
      in.hottest()[i] = one.hottest()[0];
      in.heatsink()[i] = one.heatsink()[0];
      in.igbt()[i] = one.igbt()[0];
      in.coolant()[i] = one.coolant()[0];
      in.ambient()[i] = one.ambient()[0];
      in.powerKw()[i] = one.powerKw()[0];
      in.currentRms()[i] = one.currentRms()[0];
      exceed[i] = in.hottest()[i] > threshold;
      if (exceed[i]) above++;
      advised[i] = i > 0 ? advised[i - 1] : 100;
      if (model != null && i % decisionIntervalS == 0) {
        TelemetryFeatures.features(in, i, 0, f);
        double[][] x = {f.clone()};
        double p = model.probability(x)[0];
        double dt = model.deltaT(x)[0];
        advised[i] = derating.advise(p, model.spec().alarmThreshold(), in.hottest()[i], dt, in.coolant()[i],
            in.ambient()[i], f[p60]).limitPct();
      }
    }
    int events = WarningLeadTime.evaluate(second, exceed, new boolean[n], separationS, 1).events();
    return new Run(events, above, selfDerating, energy, limited);
  }

  /** The scenarios of a generator setting: one per device, seeds offset so they differ from the training logs. */
  public static List<Scenario> scenarios(int devices, double hours, double faultsPerHour, long seed) {
    List<Scenario> out = new ArrayList<>();
    for (int d = 0; d < devices; d++) {
      out.add(new Scenario(seed * 7919 + 100_000 + d, 24 + 6 * (d % 3), 1.0 + 0.15 * (d % 2), faultsPerHour, hours));
    }
    return out;
  }
}
