package io.cyclelake.predict.telemetry;

import io.cyclelake.features.telemetry.Resample1Hz;
import io.cyclelake.features.telemetry.TelemetryFeatures;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.telemetry.TelemetryReader;
import io.cyclelake.ingest.telemetry.TelemetrySample;
import io.cyclelake.ingest.telemetry.TelemetrySink;
import io.cyclelake.schema.Tables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores new logs with a trained {@link OverheatModel}: the files are read by the same telemetry reader as the ingest,
 * aggregated to 1 Hz by {@link Resample1Hz}, described by {@link TelemetryFeatures} (past seconds only), scored, and
 * turned into derating advice by {@link Derating}. Runs on the driver: a new log is hours of one inverter.
 */
public final class OverheatPredictor {
  private OverheatPredictor() {}

  /** One scored second. */
  public record Prediction(String device, long second, double hottestC, double probability, boolean warning,
      double deltaT30C, Derating.Advice advice) {}

  public record Result(List<Prediction> predictions, long linesRead, long accepted, List<QuarantineRecord> quarantined) {}

  public static Result score(TelemetryReader reader, Path input, OverheatModel.Loaded model, Derating derating,
      int maxGapS) throws IOException {
    List<TelemetrySample> samples = new ArrayList<>();
    List<QuarantineRecord> bad = new ArrayList<>();
    for (InputFile f : reader.plan(input)) {
      reader.parse(f, new TelemetrySink() {
        @Override
        public void sample(TelemetrySample s) {
          samples.add(s);
        }

        @Override
        public void quarantine(QuarantineRecord q) {
          bad.add(q);
        }
      });
    }
    Map<String, List<TelemetrySample>> byDevice = new TreeMap<>();
    for (TelemetrySample s : samples) byDevice.computeIfAbsent(s.deviceId(), k -> new ArrayList<>()).add(s);
    List<Prediction> out = new ArrayList<>();
    int nCh = Tables.TELEMETRY_CHANNELS.size();
    OverheatModel spec = model.spec();
    int p60 = Tables.TELEMETRY_FEATURES.indexOf("power_mean_60s_kw");
    for (Map.Entry<String, List<TelemetrySample>> e : byDevice.entrySet()) {
      List<TelemetrySample> d = e.getValue();
      d.sort(Comparator.comparingLong(TelemetrySample::epochMicros).thenComparing(TelemetrySample::sourceFile)
          .thenComparingLong(TelemetrySample::sourceLine));
      long[] t = new long[d.size()];
      double[][] v = new double[nCh][d.size()];
      for (int i = 0; i < t.length; i++) {
        t[i] = d.get(i).epochMicros();
        for (int c = 0; c < nCh; c++) v[c][i] = d.get(i).channels()[c];
      }
      Resample1Hz.Result hz = Resample1Hz.aggregate(t, v, maxGapS);
      TelemetryFeatures.Inputs in = TelemetryFeatures.inputs(hz.second(), hz.mean(), hz.max(),
          spec.temperatureChannels());
      int[] start = TelemetryFeatures.segmentStarts(hz.second());
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < hz.rows(); i++) if (hz.count()[i] > 0) rows.add(i);
      double[][] x = new double[rows.size()][TelemetryFeatures.NF];
      for (int k = 0; k < rows.size(); k++) TelemetryFeatures.features(in, rows.get(k), start[rows.get(k)], x[k]);
      double[] p = x.length == 0 ? new double[0] : model.probability(x);
      double[] dt = x.length == 0 ? new double[0] : model.deltaT(x);
      for (int k = 0; k < rows.size(); k++) {
        int i = rows.get(k);
        boolean warn = p[k] >= spec.alarmThreshold();
        Derating.Advice a = derating.advise(p[k], spec.alarmThreshold(), in.hottest()[i], dt[k], in.coolant()[i],
            in.ambient()[i], x[k][p60]);
        out.add(new Prediction(e.getKey(), hz.second()[i], in.hottest()[i], p[k], warn, dt[k], a));
      }
    }
    return new Result(out, samples.size() + bad.size(), samples.size(), bad);
  }
}
