package io.cyclelake.features.telemetry;

import io.cyclelake.schema.Tables;

/**
 * Windowed features and look-ahead labels of one device's 1 Hz series. Plain Java over arrays, no Spark.
 *
 * <p>Rows are consecutive seconds; a jump of more than one second starts a new segment, and no window or label
 * crosses a segment boundary. Gap seconds (NaN inputs) are left out of window statistics. Features of second i are
 * computed from seconds i-w+1..i only ({@link #features} reads no index above i, so they cannot leak the future);
 * labels of second i from seconds i+1..i+H only.
 *
 * <p>Features ({@link Tables#TELEMETRY_FEATURES}): the hottest device temperature (maximum over the configured
 * temperature channels of their per-second maxima), the four temperatures, heat-sink-over-coolant and
 * coolant-over-ambient differences, DC power (kW), phase-current RMS; then per window w of
 * {@link Tables#TELEMETRY_WINDOWS_S}: mean, maximum and least-squares slope (degC/s) of the hottest temperature, slope
 * of the coolant temperature, mean of the squared phase-current RMS (A²), mean and maximum DC power; and the share of
 * seconds with a temperature in the longest window.
 */
public final class TelemetryFeatures {
  private TelemetryFeatures() {}

  public static final int NF = Tables.TELEMETRY_FEATURES.size();

  /**
   * Per-second inputs (NaN = missing).
   *
   * @param hottest hottest device temperature, degC
   * @param powerKw DC power, kW
   * @param currentRms phase-current RMS, A
   */
  public record Inputs(long[] second, double[] hottest, double[] heatsink, double[] igbt, double[] coolant,
      double[] ambient, double[] powerKw, double[] currentRms) {
    public int n() {
      return second.length;
    }
  }

  /**
   * @param overheat 1 = threshold exceeded within the horizon, 0 = not, NaN = unknown (horizon past the segment's
   *     end, or over missing seconds without an exceedance)
   * @param deltaT30 hottest temperature 30 s later minus now, NaN if unknown
   */
  public record Labels(double[] overheat, boolean[] overheatNow, double[] deltaT30) {}

  /**
   * Inputs from per-second channel statistics.
   *
   * @param mean [channel][row] in the order of {@link Tables#TELEMETRY_CHANNELS}
   * @param max [channel][row]
   * @param temperatureChannels channels whose per-second maxima make the hottest temperature
   */
  public static Inputs inputs(long[] second, double[][] mean, double[][] max, java.util.List<String> temperatureChannels) {
    int n = second.length;
    int[] tc = temperatureChannels.stream().mapToInt(c -> {
      int k = Tables.TELEMETRY_CHANNELS.indexOf(c);
      if (k < 0 || !c.endsWith("_c")) {
        throw new IllegalArgumentException(c + " is not a temperature channel of " + Tables.TELEMETRY_CHANNELS);
      }
      return k;
    }).toArray();
    double[] hottest = new double[n];
    double[] power = new double[n];
    double[] rms = new double[n];
    int v = Tables.TELEMETRY_CHANNELS.indexOf("dc_bus_voltage_v");
    int a = Tables.TELEMETRY_CHANNELS.indexOf("dc_bus_current_a");
    int pa = Tables.TELEMETRY_CHANNELS.indexOf("phase_a_current_a");
    for (int i = 0; i < n; i++) {
      double h = Double.NaN;
      for (int k : tc) if (!Double.isNaN(max[k][i]) && (Double.isNaN(h) || max[k][i] > h)) h = max[k][i];
      hottest[i] = h;
      power[i] = mean[v][i] * mean[a][i] / 1000;
      double s = 0;
      int m = 0;
      for (int k = pa; k < pa + 3; k++) {
        if (!Double.isNaN(mean[k][i])) {
          s += mean[k][i] * mean[k][i];
          m++;
        }
      }
      rms[i] = m == 0 ? Double.NaN : Math.sqrt(s / m);
    }
    return new Inputs(second, hottest, mean[0].clone(), mean[1].clone(), mean[2].clone(), mean[3].clone(), power, rms);
  }

  /** The first index of the segment of every row. */
  public static int[] segmentStarts(long[] second) {
    int[] start = new int[second.length];
    for (int i = 0; i < second.length; i++) {
      start[i] = i > 0 && second[i] - second[i - 1] == 1 ? start[i - 1] : i;
    }
    return start;
  }

  /**
   * Writes the features of row {@code i} into {@code out} (length {@link #NF}), reading rows segStart..i only.
   */
  public static void features(Inputs in, int i, int segStart, double[] out) {
    if (out.length != NF) throw new IllegalArgumentException("out has " + out.length + " slots, need " + NF);
    int k = 0;
    out[k++] = in.hottest()[i];
    out[k++] = in.heatsink()[i];
    out[k++] = in.igbt()[i];
    out[k++] = in.coolant()[i];
    out[k++] = in.ambient()[i];
    out[k++] = in.heatsink()[i] - in.coolant()[i];
    out[k++] = in.coolant()[i] - in.ambient()[i];
    out[k++] = in.powerKw()[i];
    out[k++] = in.currentRms()[i];
    int validLongest = 0;
    for (int w : Tables.TELEMETRY_WINDOWS_S) {
      int from = Math.max(segStart, i - w + 1);
      double tSum = 0;
      double tMax = Double.NEGATIVE_INFINITY;
      int tN = 0;
      double i2Sum = 0;
      int iN = 0;
      double pSum = 0;
      double pMax = Double.NEGATIVE_INFINITY;
      int pN = 0;
      for (int j = from; j <= i; j++) {
        double t = in.hottest()[j];
        if (!Double.isNaN(t)) {
          tSum += t;
          tN++;
          if (t > tMax) tMax = t;
        }
        double c = in.currentRms()[j];
        if (!Double.isNaN(c)) {
          i2Sum += c * c;
          iN++;
        }
        double p = in.powerKw()[j];
        if (!Double.isNaN(p)) {
          pSum += p;
          pN++;
          if (p > pMax) pMax = p;
        }
      }
      out[k++] = tN == 0 ? Double.NaN : tSum / tN;
      out[k++] = tN == 0 ? Double.NaN : tMax;
      out[k++] = slope(in.second(), in.hottest(), from, i);
      out[k++] = slope(in.second(), in.coolant(), from, i);
      out[k++] = iN == 0 ? Double.NaN : i2Sum / iN;
      out[k++] = pN == 0 ? Double.NaN : pSum / pN;
      out[k++] = pN == 0 ? Double.NaN : pMax;
      validLongest = tN;
    }
    out[k] = validLongest / (double) Tables.TELEMETRY_WINDOWS_S[Tables.TELEMETRY_WINDOWS_S.length - 1];
  }

  /** Least-squares slope of y against the second over rows from..to (NaN skipped); NaN with fewer than 2 points. */
  static double slope(long[] second, double[] y, int from, int to) {
    int n = 0;
    double sx = 0;
    double sy = 0;
    long x0 = second[to];
    for (int j = from; j <= to; j++) {
      if (Double.isNaN(y[j])) continue;
      double x = second[j] - x0;
      sx += x;
      sy += y[j];
      n++;
    }
    if (n < 2) return Double.NaN;
    double mx = sx / n;
    double my = sy / n;
    double sxy = 0;
    double sxx = 0;
    for (int j = from; j <= to; j++) {
      if (Double.isNaN(y[j])) continue;
      double dx = second[j] - x0 - mx;
      sxy += dx * (y[j] - my);
      sxx += dx * dx;
    }
    return sxx == 0 ? Double.NaN : sxy / sxx;
  }

  /** Labels of every row (allocates). */
  public static Labels labels(long[] second, double[] hottest, double thresholdC, int horizonS) {
    int n = second.length;
    int[] start = segmentStarts(second);
    double[] overheat = new double[n];
    boolean[] now = new boolean[n];
    double[] d30 = new double[n];
    for (int i = 0; i < n; i++) {
      now[i] = hottest[i] > thresholdC;
      boolean exceeds = false;
      boolean missing = false;
      int j = i + 1;
      for (; j <= i + horizonS; j++) {
        if (j >= n || start[j] != start[i]) {
          missing = true;
          break;
        }
        if (Double.isNaN(hottest[j])) missing = true;
        else if (hottest[j] > thresholdC) {
          exceeds = true;
          break;
        }
      }
      overheat[i] = exceeds ? 1 : missing ? Double.NaN : 0;
      int k = i + 30;
      d30[i] = k < n && start[k] == start[i] ? hottest[k] - hottest[i] : Double.NaN;
    }
    return new Labels(overheat, now, d30);
  }
}
