package io.cyclelake.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The loss per epoch of an iterative trainer (mlp, neural-ode, the DL4J sequence models): the training loss after each
 * epoch and, where the fit had validation rows, the validation loss, plus which epoch's weights the fitted model kept.
 * Recorded in {@code training_curves} and logged to tracking as per-epoch metrics.
 *
 * @param loss what the losses measure, e.g. {@code mse (label units)}
 */
public record TrainingCurve(String loss, List<Point> points) implements Serializable {
  /** No curve: the model is not trained in epochs (trees, linear models). */
  public static final TrainingCurve NONE = new TrainingCurve("none", List.of());

  /**
   * One epoch.
   *
   * @param validationLoss NaN without validation rows or when the epoch was not evaluated
   * @param kept true for the epoch whose weights the fitted model uses
   */
  public record Point(int epoch, double trainLoss, double validationLoss, boolean kept) implements Serializable {}

  public TrainingCurve {
    Objects.requireNonNull(loss, "loss");
    points = List.copyOf(points);
  }

  public boolean isEmpty() {
    return points.isEmpty();
  }

  /**
   * A curve from per-epoch lists (epoch k + 1 at index k).
   *
   * @param validation may be shorter than {@code train} (missing = NaN), e.g. empty without validation rows
   * @param keptEpoch the 1-based epoch whose weights were kept
   */
  public static TrainingCurve of(String loss, List<Double> train, List<Double> validation, int keptEpoch) {
    List<Point> p = new ArrayList<>(train.size());
    for (int k = 0; k < train.size(); k++) {
      double v = k < validation.size() && validation.get(k) != null ? validation.get(k) : Double.NaN;
      p.add(new Point(k + 1, train.get(k), v, k + 1 == keptEpoch));
    }
    return new TrainingCurve(loss, p);
  }
}
