package io.cyclelake.bench;

import io.cyclelake.features.CycleSummary;
import io.cyclelake.features.kernels.Derivatives;
import io.cyclelake.features.kernels.Integration;
import io.cyclelake.features.kernels.Peaks;
import io.cyclelake.features.kernels.Resample;
import io.cyclelake.features.kernels.SavitzkyGolay;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH micro-benchmarks of the per-cycle numeric kernels ({@code io.cyclelake.features.kernels} and
 * {@link CycleSummary}) on one synthetic constant-current discharge of {@code n} samples. Not a test: surefire does
 * not run it (the name ends in {@code Benchmark}) and neither does {@code mvn verify} or CI.
 *
 * <p><b>Running.</b> From the project directory:
 * <pre>
 * mvn -Pbench -DskipTests test-compile exec:exec
 * mvn -Pbench -DskipTests test-compile exec:exec -Dbench.args="-f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc KernelBenchmark"
 * </pre>
 * The {@code bench} profile runs {@code java -cp <test classpath> org.openjdk.jmh.Main ${bench.args}}; the default
 * arguments are {@code -f 1 -wi 3 -i 5 -prof gc io.cyclelake.bench}, and any JMH option ({@code -h} lists them) can
 * go in {@code -Dbench.args}, e.g. a regular expression selecting benchmarks, {@code -p n=30000} for one size, or
 * {@code -rf json -rff /tmp/kernels.json} for a machine-readable result. Warm-up and measurement iterations last one
 * second each unless {@code -w}/{@code -r} say otherwise. The annotation processor ({@code jmh-generator-annprocess},
 * test scope) writes {@code target/test-classes/META-INF/BenchmarkList} during {@code test-compile}; JMH reads it from
 * there. Note that {@code -Pbench} replaces the default {@code cpu} profile (the ND4J backend is then off the
 * classpath), which these kernels do not need.
 *
 * <p><b>Reading the results.</b> The score is the average time of one call for the whole cycle, in µs/op. The
 * per-sample cost, which JMH cannot compute, is {@code score × 1000 / n} ns/sample: a kernel that is linear in the
 * number of samples shows the same ns/sample at every {@code n}. With {@code -prof gc}, {@code gc.alloc.rate.norm} is
 * the bytes allocated per call (B/op). A kernel that only returns an {@code n}-long {@code double[]} allocates about
 * {@code 8n + 16} bytes; more than its outputs and documented scratch means a hot loop allocates per sample. The
 * resampling, dQ/dV and peak benchmarks produce grid-sized outputs (10 mV steps over the ~1.5 V swing, ~150 points),
 * so only their O(n) scratch grows with {@code n}.
 *
 * <p><b>Data.</b> A discharge of {@code n} samples 10 s apart at constant current, the current chosen so that every
 * size delivers 2 Ah (from ~C/0.8 at 300 samples to ~C/83 at 30000). Voltage against depth of discharge {@code x}
 * falls from 4.1 V along a slope with three logistic steps (the plateaus that give dQ/dV its peaks) and a final knee
 * to ~2.6 V, plus 1 mV Gaussian noise from a seeded {@link Random}; temperature rises by 6 K with 0.05 K noise. The
 * noise makes the voltage non-monotone, which exercises the envelope and collapse in {@link Resample#ontoGrid}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class KernelBenchmark {
  /** Sample spacing, seconds. */
  static final double DT_S = 10.0;
  /** Charge delivered by the synthetic discharge at every size, Ah. */
  static final double CAPACITY_AH = 2.0;
  /** dQ/dV voltage grid step, volts. */
  static final double GRID_STEP_V = 0.010;
  /** Savitzky–Golay window (samples or grid points) and polynomial order, as in the features job. */
  static final int SG_WINDOW = 21;
  static final int SG_ORDER = 3;
  /** Peaks of |dQ/dV| below this prominence are ignored, as in reference.conf. */
  static final double MIN_PROMINENCE_AH_PER_V = 0.05;

  /** Samples per cycle. */
  @Param({"300", "3000", "30000"})
  public int n;

  double[] t;
  double[] v;
  double[] i;
  double[] temp;
  /** Charge delivered so far, Ah (positive, growing). */
  double[] q;
  /** Preallocated output of {@link #savgolFilterInto}. */
  double[] sgOut;
  double gridStart;
  int gridSize;
  Derivatives.Smoothing smoothing;
  /** |dQ/dV| on the grid, NaN ends trimmed: the input of {@link #peaksDqdv}. */
  double[] dqdvRun;
  Peaks.PeakOptions peakOptions;

  @Setup(Level.Trial)
  public void setUp() {
    Random rnd = new Random(20240611L + n);
    t = new double[n];
    v = new double[n];
    i = new double[n];
    temp = new double[n];
    double current = -CAPACITY_AH * 3600.0 / (DT_S * (n - 1));
    for (int k = 0; k < n; k++) {
      double x = k / (double) (n - 1); // depth of discharge
      t[k] = k * DT_S;
      i[k] = current;
      v[k] = 4.1 - 0.6 * x
          - logistic(x, 0.10, 0.020, 0.12)
          - logistic(x, 0.45, 0.030, 0.15)
          - logistic(x, 0.75, 0.025, 0.10)
          - logistic(x, 0.98, 0.008, 0.50)
          + 0.001 * rnd.nextGaussian();
      temp[k] = 25.0 + 6.0 * x + 0.05 * rnd.nextGaussian();
    }
    double[] absI = new double[n];
    for (int k = 0; k < n; k++) absI[k] = Math.abs(i[k]);
    q = Resample.cumulativeTrapezoid(t, absI);
    for (int k = 0; k < n; k++) q[k] /= 3600.0;
    sgOut = new double[n];

    double lo = Arrays.stream(v).min().orElseThrow();
    double hi = Arrays.stream(v).max().orElseThrow();
    gridStart = Math.ceil(lo / GRID_STEP_V) * GRID_STEP_V;
    double gridEnd = Math.floor(hi / GRID_STEP_V) * GRID_STEP_V;
    gridSize = (int) Math.round((gridEnd - gridStart) / GRID_STEP_V) + 1;
    smoothing = new Derivatives.Smoothing(SG_WINDOW, SG_ORDER);
    peakOptions = Peaks.PeakOptions.DEFAULT.withProminence(MIN_PROMINENCE_AH_PER_V);

    double[] y = dqdv().y();
    int a = 0;
    while (a < y.length && Double.isNaN(y[a])) a++;
    int b = y.length;
    while (b > a && Double.isNaN(y[b - 1])) b--;
    dqdvRun = new double[b - a];
    for (int k = a; k < b; k++) dqdvRun[k - a] = Math.abs(y[k]);
    if (dqdvRun.length < SG_WINDOW || Peaks.find(dqdvRun, peakOptions).isEmpty()) {
      throw new IllegalStateException("synthetic discharge gives no usable dQ/dV curve at n = " + n);
    }
  }

  private static double logistic(double x, double centre, double width, double height) {
    return height / (1.0 + Math.exp(-(x - centre) / width));
  }

  private Derivatives.Curve dqdv() {
    return Derivatives.dqdv(v, q, Resample.Direction.FALLING, gridStart, GRID_STEP_V, gridSize, smoothing);
  }

  /** Savitzky–Golay smoothing of the voltage (window 21, order 3, INTERP edges) into a preallocated buffer. */
  @Benchmark
  public void savgolFilterInto(Blackhole bh) {
    SavitzkyGolay.filterInto(v, SG_WINDOW, SG_ORDER, 0, 1.0, SavitzkyGolay.EdgeMode.INTERP, sgOut);
    bh.consume(sgOut);
  }

  /** Q(V) resampled onto the 10 mV grid (monotone envelope, plateau collapse, interpolation). */
  @Benchmark
  public void resampleOntoGrid(Blackhole bh) {
    bh.consume(Resample.ontoGrid(v, q, Resample.Direction.FALLING, gridStart, GRID_STEP_V, gridSize));
  }

  /** dQ/dV on the 10 mV grid: resampling, Savitzky–Golay (21, 3) on the grid, gradient. */
  @Benchmark
  public void dqdv(Blackhole bh) {
    bh.consume(dqdv());
  }

  /** scipy-style peak finding with prominences and widths on |dQ/dV| (grid-sized input, ~150 points). */
  @Benchmark
  public void peaksDqdv(Blackhole bh) {
    bh.consume(Peaks.find(dqdvRun, peakOptions));
  }

  /** Coulomb counting as a running integral: Q(t) in A·s, a new n-long array. */
  @Benchmark
  public void coulombCumulativeTrapezoid(Blackhole bh) {
    bh.consume(Resample.cumulativeTrapezoid(t, i));
  }

  /** Coulomb counting as one number: ∫ I dt in A·s, no allocation expected. */
  @Benchmark
  public void coulombTrapezoid(Blackhole bh) {
    bh.consume(Integration.trapezoid(t, i, n));
  }

  /** The per-cycle summary features (charge, throughput, energy, means, extremes, temperature). */
  @Benchmark
  public void cycleSummary(Blackhole bh) {
    bh.consume(CycleSummary.of(t, v, i, temp, n));
  }
}
