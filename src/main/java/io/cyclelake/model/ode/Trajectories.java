package io.cyclelake.model.ode;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Plain-Java building, scaling and padding of per-cell trajectories (no Spark): rows of (cell, cycle, time, values)
 * become one {@link CellTrajectory} per cell ordered by time; a {@link Scaler} is fitted on the training cells only;
 * {@link Batch} pads them to one length with a DL4J-style mask.
 */
public final class Trajectories {
  private Trajectories() {}

  /** A row that could not be placed on a trajectory, with the reason (reported, never dropped silently). */
  public record Rejected(String cellId, int cycleIndex, double time, String reason) implements Serializable {}

  /** Trajectories plus the rejected rows. */
  public record Built(List<CellTrajectory> cells, List<Rejected> rejected) implements Serializable {}

  /**
   * Groups rows by cell (cells sorted by id) and orders each cell's rows by time, then cycle index. A row whose time
   * is NaN or infinite, or whose time equals the previous kept row's time (a repeated time cannot be on a trajectory
   * over time), is returned in {@link Built#rejected()} with the reason.
   *
   * @param values rows × channels, NaN = missing (kept)
   */
  public static Built build(String[] cell, int[] cycleIndex, double[] time, double[][] values, List<String> channels) {
    int n = cell.length;
    if (cycleIndex.length != n || time.length != n || values.length != n) {
      throw new IllegalArgumentException("rows: " + n + " cells, " + cycleIndex.length + " cycle indices, "
          + time.length + " times, " + values.length + " value rows");
    }
    Map<String, List<Integer>> byCell = new TreeMap<>();
    for (int i = 0; i < n; i++) byCell.computeIfAbsent(cell[i], c -> new ArrayList<>()).add(i);
    List<CellTrajectory> out = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    for (var e : byCell.entrySet()) {
      List<Integer> rows = new ArrayList<>(e.getValue());
      rows.sort(Comparator.<Integer>comparingDouble(i -> time[i]).thenComparingInt(i -> cycleIndex[i]));
      List<Integer> kept = new ArrayList<>();
      for (int i : rows) {
        if (!Double.isFinite(time[i])) {
          rejected.add(new Rejected(cell[i], cycleIndex[i], time[i], "time is " + time[i]));
        } else if (!kept.isEmpty() && time[kept.get(kept.size() - 1)] == time[i]) {
          rejected.add(new Rejected(cell[i], cycleIndex[i], time[i], "same time as cycle_index "
              + cycleIndex[kept.get(kept.size() - 1)]));
        } else {
          kept.add(i);
        }
      }
      double[] t = new double[kept.size()];
      int[] c = new int[kept.size()];
      double[][] v = new double[kept.size()][];
      for (int k = 0; k < t.length; k++) {
        int i = kept.get(k);
        t[k] = time[i];
        c[k] = cycleIndex[i];
        v[k] = values[i].clone();
      }
      if (t.length > 0) out.add(new CellTrajectory(e.getKey(), List.copyOf(channels), t, c, v));
    }
    return new Built(out, rejected);
  }

  /**
   * Scaling fitted on training trajectories only. Times become {@code (t − t0) / timeScale}, where {@code t0} is the
   * cell's own first time (each trajectory starts at 0) and {@code timeScale} the longest training span; channels
   * are standardised with the training mean and sample standard deviation over all training points (NaN ignored; a
   * constant channel keeps scale 1).
   */
  public record Scaler(double timeScale, double[] mean, double[] scale) implements Serializable {
    public static Scaler fit(List<CellTrajectory> training) {
      if (training.isEmpty()) throw new IllegalArgumentException("no training trajectories to fit a scaler on");
      int nc = training.get(0).channels().size();
      double span = 0;
      double[] sum = new double[nc];
      long[] cnt = new long[nc];
      for (CellTrajectory tr : training) {
        if (tr.channels().size() != nc) {
          throw new IllegalArgumentException(tr.cellId() + " has channels " + tr.channels() + ", expected " + nc);
        }
        if (tr.length() > 0) span = Math.max(span, tr.time()[tr.length() - 1] - tr.time()[0]);
        for (double[] row : tr.values()) {
          for (int c = 0; c < nc; c++) {
            if (!Double.isNaN(row[c])) {
              sum[c] += row[c];
              cnt[c]++;
            }
          }
        }
      }
      double[] mean = new double[nc];
      double[] scale = new double[nc];
      for (int c = 0; c < nc; c++) mean[c] = cnt[c] == 0 ? 0 : sum[c] / cnt[c];
      double[] ss = new double[nc];
      for (CellTrajectory tr : training) {
        for (double[] row : tr.values()) {
          for (int c = 0; c < nc; c++) if (!Double.isNaN(row[c])) ss[c] += (row[c] - mean[c]) * (row[c] - mean[c]);
        }
      }
      for (int c = 0; c < nc; c++) {
        double sd = cnt[c] < 2 ? 0 : Math.sqrt(ss[c] / (cnt[c] - 1));
        scale[c] = sd > 1e-12 * Math.max(1, Math.abs(mean[c])) ? sd : 1;
      }
      return new Scaler(span > 0 ? span : 1, mean, scale);
    }

    /** A new, scaled trajectory (NaN stays NaN). */
    public CellTrajectory transform(CellTrajectory tr) {
      double t0 = tr.length() == 0 ? 0 : tr.time()[0];
      double[] t = new double[tr.length()];
      double[][] v = new double[tr.length()][mean.length];
      for (int k = 0; k < t.length; k++) {
        t[k] = (tr.time()[k] - t0) / timeScale;
        for (int c = 0; c < mean.length; c++) v[k][c] = (tr.values()[k][c] - mean[c]) / scale[c];
      }
      return new CellTrajectory(tr.cellId(), tr.channels(), t, tr.cycleIndex().clone(), v);
    }

    /** A scaled value of channel {@code c} back in its units. */
    public double inverse(int c, double scaled) {
      return scaled * scale[c] + mean[c];
    }
  }

  /**
   * Trajectories padded to one length in DL4J's recurrent layout: {@code values[b][c][k]} (batch, channel, step),
   * {@code time[b][k]}, {@code mask[b][k]} 1 where step k of trajectory b exists and its value is present in every
   * channel, else 0 (padded steps hold 0; a missing value holds 0 in {@code values} and 0 in {@code observed}).
   */
  public record Batch(String[] cells, double[][] time, double[][][] values, double[][] mask, double[][][] observed)
      implements Serializable {
    /**
     * @param maxLength longest trajectory kept; a longer one is an error (no silent truncation), 0 = the longest given
     */
    public static Batch of(List<CellTrajectory> trajectories, int maxLength) {
      int longest = trajectories.stream().mapToInt(CellTrajectory::length).max().orElse(0);
      int len = maxLength > 0 ? maxLength : longest;
      if (longest > len) {
        CellTrajectory t = trajectories.stream().filter(x -> x.length() == longest).findFirst().orElseThrow();
        throw new IllegalArgumentException(t.cellId() + " has " + longest + " points, more than the maximum length "
            + len);
      }
      int b = trajectories.size();
      int nc = b == 0 ? 0 : trajectories.get(0).channels().size();
      String[] cells = new String[b];
      double[][] time = new double[b][len];
      double[][][] values = new double[b][nc][len];
      double[][][] observed = new double[b][nc][len];
      double[][] mask = new double[b][len];
      for (int i = 0; i < b; i++) {
        CellTrajectory tr = trajectories.get(i);
        cells[i] = tr.cellId();
        for (int k = 0; k < tr.length(); k++) {
          time[i][k] = tr.time()[k];
          boolean all = true;
          for (int c = 0; c < nc; c++) {
            double v = tr.values()[k][c];
            boolean present = !Double.isNaN(v);
            values[i][c][k] = present ? v : 0;
            observed[i][c][k] = present ? 1 : 0;
            all &= present;
          }
          mask[i][k] = all ? 1 : 0;
        }
      }
      return new Batch(cells, time, values, mask, observed);
    }

    @Override
    public String toString() {
      return "Batch" + Arrays.toString(cells) + " × " + (time.length == 0 ? 0 : time[0].length) + " steps";
    }
  }
}
