package io.cyclelake.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Turns a partition of samples, sorted by cell, cycle and time, into one output row per cycle. Input rows are
 * {@code cell_id, cycle_index, cycle_type, time_s, voltage_v, current_a, temperature_c (nullable), sample_index} and
 * optionally {@code step_index} (nullable); the arrays handed to the function are reused across cycles (valid up to
 * {@code n}, only during the call). {@code step} is null when no sample of the cycle has a step index.
 */
final class CycleStream {
  private CycleStream() {}

  /** What to emit for one cycle. */
  @FunctionalInterface
  interface PerCycle {
    Row apply(String cell, int cycle, String type, double[] t, double[] v, double[] i, double[] temp, int[] step,
        int n);
  }

  static Iterator<Row> map(Iterator<Row> rows, PerCycle f) {
    List<Row> out = new ArrayList<>();
    double[] t = new double[1024];
    double[] v = new double[1024];
    double[] i = new double[1024];
    double[] temp = new double[1024];
    int[] step = new int[1024];
    boolean stepped = false;
    int n = 0;
    String cell = null;
    int cycle = -1;
    String type = null;
    while (rows.hasNext()) {
      Row r = rows.next();
      String c = r.getString(0);
      int idx = r.getInt(1);
      if (cell != null && (idx != cycle || !c.equals(cell))) {
        out.add(f.apply(cell, cycle, type, t, v, i, temp, stepped ? step : null, n));
        n = 0;
        stepped = false;
      }
      cell = c;
      cycle = idx;
      type = r.getString(2);
      if (n == t.length) {
        t = Arrays.copyOf(t, 2 * n);
        v = Arrays.copyOf(v, 2 * n);
        i = Arrays.copyOf(i, 2 * n);
        temp = Arrays.copyOf(temp, 2 * n);
        step = Arrays.copyOf(step, 2 * n);
      }
      t[n] = r.getDouble(3);
      v[n] = r.getDouble(4);
      i[n] = r.getDouble(5);
      temp[n] = r.isNullAt(6) ? Double.NaN : r.getDouble(6);
      boolean hasStep = r.size() > 8 && !r.isNullAt(8);
      step[n] = hasStep ? r.getInt(8) : (n > 0 ? step[n - 1] : 0); // unknown: same step as before
      stepped |= hasStep;
      n++;
    }
    if (cell != null) out.add(f.apply(cell, cycle, type, t, v, i, temp, stepped ? step : null, n));
    return out.iterator();
  }
}
