package io.cyclelake.ingest.synthetic;

import java.util.Random;

/**
 * Electrochemistry-lite model of one synthetic 2.0 Ah 18650-like cell. It is deliberately simple: enough physics
 * for capacity fade, resistance growth and incremental-capacity (dQ/dV) peaks to behave like a real cell's, with
 * every constant named here. All maths goes through {@link StrictMath} so the numbers do not depend on JIT intrinsics.
 *
 * <p>Ageing runs on the life coordinate {@code x = n / (N - 1)} of cycle {@code n} (0-based) of {@code N}: each cell
 * goes from fresh to its end-of-test state over the spec's cycles, so a short spec is an accelerated version of a
 * long one.
 *
 * <ul>
 *   <li>Fade: {@code f(x) = k(T) * (a * sqrt(x) + b * max(0, x - xk)^2 / (1 - xk)^2)}, capped at {@value #MAX_FADE};
 *       capacity {@code Q = Q0 * (1 - f)}. {@code xk} is the cell's knee, after which fade accelerates.
 *   <li>Temperature: {@code k(T) = exp(Ea/R * (1/Tref - 1/T)) + p * max(0, 15 °C - T)}: Arrhenius ageing, plus
 *       lithium plating below 15 °C.
 *   <li>Resistance: {@code R = R0 * (1 + g * f) * exp(Er/R * (1/T - 1/Tref))}. Charging also meets a diffusion
 *       polarisation {@code eta = I * Rp * (1 - exp(-t / 300 s))}, {@code Rp = 0.15 * (1 + f)} Ω times the same
 *       Arrhenius factor; it ends the constant-current phase early, so aged and cold cells spend longer in CV.
 *   <li>Open-circuit voltage: the inverse of {@code soc(V) = [B * (V - 2.5)/(4.2 - 2.5) + sum_j a_j * sigmoid((V -
 *       V_j)/w_j)]}, normalised to 0..1 over 2.5..4.2 V. Each logistic step gives one dQ/dV peak at {@code V_j}. With
 *       the degradation level {@code D = f / 0.25} the centres move down by {@code 20 mV * D}, the widths grow by
 *       {@code 1 + 0.5 * D} and the amplitudes shrink by {@code 1 - l_j * D}: peaks shift and shrink.
 * </ul>
 */
final class CellModel {
  /** Rated capacity of the modelled cell, Ah. */
  static final double NOMINAL_AH = 2.0;
  /** Discharge cut-off and charge voltage, V. */
  static final double V_MIN = 2.7;
  static final double V_MAX = 4.2;
  /** Lower end of the open-circuit voltage curve (state of charge 0), V. */
  static final double OCV_LO = 2.5;
  /** Discharge current, charge current (CC) and CV termination current, A. */
  static final double I_DISCHARGE = 2.0;
  static final double I_CHARGE = 1.5;
  static final double I_END = 0.02;

  static final double T_REF_K = 297.15;
  /** Ea/R of capacity fade, K: fade at 43 °C is about 1.5 times that at 24 °C. */
  static final double FADE_ACTIVATION_K = 2000.0;
  /** Ea/R of the resistance, K: a cold cell has a higher resistance. */
  static final double RESISTANCE_ACTIVATION_K = 1500.0;
  /** Extra fade-rate factor per kelvin below {@link #PLATING_BELOW_C} (lithium plating). */
  static final double PLATING_PER_K = 0.05;
  static final double PLATING_BELOW_C = 15.0;

  /** Mean sqrt-law fade and knee fade at the end of the test at 24 °C (fractions of Q0). */
  static final double SQRT_FADE = 0.09;
  static final double KNEE_FADE = 0.12;
  static final double MAX_FADE = 0.6;
  /** Relative resistance growth per unit of fade: 25 % fade doubles the resistance. */
  static final double RESISTANCE_GROWTH = 4.0;
  /** Charge polarisation of a fresh cell at 24 °C (Ω), its growth per unit of fade, and its time constant (s). */
  static final double POLARISATION_OHM = 0.15;
  static final double POLARISATION_GROWTH = 1.0;
  static final double POLARISATION_TAU_S = 300.0;
  /** Fade at which the degradation level D is 1. */
  static final double D_REF_FADE = 0.25;

  /** Logistic steps of soc(V): centres (V), amplitudes, widths (V) and amplitude loss per unit of D. */
  static final double[] STEP_V = {3.45, 3.70, 3.95};
  static final double[] STEP_A = {0.45, 0.25, 0.10};
  static final double[] STEP_W = {0.045, 0.050, 0.060};
  static final double[] STEP_LOSS = {0.25, 0.15, 0.10};
  /** Weight of the linear baseline of soc(V). */
  static final double BASELINE = 0.20;
  static final double STEP_SHIFT_V = 0.020;
  static final double STEP_BROADEN = 0.5;

  /** Thermal resistance cell-to-ambient (K/W) and thermal time constant (s). */
  static final double THERMAL_K_PER_W = 5.0;
  static final double THERMAL_TAU_S = 600.0;
  /** Resistance of the leads between the cell and the load or charger, Ω. */
  static final double LEAD_OHM = 0.025;

  private static final double OCV_GRID_V = 0.001;
  private static final int OCV_POINTS = (int) Math.round((V_MAX - OCV_LO) / OCV_GRID_V) + 1;

  final double ambientC;
  final double q0Ah;
  final double r0Ohm;
  final double sqrtFade;
  final double kneeFade;
  final double kneeX;
  final double fadeRate;
  final double resistanceTemperatureFactor;

  private CellModel(double ambientC, double q0Ah, double r0Ohm, double sqrtFade, double kneeFade, double kneeX) {
    this.ambientC = ambientC;
    this.q0Ah = q0Ah;
    this.r0Ohm = r0Ohm;
    this.sqrtFade = sqrtFade;
    this.kneeFade = kneeFade;
    this.kneeX = kneeX;
    this.fadeRate = fadeRateFactor(ambientC);
    double tK = ambientC + 273.15;
    this.resistanceTemperatureFactor = StrictMath.exp(RESISTANCE_ACTIVATION_K * (1.0 / tK - 1.0 / T_REF_K));
  }

  /** Draws a cell's parameters. The draws do not depend on the temperature, so one seed gives one cell anywhere. */
  static CellModel draw(double ambientC, Random rnd) {
    double q0 = NOMINAL_AH * (0.925 + 0.10 * rnd.nextDouble());
    double r0 = 0.05 + 0.03 * rnd.nextDouble();
    double a = SQRT_FADE * (0.85 + 0.30 * rnd.nextDouble());
    double b = KNEE_FADE * (0.85 + 0.30 * rnd.nextDouble());
    double xk = 0.60 + 0.20 * rnd.nextDouble();
    return new CellModel(ambientC, q0, r0, a, b, xk);
  }

  /** k(T): relative fade rate at this ambient temperature, 1 at 24 °C. */
  static double fadeRateFactor(double ambientC) {
    double tK = ambientC + 273.15;
    return StrictMath.exp(FADE_ACTIVATION_K * (1.0 / T_REF_K - 1.0 / tK))
        + PLATING_PER_K * Math.max(0.0, PLATING_BELOW_C - ambientC);
  }

  /** Fraction of Q0 lost by cycle {@code n} (0-based) of {@code cycles}. */
  double fade(int n, int cycles) {
    double x = n / (double) (cycles - 1);
    double knee = 0.0;
    if (x > kneeX) {
      double k = (x - kneeX) / (1.0 - kneeX);
      knee = k * k;
    }
    return Math.min(MAX_FADE, fadeRate * (sqrtFade * StrictMath.sqrt(x) + kneeFade * knee));
  }

  /** The cell's state during cycle {@code n} (0-based) of {@code cycles}. */
  CycleState state(int n, int cycles) {
    double f = fade(n, cycles);
    double capacity = q0Ah * (1.0 - f);
    double resistance = r0Ohm * (1.0 + RESISTANCE_GROWTH * f) * resistanceTemperatureFactor;
    double polarisation = POLARISATION_OHM * (1.0 + POLARISATION_GROWTH * f) * resistanceTemperatureFactor;
    return new CycleState(capacity, resistance, polarisation, f / D_REF_FADE);
  }

  /** Capacity, resistance and open-circuit voltage curve of one cycle. */
  static final class CycleState {
    final double capacityAh;
    final double resistanceOhm;
    final double polarisationOhm;
    final double degradation;
    private final double[] centre = new double[STEP_V.length];
    private final double[] amplitude = new double[STEP_V.length];
    private final double[] width = new double[STEP_V.length];
    private final double rawLo;
    private final double rawSpan;
    /** soc at OCV_LO + i * OCV_GRID_V; strictly increasing. */
    private final double[] socGrid = new double[OCV_POINTS];

    CycleState(double capacityAh, double resistanceOhm, double polarisationOhm, double degradation) {
      this.capacityAh = capacityAh;
      this.resistanceOhm = resistanceOhm;
      this.polarisationOhm = polarisationOhm;
      this.degradation = degradation;
      for (int j = 0; j < STEP_V.length; j++) {
        centre[j] = STEP_V[j] - STEP_SHIFT_V * degradation;
        amplitude[j] = STEP_A[j] * Math.max(0.05, 1.0 - STEP_LOSS[j] * degradation);
        width[j] = STEP_W[j] * (1.0 + STEP_BROADEN * degradation);
      }
      rawLo = raw(OCV_LO);
      rawSpan = raw(V_MAX) - rawLo;
      // exp(-(v - c)/w) on the uniform grid is a geometric sequence: one exp per step instead of one per point.
      double[] e = new double[centre.length];
      double[] ratio = new double[centre.length];
      for (int j = 0; j < centre.length; j++) {
        e[j] = StrictMath.exp(-(OCV_LO - centre[j]) / width[j]);
        ratio[j] = StrictMath.exp(-OCV_GRID_V / width[j]);
      }
      for (int i = 0; i < OCV_POINTS; i++) {
        double v = OCV_LO + i * OCV_GRID_V;
        double s = BASELINE * (v - OCV_LO) / (V_MAX - OCV_LO);
        for (int j = 0; j < centre.length; j++) {
          s += amplitude[j] / (1.0 + e[j]);
          e[j] *= ratio[j];
        }
        socGrid[i] = (s - rawLo) / rawSpan;
      }
      socGrid[0] = 0.0;
      socGrid[OCV_POINTS - 1] = 1.0;
    }

    private double raw(double v) {
      double s = BASELINE * (v - OCV_LO) / (V_MAX - OCV_LO);
      for (int j = 0; j < centre.length; j++) {
        s += amplitude[j] / (1.0 + StrictMath.exp(-(v - centre[j]) / width[j]));
      }
      return s;
    }

    /** State of charge (0..1) at which the open-circuit voltage is {@code v}; clamped outside 2.5..4.2 V. */
    double socAt(double v) {
      if (v <= OCV_LO) return 0.0;
      if (v >= V_MAX) return 1.0;
      return (raw(v) - rawLo) / rawSpan;
    }

    /** Open-circuit voltage (V) at state of charge {@code soc}, clamped to 0..1; linear between 1 mV grid points. */
    double ocv(double soc) {
      if (soc <= 0.0) return OCV_LO;
      if (soc >= 1.0) return V_MAX;
      int lo = 0;
      int hi = OCV_POINTS - 1;
      while (hi - lo > 1) {
        int mid = (lo + hi) >>> 1;
        if (socGrid[mid] <= soc) lo = mid;
        else hi = mid;
      }
      double frac = (soc - socGrid[lo]) / (socGrid[hi] - socGrid[lo]);
      return OCV_LO + (lo + frac) * OCV_GRID_V;
    }
  }
}
