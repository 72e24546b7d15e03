package io.cyclelake.model.sequence;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Regression losses by name, plain Java over one minibatch: per-example loss {@code l_i} and its derivative with
 * respect to the prediction. The score of a batch is {@code sum_i w_i l_i} (divided by n when averaged), with
 * {@code w_i} the label mask (1 when there is none).
 *
 * <ul>
 *   <li>{@code mse}: {@code (p - y)^2};
 *   <li>{@code mae}: {@code |p - y|} (derivative sign(p - y), 0 at 0);
 *   <li>{@code huber}: {@code (p - y)^2 / 2} for {@code |p - y| <= delta}, else {@code delta (|p - y| - delta / 2)};
 *   <li>{@code mape}: {@code 100 |p - y| / max(|y|, 1e-8)};
 *   <li>{@code physics}: mse plus {@code weight * max(0, p_b - p_a)} for every pair of examples of the same cell in
 *       the batch where b is the next larger cycle number after a: predicted SOH must not rise with cycle number. The
 *       pair's penalty is counted in example b's loss.
 * </ul>
 */
public final class Losses {
  private Losses() {}

  public static final List<String> NAMES = List.of("mse", "mae", "huber", "mape", "physics");

  /** A loss with its settings. */
  public record Spec(String name, double huberDelta, double physicsWeight) implements java.io.Serializable {
    public Spec {
      if (!NAMES.contains(name)) {
        throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "no loss named '" + name + "'; known losses: "
            + String.join(", ", NAMES));
      }
      if (!(huberDelta > 0)) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "huber-delta must be > 0, got " + huberDelta);
      }
      if (!(physicsWeight >= 0)) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "physics-weight must be >= 0, got " + physicsWeight);
      }
    }
  }

  /**
   * Per-example losses and derivatives.
   *
   * @param p predictions, length n
   * @param y targets
   * @param cycle cycle number per example (physics only; may be null otherwise)
   * @param group cell per example as a number (physics only)
   * @param loss per-example loss, written
   * @param grad d loss / d p_i of the whole batch (unmasked, not averaged), written
   */
  public static void compute(Spec spec, double[] p, double[] y, double[] cycle, double[] group, double[] loss,
      double[] grad) {
    int n = p.length;
    for (int i = 0; i < n; i++) {
      double e = p[i] - y[i];
      switch (spec.name()) {
        case "mse", "physics" -> {
          loss[i] = e * e;
          grad[i] = 2 * e;
        }
        case "mae" -> {
          loss[i] = Math.abs(e);
          grad[i] = Math.signum(e);
        }
        case "huber" -> {
          double d = spec.huberDelta();
          if (Math.abs(e) <= d) {
            loss[i] = 0.5 * e * e;
            grad[i] = e;
          } else {
            loss[i] = d * (Math.abs(e) - 0.5 * d);
            grad[i] = d * Math.signum(e);
          }
        }
        case "mape" -> {
          double s = 100.0 / Math.max(Math.abs(y[i]), 1e-8);
          loss[i] = s * Math.abs(e);
          grad[i] = s * Math.signum(e);
        }
        default -> throw new IllegalStateException(spec.name());
      }
    }
    if (spec.name().equals("physics") && spec.physicsWeight() > 0) {
      double w = spec.physicsWeight();
      for (int[] pair : orderedPairs(cycle, group)) {
        int a = pair[0];
        int b = pair[1];
        double rise = p[b] - p[a];
        if (rise > 0) {
          loss[b] += w * rise;
          grad[b] += w;
          grad[a] -= w;
        }
      }
    }
  }

  /** Pairs (a, b) of examples of the same group where b has the next larger cycle number after a's. */
  static List<int[]> orderedPairs(double[] cycle, double[] group) {
    int n = cycle.length;
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> group[i]).thenComparingDouble(i -> cycle[i]));
    List<int[]> out = new ArrayList<>();
    for (int k = 1; k < n; k++) {
      int a = idx[k - 1];
      int b = idx[k];
      if (group[a] == group[b] && cycle[b] > cycle[a]) out.add(new int[] {a, b});
    }
    return out;
  }
}
