package io.cyclelake.ingest.arbin;

import java.io.Serializable;

/**
 * Arbin's four cumulative counters at one point of a file, or the increase of them over a stretch of it.
 *
 * @param chargeAh charge capacity, Ah
 * @param dischargeAh discharge capacity, Ah (positive)
 * @param chargeWh charge energy, Wh
 * @param dischargeWh discharge energy, Wh (positive)
 */
public record Counters(double chargeAh, double dischargeAh, double chargeWh, double dischargeWh)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** All zero: the counters at the start of a file, which Arbin resets for every test session. */
  public static final Counters ZERO = new Counters(0, 0, 0, 0);

  /** This minus {@code o}, counter by counter. */
  public Counters minus(Counters o) {
    return new Counters(chargeAh - o.chargeAh, dischargeAh - o.dischargeAh, chargeWh - o.chargeWh,
        dischargeWh - o.dischargeWh);
  }
}
