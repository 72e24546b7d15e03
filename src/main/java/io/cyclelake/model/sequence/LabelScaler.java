package io.cyclelake.model.sequence;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.io.Serializable;

/**
 * Affine scaling of the label a sequence model is trained on: the network learns {@code (y - mean) / scale} and its
 * outputs are mapped back with {@code mean + scale · z}, so predictions, residuals and metrics stay in the label's
 * own units (SOH fraction, RUL in discharges). Fitted on the training fold's labels only ({@link #fit}).
 *
 * <p>{@code cyclelake.sequence.label-scaling}: {@code standard} (mean and sample standard deviation of the training
 * labels; a constant label keeps scale 1), {@code none} (identity), {@code auto} (standard for every task but
 * {@code soh}, whose labels are already of order 1: RUL labels are in the hundreds of discharges, far from the
 * output range a freshly initialised network starts in).
 */
public record LabelScaler(double mean, double scale) implements Serializable {
  public static final LabelScaler IDENTITY = new LabelScaler(0, 1);

  public LabelScaler {
    if (!Double.isFinite(mean) || !(scale > 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("LabelScaler needs a finite mean and a finite scale > 0, got " + mean
          + ", " + scale);
    }
  }

  /**
   * The scaler for {@code mode} fitted on {@code y[rows]} (the training rows only).
   *
   * @param mode standard | none | auto
   * @param task the label task's name (for {@code auto})
   * @throws CycleLakeException CONFIG_INVALID for an unknown mode
   */
  public static LabelScaler fit(String mode, String task, double[] y, int[] rows) {
    boolean standard = switch (mode) {
      case "standard" -> true;
      case "none" -> false;
      case "auto" -> !task.equals("soh");
      default -> throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "sequence.label-scaling must be standard, "
          + "none or auto, got '" + mode + "'");
    };
    if (!standard || rows.length == 0) return IDENTITY;
    double m = 0;
    for (int i : rows) m += y[i];
    m /= rows.length;
    double ss = 0;
    for (int i : rows) ss += (y[i] - m) * (y[i] - m);
    double sd = rows.length < 2 ? 0 : Math.sqrt(ss / (rows.length - 1));
    return new LabelScaler(m, sd > 1e-12 * Math.max(1, Math.abs(m)) ? sd : 1);
  }

  /** A new array: {@code (y - mean) / scale}. */
  public double[] scale(double[] y) {
    double[] out = new double[y.length];
    for (int i = 0; i < y.length; i++) out[i] = (y[i] - mean) / scale;
    return out;
  }

  /** In place: {@code z ← mean + scale · z}; returns {@code z}. */
  public double[] unscaleInPlace(double[] z) {
    for (int i = 0; i < z.length; i++) z[i] = mean + scale * z[i];
    return z;
  }

  public boolean isIdentity() {
    return mean == 0 && scale == 1;
  }
}
