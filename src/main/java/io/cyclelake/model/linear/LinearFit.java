package io.cyclelake.model.linear;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularModel;
import java.io.Serializable;

/**
 * A fitted linear model y = intercept + coef · x on standardised inputs, and the solvers behind {@code linear},
 * {@code ridge} (closed form, Cholesky) and {@code elasticnet} (coordinate descent, scikit-learn's objective).
 */
public record LinearFit(String model, double intercept, double[] coef, String detail)
    implements TabularModel.Fitted, Serializable {

  @Override
  public double[] predict(double[][] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double s = intercept;
      for (int j = 0; j < coef.length; j++) s += coef[j] * x[i][j];
      out[i] = s;
    }
    return out;
  }

  @Override
  public byte[] save() {
    return Serialized.bytes(this);
  }

  @Override
  public String describe() {
    int nz = 0;
    for (double c : coef) if (c != 0) nz++;
    return model + ": " + nz + " of " + coef.length + " coefficients non-zero, " + detail;
  }

  @Override
  public double[] importance() {
    double[] a = new double[coef.length];
    for (int j = 0; j < a.length; j++) a[j] = Math.abs(coef[j]);
    return a;
  }

  @Override
  public String importanceKind() {
    return "abs-coefficient";
  }

  static double[] colMeans(double[][] x) {
    int d = x.length == 0 ? 0 : x[0].length;
    double[] m = new double[d];
    for (double[] r : x) for (int j = 0; j < d; j++) m[j] += r[j];
    for (int j = 0; j < d; j++) m[j] /= Math.max(1, x.length);
    return m;
  }

  static double[][] centred(double[][] x, double[] m) {
    double[][] out = new double[x.length][m.length];
    for (int i = 0; i < x.length; i++) for (int j = 0; j < m.length; j++) out[i][j] = x[i][j] - m[j];
    return out;
  }

  static double intercept(double ym, double[] beta, double[] xm) {
    double b = ym;
    for (int j = 0; j < beta.length; j++) b -= beta[j] * xm[j];
    return b;
  }

  static double mean(double[] y) {
    double s = 0;
    for (double v : y) s += v;
    return s / y.length;
  }

  /**
   * Minimises ||y − b − Xβ||² + alpha·||β||² (intercept b not penalised) by solving (XcᵀXc + alpha·I) β = Xcᵀ(y − ȳ)
   * on column-centred Xc with a Cholesky factorisation; b = ȳ − β·x̄.
   */
  static LinearFit ridge(String model, double[][] x0, double[] y, double alpha, String detail) {
    double[] xm = colMeans(x0);
    double[][] x = centred(x0, xm);
    int d = xm.length;
    double ym = mean(y);
    double[][] a = new double[d][d];
    double[] b = new double[d];
    for (int i = 0; i < x.length; i++) {
      double[] r = x[i];
      double t = y[i] - ym;
      for (int j = 0; j < d; j++) {
        b[j] += r[j] * t;
        for (int k = 0; k <= j; k++) a[j][k] += r[j] * r[k];
      }
    }
    for (int j = 0; j < d; j++) {
      a[j][j] += alpha;
      for (int k = 0; k < j; k++) a[k][j] = a[j][k];
    }
    double[] beta = cholSolve(a, b, model);
    return new LinearFit(model, intercept(ym, beta, xm), beta, detail);
  }

  /** Solves a·x = b for symmetric positive definite a (a is overwritten). */
  static double[] cholSolve(double[][] a, double[] b, String model) {
    int d = b.length;
    double[][] l = new double[d][d];
    for (int j = 0; j < d; j++) {
      double s = a[j][j];
      for (int k = 0; k < j; k++) s -= l[j][k] * l[j][k];
      if (!(s > 0)) {
        throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, model + ": the normal equations are singular at "
            + "feature " + j + " (collinear or constant features, or fewer rows than features); use ridge with "
            + "alpha > 0 or fewer features");
      }
      l[j][j] = Math.sqrt(s);
      for (int i = j + 1; i < d; i++) {
        double t = a[i][j];
        for (int k = 0; k < j; k++) t -= l[i][k] * l[j][k];
        l[i][j] = t / l[j][j];
      }
    }
    double[] z = new double[d];
    for (int i = 0; i < d; i++) {
      double t = b[i];
      for (int k = 0; k < i; k++) t -= l[i][k] * z[k];
      z[i] = t / l[i][i];
    }
    double[] x = new double[d];
    for (int i = d - 1; i >= 0; i--) {
      double t = z[i];
      for (int k = i + 1; k < d; k++) t -= l[k][i] * x[k];
      x[i] = t / l[i][i];
    }
    return x;
  }

  /**
   * Coordinate descent for scikit-learn's elastic net: (1/2n)||y − ȳ − Xβ||² + alpha·l1·||β||₁ +
   * alpha·(1 − l1)/2·||β||², until the largest coefficient change is below {@code tol} or {@code maxIter} sweeps.
   */
  static LinearFit elasticNet(double[][] x0, double[] y, double alpha, double l1, int maxIter, double tol) {
    double[] xm = colMeans(x0);
    double[][] x = centred(x0, xm);
    int n = x.length;
    int d = xm.length;
    double ym = mean(y);
    double[] r = new double[n];
    for (int i = 0; i < n; i++) r[i] = y[i] - ym;
    double[] z = new double[d];
    for (int j = 0; j < d; j++) {
      for (double[] row : x) z[j] += row[j] * row[j];
      z[j] /= n;
    }
    double[] beta = new double[d];
    int it = 0;
    double maxDelta = Double.POSITIVE_INFINITY;
    while (it < maxIter && maxDelta > tol) {
      maxDelta = 0;
      for (int j = 0; j < d; j++) {
        if (z[j] == 0) continue;
        double rho = 0;
        for (int i = 0; i < n; i++) rho += x[i][j] * (r[i] + x[i][j] * beta[j]);
        rho /= n;
        double nb = Math.signum(rho) * Math.max(Math.abs(rho) - alpha * l1, 0) / (z[j] + alpha * (1 - l1));
        double delta = nb - beta[j];
        if (delta != 0) {
          for (int i = 0; i < n; i++) r[i] -= x[i][j] * delta;
          beta[j] = nb;
          maxDelta = Math.max(maxDelta, Math.abs(delta));
        }
      }
      it++;
    }
    return new LinearFit("elasticnet", intercept(ym, beta, xm), beta, it + " coordinate-descent sweeps (alpha=" + alpha + ", l1-ratio="
        + l1 + (maxDelta > tol ? ", NOT converged: last change " + maxDelta : "") + ")");
  }
}
