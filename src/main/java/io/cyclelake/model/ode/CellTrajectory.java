package io.cyclelake.model.ode;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * One cell's cycle-level features as a trajectory over an explicit time: {@code time[k]} (e.g. cycle number or
 * equivalent full cycles) strictly increasing, {@code values[k][c]} the value of channel {@code c} at that time (NaN =
 * missing, kept so that nothing is dropped silently), {@code cycleIndex[k]} the operation it came from.
 */
public record CellTrajectory(String cellId, List<String> channels, double[] time, int[] cycleIndex,
    double[][] values) implements Serializable {
  public CellTrajectory {
    if (time.length != values.length || time.length != cycleIndex.length) {
      throw new IllegalArgumentException(cellId + ": " + time.length + " times, " + cycleIndex.length
          + " cycle indices, " + values.length + " value rows");
    }
    for (int k = 0; k < time.length; k++) {
      if (values[k].length != channels.size()) {
        throw new IllegalArgumentException(cellId + ": row " + k + " has " + values[k].length + " values for "
            + channels.size() + " channels " + channels);
      }
      if (!Double.isFinite(time[k]) || (k > 0 && !(time[k] > time[k - 1]))) {
        throw new IllegalArgumentException(cellId + ": time must be finite and strictly increasing, got time["
            + (k - 1) + "] = " + (k > 0 ? time[k - 1] : Double.NaN) + ", time[" + k + "] = " + time[k]
            + " (cycle_index " + cycleIndex[k] + ")");
      }
    }
  }

  public int length() {
    return time.length;
  }

  /** Channel {@code c} over time (a new array). */
  public double[] channel(int c) {
    double[] out = new double[time.length];
    for (int k = 0; k < out.length; k++) out[k] = values[k][c];
    return out;
  }

  @Override
  public String toString() {
    return "CellTrajectory[" + cellId + ", " + channels + ", " + time.length + " points, t "
        + (time.length == 0 ? "-" : time[0] + ".." + time[time.length - 1]) + ", cycles "
        + Arrays.toString(Arrays.copyOf(cycleIndex, Math.min(3, cycleIndex.length))) + "…]";
  }
}
