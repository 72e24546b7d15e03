package io.cyclelake.ingest.arbin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Folds the rows of one file, in file order, into one {@link LocalCycle} per {@code Cycle_Index} while they stream
 * by, so a session costs memory per cycle, not per row. Feed it the rows {@link ArbinChannelFile#read} accepts; it
 * needs {@code Cycle_Index} and {@code Test_Time(s)} not to decrease, which that reader's order rules guarantee.
 *
 * <p>Coulomb counting: every interval between two consecutive accepted rows of the file is credited to the cycle of
 * its later row (as Arbin's counter on that row includes it). Within one step the current is integrated with the
 * trapezoid rule. Where a step begins inside the interval, the interval is split at the step's start,
 * {@code Test_Time - Step_Time} of the later row: the earlier part at the earlier row's current, the later part at the
 * later row's current. That split matters: Arbin logs every 30 s, so a step's first row typically comes 30 s after
 * the step began; a plain trapezoid over the rows with negative current misses that first stretch of every
 * discharge, about 30 s x 1.1 A = 9 mAh or 0.9 % on CS2, and blends rest and load current at the end. With the split,
 * coulomb counting agrees with Arbin's counter to about 1e-5 (median) on CS2. Negative current counts as discharge,
 * positive as charge; the interval before the file's first row is not counted (the counters are zero there).
 */
public final class CycleAggregator implements Consumer<ArbinRow> {
  private final List<LocalCycle> done = new ArrayList<>();
  private ArbinRow previous;
  private long rowsTotal;
  private double firstDateTimeExcel = Double.NaN;

  private int cycle;
  private long rows;
  private ArbinRow first;
  private Counters before;
  private double resistanceSum;
  private long resistanceCount;
  private double chargeAs;
  private double dischargeAs;

  @Override
  public void accept(ArbinRow row) {
    if (previous == null) {
      firstDateTimeExcel = row.dateTimeExcel();
      open(row, Counters.ZERO);
    } else {
      if (row.cycleIndex() < previous.cycleIndex() || row.testTimeS() < previous.testTimeS()) {
        throw new IllegalArgumentException("line " + row.line() + ": Cycle_Index or Test_Time goes back from line "
            + previous.line() + "; feed the rows ArbinChannelFile.read accepts, in file order");
      }
      if (row.cycleIndex() != previous.cycleIndex()) {
        close();
        open(row, previous.counters());
      }
      integrate(previous, row);
    }
    rows++;
    rowsTotal++;
    Double r = row.internalResistanceOhm();
    if (r != null && r > 0) {
      resistanceSum += r;
      resistanceCount++;
    }
    previous = row;
  }

  /** The cycles so far, the last one included, in file order; the aggregator can keep taking rows afterwards. */
  public List<LocalCycle> cycles() {
    List<LocalCycle> out = new ArrayList<>(done);
    if (previous != null) out.add(current());
    return List.copyOf(out);
  }

  /** Rows taken. */
  public long rows() {
    return rowsTotal;
  }

  /** {@code Date_Time} of the first row taken (Excel serial date), NaN before any row. */
  public double firstDateTimeExcel() {
    return firstDateTimeExcel;
  }

  private void open(ArbinRow row, Counters counterBase) {
    cycle = row.cycleIndex();
    first = row;
    before = counterBase;
    rows = 0;
    resistanceSum = 0;
    resistanceCount = 0;
    chargeAs = 0;
    dischargeAs = 0;
  }

  private void close() {
    done.add(current());
  }

  private LocalCycle current() {
    return new LocalCycle(cycle, rows, first.line(), previous.line(), first.testTimeS(), previous.testTimeS(),
        first.dateTimeExcel(), before, previous.counters(),
        resistanceCount == 0 ? null : resistanceSum / resistanceCount, chargeAs / 3600.0, dischargeAs / 3600.0);
  }

  /** Adds the charge moved between rows {@code p} and {@code q} (ampere-seconds) to the current cycle. */
  private void integrate(ArbinRow p, ArbinRow q) {
    double dt = q.testTimeS() - p.testTimeS();
    if (dt <= 0) return;
    // Same step run: same step number and its clock kept running. Otherwise q's step began within (p, q].
    boolean sameStep = q.stepIndex() == p.stepIndex() && q.stepTimeS() > p.stepTimeS();
    if (sameStep) {
      add((p.currentA() + q.currentA()) / 2 * dt, p.currentA(), q.currentA(), dt);
    } else {
      double stepStart = Math.min(Math.max(q.testTimeS() - q.stepTimeS(), p.testTimeS()), q.testTimeS());
      add(p.currentA() * (stepStart - p.testTimeS()), p.currentA(), p.currentA(), stepStart - p.testTimeS());
      add(q.currentA() * (q.testTimeS() - stepStart), q.currentA(), q.currentA(), q.testTimeS() - stepStart);
    }
  }

  /**
   * Splits a trapezoid of currents {@code a} then {@code b} over {@code dt} seconds into its charge (positive) and
   * discharge (negative) parts; when the sign changes within it, the current is taken as linear in between.
   */
  private void add(double area, double a, double b, double dt) {
    if (a >= 0 && b >= 0) {
      chargeAs += area;
    } else if (a <= 0 && b <= 0) {
      dischargeAs -= area;
    } else {
      double zero = dt * Math.abs(a) / (Math.abs(a) + Math.abs(b));
      double first = a * zero / 2;
      double second = b * (dt - zero) / 2;
      if (a > 0) {
        chargeAs += first;
        dischargeAs -= second;
      } else {
        dischargeAs -= first;
        chargeAs += second;
      }
    }
  }
}
