package io.cyclelake.bench;

import io.cyclelake.features.kernels.ode.Dopri5;
import io.cyclelake.features.kernels.ode.FixedStep;
import io.cyclelake.features.kernels.ode.OdeSystem;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH benchmarks of the ODE solvers ({@code io.cyclelake.features.kernels.ode}) on the shape of problem the neural
 * ODE integrates: a latent state of {@code dim} variables under a one-hidden-layer tanh MLP (16 hidden units,
 * seeded random weights), integrated over [0, 1] and evaluated at 100 requested times (a cell's trajectory). Euler
 * and RK4 take 100 steps (one per requested time); dopri5 runs at rtol 1e-6, atol 1e-8 with dense output. Not a test
 * (surefire skips it); run like the kernel benchmarks:
 *
 * <pre>
 * mvn -B -Pbench -DskipTests test-compile exec:exec -Dbench.args="-f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc OdeSolverBenchmark"
 * </pre>
 *
 * The score is µs per trajectory; {@code gc.alloc.rate.norm} shows that the solvers allocate per call (state copies,
 * stage buffers), not per step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class OdeSolverBenchmark {
  @Param({"4", "32"})
  public int dim;

  private OdeSystem mlp;
  private double[] y0;
  private double[] times;
  private double[][] out;
  private Dopri5.Settings settings;

  @Setup
  public void setup() {
    int hidden = 16;
    Random r = new Random(42);
    double[][] w1 = new double[dim][hidden];
    double[][] w2 = new double[hidden][dim];
    for (double[] row : w1) for (int j = 0; j < hidden; j++) row[j] = r.nextGaussian() / Math.sqrt(dim);
    for (double[] row : w2) for (int j = 0; j < dim; j++) row[j] = r.nextGaussian() / Math.sqrt(hidden);
    double[] h = new double[hidden];
    mlp = new OdeSystem() {
      @Override
      public int dimension() {
        return dim;
      }

      @Override
      public void derivatives(double t, double[] y, double[] d) {
        for (int j = 0; j < hidden; j++) {
          double a = 0;
          for (int i = 0; i < dim; i++) a += y[i] * w1[i][j];
          h[j] = Math.tanh(a);
        }
        for (int j = 0; j < dim; j++) {
          double a = -0.1 * y[j];
          for (int i = 0; i < hidden; i++) a += h[i] * w2[i][j];
          d[j] = a;
        }
      }
    };
    y0 = new double[dim];
    for (int i = 0; i < dim; i++) y0[i] = r.nextGaussian();
    times = new double[101];
    for (int k = 0; k < times.length; k++) times[k] = k / 100.0;
    out = new double[times.length][dim];
    settings = Dopri5.Settings.of(1e-6, 1e-8);
  }

  @Benchmark
  public void euler(Blackhole bh) {
    bh.consume(FixedStep.solve(FixedStep.Method.EULER, mlp, y0, times, 0.01, out));
    bh.consume(out);
  }

  @Benchmark
  public void rk4(Blackhole bh) {
    bh.consume(FixedStep.solve(FixedStep.Method.RK4, mlp, y0, times, 0.01, out));
    bh.consume(out);
  }

  @Benchmark
  public void dopri5(Blackhole bh) {
    bh.consume(Dopri5.solve(mlp, y0, times, settings, out));
    bh.consume(out);
  }
}
