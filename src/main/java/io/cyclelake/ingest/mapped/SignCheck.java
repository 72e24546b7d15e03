package io.cyclelake.ingest.mapped;

import java.util.HashMap;
import java.util.Map;

/**
 * Checks a file's current sign against its voltage: between two consecutive rows of a cell under load in the same
 * direction (and the same step, where steps are given), charging raises the voltage and discharging lowers it, so
 * {@code sign(dV) = sign(I)} for a file whose current is positive while charging. Pairs with no voltage change
 * (constant-voltage phases, resolution limits) carry no evidence. Fed with rows in the declared sign.
 */
final class SignCheck {
  /** Pairs needed before the check says anything. */
  static final int MIN_PAIRS = 10;
  /** Fraction of contradicting pairs above which the declared sign is judged wrong. */
  static final double MISMATCH_FRACTION = 0.75;

  private final Map<String, MappedRow> last = new HashMap<>();
  private long agree;
  private long disagree;

  void accept(MappedRow r) {
    MappedRow p = last.put(r.cellId(), r);
    if (p == null) return;
    if (r.timeS() <= p.timeS()) return;
    if (r.step() != null && p.step() != null && !r.step().equals(p.step())) return;
    double i = Math.signum(r.currentA());
    if (i == 0 || Math.signum(p.currentA()) != i) return;
    double dv = r.voltageV() - p.voltageV();
    if (dv == 0) return;
    if (Math.signum(dv) == i) {
      agree++;
    } else {
      disagree++;
    }
  }

  /** Whether the evidence says the current has the opposite sign of the declared one. */
  boolean mismatch() {
    long n = agree + disagree;
    return n >= MIN_PAIRS && disagree > MISMATCH_FRACTION * n;
  }

  String evidence() {
    return disagree + " of " + (agree + disagree) + " consecutive rows under load have the voltage moving against"
        + " the current (falling while the current says charging, or rising while it says discharging)";
  }
}
