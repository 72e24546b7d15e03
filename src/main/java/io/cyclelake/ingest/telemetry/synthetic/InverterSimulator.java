package io.cyclelake.ingest.telemetry.synthetic;

import java.util.Random;

/**
 * A SYNTHETIC traction inverter: a load profile (idle, urban, highway, hill-climb ramps, regeneration) drives a
 * thermal RC network junction → heat sink → coolant → ambient. Losses grow with the current (conduction) and its
 * square; the heat sink and coolant follow them with first-order lags (time constants about 50 s and 300 s); the
 * junction sits a fast lag (about 3 s) above the heat sink. Coolant faults (fan or pump) multiply the coolant's
 * thermal resistance to ambient for 10 to 40 minutes. The inverter protects itself: above {@code tripC} at the
 * junction it derates to half power until it is {@code 10 K} below. An external power limit (0..1, the advice under
 * test) caps the power too.
 *
 * <p>Not a model of any real product; the numbers are of plausible magnitude (100 kW, 650 V DC bus) and chosen so
 * that overheating happens under heavy load in hot weather or with a coolant fault, not in normal operation.
 */
public final class InverterSimulator {
  /** Rated power, W. */
  public static final double RATED_W = 100_000;
  static final double V_DC_NOMINAL = 650;
  static final double V_AC_LL = 400;

  // Thermal network (per device, with a few percent of spread).
  private final double rJh;      // junction over heat sink, K/W
  private final double tauJ;     // s
  private final double cHs;      // J/K
  private final double rHc;      // heat sink over coolant, K/W
  private final double cC;       // J/K
  private final double rCa;      // coolant over ambient, K/W (fault-free)
  private final double tripC;
  private final double ambientMeanC;
  private final double ambientSwingC;
  private final double duty;

  private final Random rnd;
  private double t;              // s since the start
  private double tJ;
  private double tHs;
  private double tC;
  private double tAmb;
  private double ambDrift;

  // Load profile state.
  private String mode = "idle";
  private double modeLeft;
  private double target;         // demanded power fraction the mode drifts around
  private double demand;         // demanded power fraction (negative = regeneration)
  private double speedRpm;

  // Faults.
  private double faultLeft;
  private double faultFactor = 1;
  private final double faultRatePerS;
  private boolean selfDerated;

  /** What one step produced. */
  public record State(double timeS, double demandW, double powerW, double dcVoltageV, double dcCurrentA,
      double phaseA, double phaseB, double phaseC, double torqueNm, double speedRpm, double junctionC,
      double heatsinkC, double coolantC, double ambientC, boolean coolantFault, boolean selfDerated) {}

  /**
   * @param ambientMeanC daily mean ambient temperature
   * @param duty scales the demanded power (1 = typical; 1.2 = heavy use)
   * @param faultsPerHour mean rate of coolant faults
   */
  public InverterSimulator(long seed, double ambientMeanC, double duty, double faultsPerHour) {
    this.rnd = new Random(seed);
    double spread = 1 + 0.05 * (rnd.nextDouble() - 0.5);
    this.rJh = 0.006 * spread;
    this.tauJ = 3.0;
    this.cHs = 6000;
    this.rHc = 0.008 * spread;
    this.cC = 40000;
    this.rCa = 0.007 * spread;
    this.tripC = 110;
    this.ambientMeanC = ambientMeanC;
    this.ambientSwingC = 2;
    this.duty = duty;
    this.faultRatePerS = faultsPerHour / 3600.0;
    this.tAmb = ambientMeanC;
    this.tC = tAmb + 3;
    this.tHs = tC + 2;
    this.tJ = tHs + 1;
  }

  /** Losses of the inverter at a power fraction p of rated (|p|), W. */
  static double lossW(double p) {
    double a = Math.abs(p);
    return 150 + 1000 * a + 2000 * a * a;
  }

  private void nextMode() {
    double u = rnd.nextDouble();
    if (u < 0.2) {
      mode = "idle";
      modeLeft = 30 + rnd.nextDouble() * 240;
      target = 0.03;
    } else if (u < 0.5) {
      mode = "urban";
      modeLeft = 300 + rnd.nextDouble() * 600;
      target = 0.25;
    } else if (u < 0.8) {
      mode = "highway";
      modeLeft = 600 + rnd.nextDouble() * 1200;
      target = 0.45 + 0.25 * rnd.nextDouble();
    } else {
      mode = "climb";
      modeLeft = 120 + rnd.nextDouble() * 600;
      target = 0.8 + 0.2 * rnd.nextDouble();
    }
  }

  /**
   * Advances {@code dt} seconds with the power capped at {@code limit} × rated (1 = no external limit).
   */
  public State step(double dt, double limit) {
    t += dt;
    modeLeft -= dt;
    if (modeLeft <= 0) nextMode();
    // Demand: an Ornstein-Uhlenbeck process around the mode's target; urban driving adds stop-and-go bursts.
    double theta = mode.equals("climb") ? 1 / 30.0 : 1 / 8.0;
    double sigma = mode.equals("urban") ? 0.12 : 0.04;
    demand += theta * (target - demand) * dt + sigma * Math.sqrt(dt) * rnd.nextGaussian();
    if (mode.equals("urban") && rnd.nextDouble() < dt / 20) demand = rnd.nextDouble() < 0.3 ? -0.2 : 0.6;
    demand = Math.max(-0.3, Math.min(1.1, demand));
    double want = demand * duty;
    double cap = Math.min(limit, selfDerated ? 0.5 : 1.0);
    double p = Math.max(-cap, Math.min(cap, Math.min(1.0, want)));
    // Coolant faults.
    if (faultLeft > 0) {
      faultLeft -= dt;
      if (faultLeft <= 0) faultFactor = 1;
    } else if (rnd.nextDouble() < faultRatePerS * dt) {
      faultLeft = 600 + rnd.nextDouble() * 1800;
      faultFactor = 3 + rnd.nextDouble();
    }
    // Ambient: daily sine plus a slow random walk.
    ambDrift += 0.002 * Math.sqrt(dt) * rnd.nextGaussian() - 0.0005 * ambDrift * dt;
    tAmb = ambientMeanC + ambientSwingC * Math.sin(2 * Math.PI * (t / 86400.0 - 0.25)) + ambDrift;
    // Thermal network, each node updated with its exact first-order response over dt.
    double loss = lossW(p);
    double qHc = (tHs - tC) / rHc;
    double rCaNow = rCa * faultFactor;
    double cEq = tAmb + (qHc) * rCaNow;            // coolant equilibrium for the current heat flow
    tC = cEq + (tC - cEq) * Math.exp(-dt / (rCaNow * cC));
    double hsEq = tC + loss * rHc;
    tHs = hsEq + (tHs - hsEq) * Math.exp(-dt / (rHc * cHs));
    double jEq = tHs + loss * rJh;
    tJ = jEq + (tJ - jEq) * Math.exp(-dt / tauJ);
    if (tJ > tripC) selfDerated = true;
    if (selfDerated && tJ < tripC - 10) selfDerated = false;
    // Electrical and mechanical quantities.
    double powerW = p * RATED_W;
    double vdc = V_DC_NOMINAL - 0.04 * powerW / V_DC_NOMINAL + 1.5 * rnd.nextGaussian();
    double idc = (powerW + Math.signum(powerW) * loss) / vdc;
    double iph = Math.abs(powerW) / (Math.sqrt(3) * V_AC_LL * 0.92);
    double targetRpm = switch (mode) {
      case "idle" -> 0;
      case "urban" -> 1500 + 1500 * Math.abs(demand);
      case "highway" -> 5500;
      default -> 3000;
    };
    speedRpm += (targetRpm - speedRpm) * (1 - Math.exp(-dt / 10));
    double omega = Math.max(speedRpm, 300) * 2 * Math.PI / 60;
    double torque = speedRpm < 1 ? 0 : powerW * 0.95 / omega;
    return new State(t, want * RATED_W, powerW, vdc, idc, iph * 1.01, iph * 0.99, iph, torque, speedRpm, tJ, tHs,
        tC, tAmb, faultFactor > 1, selfDerated);
  }
}
