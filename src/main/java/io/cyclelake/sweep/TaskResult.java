package io.cyclelake.sweep;

import io.cyclelake.model.Preprocessor;
import io.cyclelake.model.TrainingCurve;
import java.io.Serializable;

/**
 * What a task sends back to the driver: predictions of every used row of the fold (train, validation and test), the
 * conformal half-width, importance and the saved model. {@code status} is {@code failed} with {@code error} set when
 * the fit threw; the other fields are then null.
 *
 * @param rows indices into {@link SweepData} of the predicted rows
 * @param halfWidth split-conformal half-width, NaN without a validation part (or too few validation rows)
 * @param model the fitted model's bytes; null for a model fitted by Spark MLlib, which the driver saves as a directory
 * @param curve the loss per epoch of an iterative trainer ({@link TrainingCurve#NONE} for other models)
 */
public record TaskResult(TaskSpec spec, String status, String error, double fitSeconds, String description,
    int[] rows, double[] predicted, double halfWidth, double[] importance, String importanceKind, byte[] model,
    Preprocessor preprocessor, TrainingCurve curve) implements Serializable {

  static TaskResult failed(TaskSpec spec, Throwable e, double seconds) {
    String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
    return new TaskResult(spec, "failed", msg, seconds, null, null, null, Double.NaN, null, null, null, null,
        TrainingCurve.NONE);
  }
}
