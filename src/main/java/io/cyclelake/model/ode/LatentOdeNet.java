package io.cyclelake.model.ode;

import io.cyclelake.features.kernels.ode.Dopri5;
import io.cyclelake.features.kernels.ode.FixedStep;
import io.cyclelake.features.kernels.ode.OdeSystem;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The latent ODE's weights and its plain-Java forward pass (the same computation as the training graph of
 * {@link LatentOdeGraph}). For a row with time t (feature 0, standardised) and context c (the other features; a
 * constant 1 when there are none):
 *
 * <pre>
 *   z(t0) = enc(c)                       enc: c → tanh(c We1 + be1) We2 + be2   (or c We + be when encoder-hidden = 0)
 *   dz/dt = f(z) = tanh(z W1 + b1) W2 + b2
 *   ŷ = (z(t) Wd + bd) · ySd + yMean
 * </pre>
 *
 * integrated from {@code t0} (the earliest training time) to t. The integration runs in s ∈ [0, 1] with
 * {@code t = t0 + s·τ}, {@code τ = t − t0}, {@code dz/ds = τ f(z)}, so every row takes the same steps in s (the
 * batch shares one unrolled graph): Euler/RK4 take {@code steps} equal steps of 1/steps; dopri5 adapts its steps to
 * rtol/atol. Matrices are stored row-major, {@code W[i][j] = data[i · cols + j]}.
 */
public final class LatentOdeNet implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A named parameter: shape {rows, cols} for a matrix, {n} for a bias. */
  public record Param(String name, long[] shape, double[] data) implements Serializable {
    public int rows() {
      return (int) shape[0];
    }

    public int cols() {
      return shape.length == 1 ? 1 : (int) shape[1];
    }
  }

  final NeuralOdeSettings settings;
  /** Number of context features given (0 = the encoder sees a constant 1). */
  final int nContext;
  final double t0;
  final double yMean;
  final double ySd;
  final LinkedHashMap<String, Param> params;

  LatentOdeNet(NeuralOdeSettings settings, int nContext, double t0, double yMean, double ySd,
      LinkedHashMap<String, Param> params) {
    this.settings = settings;
    this.nContext = nContext;
    this.t0 = t0;
    this.yMean = yMean;
    this.ySd = ySd;
    this.params = params;
  }

  /** Glorot-uniform weights and zero biases; the dynamics' output layer starts 10 x smaller (a gentle flow). */
  static LatentOdeNet init(NeuralOdeSettings s, int nContext, double t0, double yMean, double ySd, long seed) {
    Random r = new Random(seed);
    int c = Math.max(1, nContext);
    int l = s.latentDim();
    LinkedHashMap<String, Param> p = new LinkedHashMap<>();
    if (s.encoderHidden() > 0) {
      p.put("enc_w1", glorot("enc_w1", c, s.encoderHidden(), 1, r));
      p.put("enc_b1", zeros("enc_b1", s.encoderHidden()));
      p.put("enc_w2", glorot("enc_w2", s.encoderHidden(), l, 1, r));
      p.put("enc_b2", zeros("enc_b2", l));
    } else {
      p.put("enc_w", glorot("enc_w", c, l, 1, r));
      p.put("enc_b", zeros("enc_b", l));
    }
    p.put("f_w1", glorot("f_w1", l, s.hidden(), 1, r));
    p.put("f_b1", zeros("f_b1", s.hidden()));
    p.put("f_w2", glorot("f_w2", s.hidden(), l, 0.1, r));
    p.put("f_b2", zeros("f_b2", l));
    p.put("dec_w", glorot("dec_w", l, 1, 1, r));
    p.put("dec_b", zeros("dec_b", 1));
    return new LatentOdeNet(s, nContext, t0, yMean, ySd, p);
  }

  private static Param glorot(String name, int rows, int cols, double gain, Random r) {
    double a = gain * Math.sqrt(6.0 / (rows + cols));
    double[] d = new double[rows * cols];
    for (int i = 0; i < d.length; i++) d[i] = (2 * r.nextDouble() - 1) * a;
    return new Param(name, new long[] {rows, cols}, d);
  }

  private static Param zeros(String name, int n) {
    return new Param(name, new long[] {n}, new double[n]);
  }

  /** A copy with other parameter values (same names and shapes). */
  LatentOdeNet withParams(Map<String, double[]> values) {
    LinkedHashMap<String, Param> p = new LinkedHashMap<>();
    for (Param q : params.values()) p.put(q.name(), new Param(q.name(), q.shape(), values.get(q.name()).clone()));
    return new LatentOdeNet(settings, nContext, t0, yMean, ySd, p);
  }

  /** The parameter values, copied. */
  Map<String, double[]> values() {
    Map<String, double[]> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, v.data().clone()));
    return out;
  }

  public NeuralOdeSettings settings() {
    return settings;
  }

  /** Number of trainable parameters. */
  public int size() {
    return params.values().stream().mapToInt(p -> p.data().length).sum();
  }

  /** Context rows of the inputs: features 1.. (or a constant 1). */
  double[][] context(double[][] x) {
    double[][] c = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      if (x[i].length != nContext + 1) {
        throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, the model "
            + (nContext + 1) + " (time + " + nContext + " context)");
      }
      c[i] = nContext == 0 ? new double[] {1} : java.util.Arrays.copyOfRange(x[i], 1, x[i].length);
    }
    return c;
  }

  /** τ = t − t0 per row. */
  double[] horizon(double[][] x) {
    double[] tau = new double[x.length];
    for (int i = 0; i < x.length; i++) tau[i] = x[i][0] - t0;
    return tau;
  }

  /** z(t0) of one context row. */
  double[] encode(double[] c) {
    if (settings.encoderHidden() > 0) {
      double[] h = dense(c, params.get("enc_w1"), params.get("enc_b1"), true);
      return dense(h, params.get("enc_w2"), params.get("enc_b2"), false);
    }
    return dense(c, params.get("enc_w"), params.get("enc_b"), false);
  }

  /** f(z) into {@code out}. */
  void dynamics(double[] z, double[] out) {
    Param w1 = params.get("f_w1");
    Param b1 = params.get("f_b1");
    Param w2 = params.get("f_w2");
    Param b2 = params.get("f_b2");
    int l = z.length;
    int hd = w1.cols();
    double[] h = new double[hd];
    for (int j = 0; j < hd; j++) {
      double a = b1.data()[j];
      for (int i = 0; i < l; i++) a += z[i] * w1.data()[i * hd + j];
      h[j] = Math.tanh(a);
    }
    for (int j = 0; j < l; j++) {
      double a = b2.data()[j];
      for (int i = 0; i < hd; i++) a += h[i] * w2.data()[i * l + j];
      out[j] = a;
    }
  }

  /** The decoder's standardised output for a latent state. */
  double decodeStd(double[] z) {
    return dense(z, params.get("dec_w"), params.get("dec_b"), false)[0];
  }

  private static double[] dense(double[] x, Param w, Param b, boolean tanh) {
    int cols = w.cols();
    double[] out = new double[cols];
    for (int j = 0; j < cols; j++) {
      double a = b.data()[j];
      for (int i = 0; i < x.length; i++) a += x[i] * w.data()[i * cols + j];
      out[j] = tanh ? Math.tanh(a) : a;
    }
    return out;
  }

  /** The system dz/ds = τ f(z) of one row. */
  OdeSystem scaled(double tau) {
    int l = settings.latentDim();
    return new OdeSystem() {
      @Override
      public int dimension() {
        return l;
      }

      @Override
      public void derivatives(double s, double[] z, double[] d) {
        dynamics(z, d);
        for (int i = 0; i < l; i++) d[i] *= tau;
      }
    };
  }

  /** z(t) of one row: integrated from z(t0) = enc(c) over s ∈ [0, 1] with the configured solver. */
  double[] latentAt(double[] c, double tau) {
    double[] z0 = encode(c);
    double[][] out = new double[2][z0.length];
    double[] span = {0, 1};
    switch (settings.solver()) {
      case "euler" -> FixedStep.solve(FixedStep.Method.EULER, scaled(tau), z0, span, 1.0 / settings.steps(), out);
      case "rk4" -> FixedStep.solve(FixedStep.Method.RK4, scaled(tau), z0, span, 1.0 / settings.steps(), out);
      default -> Dopri5.solve(scaled(tau), z0, span, new Dopri5.Settings(settings.rtol(), settings.atol(), 0,
          Double.POSITIVE_INFINITY, settings.maxSteps()), out);
    }
    return out[1];
  }

  /** Predictions (label units) for rows of (standardised time, context...). */
  public double[] predict(double[][] x) {
    double[][] c = context(x);
    double[] tau = horizon(x);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = decodeStd(latentAt(c[i], tau[i])) * ySd + yMean;
    return out;
  }

  /**
   * Predictions at arbitrary times for one context: {@code times} in the model's (standardised) time units, any
   * order; each is integrated from t0.
   */
  public double[] predictAt(double[] context, double[] times) {
    double[][] x = new double[times.length][];
    for (int k = 0; k < times.length; k++) {
      double[] row = new double[1 + (nContext == 0 ? 0 : context.length)];
      row[0] = times[k];
      if (nContext > 0) System.arraycopy(context, 0, row, 1, context.length);
      x[k] = row;
    }
    return predict(x);
  }
}
