package io.cyclelake.model.linear;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularClassifier;
import java.io.Serializable;

/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least squares) on
 * standardised inputs: minimises Σ wᵢ·logloss(yᵢ, σ(b + xᵢ·β)) + l2/2·||β||² (intercept not penalised), with
 * wᵢ = negatives/positives for the positives when {@code balance-classes} (class imbalance), else 1. Stops when the
 * largest Newton step is below 1e-8 or after {@code max-iter} iterations.
 */
public final class LogisticClassifier implements TabularClassifier {
  @Override
  public String name() {
    return "logistic";
  }

  record Model(double intercept, double[] beta, int iterations) implements Serializable {}

  @Override
  public Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    double l2 = p.getDouble("l2");
    int maxIter = p.getInt("max-iter");
    if (l2 < 0 || maxIter < 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "telemetry.logistic needs l2 >= 0 and max-iter >= 1");
    }
    int n = x.length;
    int d = n == 0 ? 0 : x[0].length;
    double pos = 0;
    for (double v : y) pos += v;
    if (pos == 0 || pos == n) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "logistic: the training rows hold one class only ("
          + (long) pos + " positives of " + n + ")");
    }
    double wPos = p.getBoolean("balance-classes") ? (n - pos) / pos : 1;
    double[] w = new double[d + 1]; // w[0] = intercept
    int it = 0;
    for (; it < maxIter; it++) {
      double[][] h = new double[d + 1][d + 1];
      double[] g = new double[d + 1];
      for (int i = 0; i < n; i++) {
        double z = w[0];
        for (int j = 0; j < d; j++) z += w[j + 1] * x[i][j];
        double pr = sigmoid(z);
        double wi = y[i] == 1 ? wPos : 1;
        double r = wi * (pr - y[i]);
        double s = wi * Math.max(pr * (1 - pr), 1e-12);
        g[0] += r;
        for (int j = 0; j < d; j++) g[j + 1] += r * x[i][j];
        h[0][0] += s;
        for (int j = 0; j < d; j++) {
          double sx = s * x[i][j];
          h[0][j + 1] += sx;
          for (int k = 0; k <= j; k++) h[j + 1][k + 1] += sx * x[i][k];
        }
      }
      for (int j = 0; j < d; j++) {
        h[j + 1][0] = h[0][j + 1];
        for (int k = 0; k < j; k++) h[k + 1][j + 1] = h[j + 1][k + 1];
        h[j + 1][j + 1] += l2;
        g[j + 1] += l2 * w[j + 1];
      }
      double[] step = LinearFit.cholSolve(h, g, "logistic");
      double big = 0;
      for (int j = 0; j <= d; j++) {
        w[j] -= step[j];
        big = Math.max(big, Math.abs(step[j]));
      }
      if (big < 1e-8) {
        it++;
        break;
      }
    }
    double[] beta = new double[d];
    System.arraycopy(w, 1, beta, 0, d);
    return new Fit(new Model(w[0], beta, it));
  }

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  @Override
  public Fitted load(byte[] saved) {
    return new Fit(Serialized.read(saved, Model.class, "logistic"));
  }

  private record Fit(Model m) implements Fitted {
    @Override
    public double[] probability(double[][] x) {
      double[] out = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        double z = m.intercept();
        for (int j = 0; j < m.beta().length; j++) z += m.beta()[j] * x[i][j];
        out[i] = sigmoid(z);
      }
      return out;
    }

    @Override
    public byte[] save() {
      return Serialized.bytes(m);
    }

    @Override
    public String describe() {
      return "logistic: " + m.beta().length + " coefficients, " + m.iterations() + " Newton iterations";
    }
  }
}
