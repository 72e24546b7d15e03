package io.cyclelake.model.sequence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.internal.Registry;
import io.cyclelake.model.TrainingCurve;
import io.cyclelake.split.Fold;
import io.cyclelake.sweep.FoldRunner;
import io.cyclelake.sweep.TaskSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Fits one sequence-model spec on one fold inside a Spark task: the sequence scaler and the label scaler are fitted
 * on the fold's training sequences only, the model on those (validation sequences for early stopping; checkpoints
 * under a key of the spec, seed and scaled data, so a retried task resumes), then every used sequence is
 * predicted and the split-conformal half-width taken from the validation residuals. Any exception becomes a failed
 * result.
 */
public final class SequenceTask {
  private SequenceTask() {}

  /**
   * What every task of a sweep shares besides its spec.
   *
   * @param task the label task's name
   * @param labelScaling {@code sequence.label-scaling}: standard | none | auto ({@link LabelScaler#fit})
   * @param checkpoints where the trainings save and find their checkpoints
   * @param attentionSample how many predictions of an attention model have their attention weights sent back
   *     ({@code sequence.attention-sample}; 0 = none)
   */
  public record Settings(String task, String labelScaling, Checkpoints.Settings checkpoints, int attentionSample)
      implements Serializable {
    /** SOH labels unscaled, no checkpoints. */
    public static final Settings PLAIN = new Settings("soh", "none", Checkpoints.Settings.OFF);

    public Settings {
      if (attentionSample < 0) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "sequence.attention-sample must be >= 0, got "
            + attentionSample);
      }
    }

    /** No attention sample. */
    public Settings(String task, String labelScaling, Checkpoints.Settings checkpoints) {
      this(task, labelScaling, checkpoints, 0);
    }
  }

  /**
   * The attention behind the prediction of one sequence: what each time step received ({@link Attention#received}).
   *
   * @param row index into the {@link SequenceSet}
   */
  public record AttentionRow(int row, int steps, double[] weight) implements Serializable {}

  /**
   * What a task sends back.
   *
   * @param rows indices into the {@link SequenceSet} of the predicted sequences
   * @param predicted predictions of {@code rows}, in the label's units (label scaling undone)
   * @param labels the label scaling fitted on the fold's training labels
   * @param model the saved model ({@link SequenceModel.Fitted#save()}), null when failed
   * @param horizons the model's outputs ({@link SequenceModel.Fitted#horizons()}; {0} for one output), null when
   *     failed
   * @param extraPredicted for a several-output model, {@code [output − 1][k]}: outputs 1.. of {@code rows[k]} in
   *     the label's units; empty for one output
   * @param curve the loss per epoch ({@link TrainingCurve#NONE} when failed)
   * @param attention the attention sample (empty for models without attention, or when failed)
   */
  public record Result(TaskSpec spec, String status, String error, double fitSeconds, String description,
      int[] rows, double[] predicted, double halfWidth, List<SequenceModel.EpochStats> history,
      SequenceScaler scaler, LabelScaler labels, byte[] model, int[] horizons, double[][] extraPredicted,
      TrainingCurve curve, List<AttentionRow> attention)
      implements Serializable {}

  public static Result run(SequenceSet data, Fold fold, TaskSpec spec, Settings settings, boolean printEpochs) {
    long t0 = System.nanoTime();
    try {
      SequenceModel model = Registry.load(SequenceModel.class, SequenceModel::name, "sequence model")
          .get(spec.model());
      Config params = ConfigFactory.parseString(spec.params());
      int[] tr = fold.rows(Fold.TRAIN);
      int[] va = fold.rows(Fold.VALIDATION);
      SequenceScaler scaler = SequenceScaler.fit(data.x(), data.length(), tr, data.channels().size());
      LabelScaler labels = LabelScaler.fit(settings.labelScaling(), settings.task(), data.y(), tr);
      if (!labels.isIdentity() && params.hasPath("loss") && params.getString("loss").equals("mape")) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "loss mape is a percentage of the label, which "
            + "standardised labels (sequence.label-scaling = " + settings.labelScaling() + ", task "
            + settings.task() + ") do not preserve; use another loss or sequence.label-scaling = none");
      }
      SequenceBatch train = data.batch(tr, scaler, labels);
      SequenceBatch val = va.length == 0 ? null : data.batch(va, scaler, labels);
      String key = Checkpoints.key(List.of(spec.model(), spec.params(), Long.toString(spec.seed()),
          settings.task(), labels.toString(), spec.foldName()), train, val);
      Checkpoints checkpoints = settings.checkpoints().forTraining(spec.model(), key);
      SequenceModel.Fitted fitted = model.fit(train, val, params, spec.seed(), line -> {
        if (printEpochs) System.out.println("  [" + spec.runId() + "] " + line);
      }, checkpoints);
      int[] used = usedRows(fold);
      double[][] outputs = fitted.predictOutputs(data.batch(used, scaler));
      int[] horizons = fitted.horizons();
      double[] pred = new double[used.length];
      double[][] extra = new double[horizons.length - 1][used.length];
      for (int k = 0; k < used.length; k++) {
        pred[k] = outputs[k][0];
        for (int j = 1; j < horizons.length; j++) extra[j - 1][k] = outputs[k][j];
      }
      labels.unscaleInPlace(pred);
      for (double[] e : extra) labels.unscaleInPlace(e);
      for (double p : pred) {
        if (!Double.isFinite(p)) throw new IllegalStateException(spec.model() + " predicted a non-finite value " + p);
      }
      double half = Double.NaN;
      if (va.length > 0) {
        double[] pv = labels.unscaleInPlace(fitted.predict(val));
        double[] res = new double[va.length];
        for (int k = 0; k < va.length; k++) res[k] = Math.abs(data.y()[va[k]] - pv[k]);
        half = FoldRunner.conformalHalfWidth(res, spec.intervalLevel());
      }
      String description = fitted.describe() + (labels.isIdentity() ? "" : String.format(java.util.Locale.ROOT,
          "; labels standardised on the training fold (mean %.4g, sd %.4g)", labels.mean(), labels.scale()));
      TrainingCurve c = fitted.curve();
      TrainingCurve curve = labels.isIdentity() ? c : new TrainingCurve(c.loss() + ", labels standardised on the "
          + "training fold", c.points());
      // both attention models (lstm-attention, acla) keep a sample of their attention weights
      List<AttentionRow> attention = fitted instanceof LstmAttentionModel.Fitted || fitted instanceof AclaModel.Fitted
          ? attention((Dl4jSequenceModel.Dl4jFitted) fitted, data, scaler, sampleRows(fold, settings.attentionSample()))
          : List.of();
      return new Result(spec, "ok", null, (System.nanoTime() - t0) / 1e9, description, used, pred, half,
          fitted.history(), scaler, labels, fitted.save(), horizons, extra, curve, attention);
    } catch (Exception | StackOverflowError e) {
      return new Result(spec, "failed", e.getClass().getSimpleName() + ": " + e.getMessage(),
          (System.nanoTime() - t0) / 1e9, null, null, null, Double.NaN, null, null, null, null, null, null,
          TrainingCurve.NONE, List.of());
    }
  }

  /**
   * At most {@code n} rows evenly spaced over the fold's test rows in order (over all its used rows when it has no
   * test part), the first and the last included.
   */
  static int[] sampleRows(Fold fold, int n) {
    int[] from = fold.rows(Fold.TEST);
    if (from.length == 0) from = usedRows(fold);
    if (n <= 0 || from.length == 0) return new int[0];
    if (from.length <= n) return from.clone();
    int[] out = new int[n];
    for (int k = 0; k < n; k++) out[k] = from[n == 1 ? 0 : (int) Math.round(k * (from.length - 1) / (double) (n - 1))];
    return out;
  }

  static List<AttentionRow> attention(Dl4jSequenceModel.Dl4jFitted f, SequenceSet data, SequenceScaler scaler,
      int[] rows) {
    if (rows.length == 0) return List.of();
    SequenceBatch b = data.batch(rows, scaler);
    List<AttentionRow> out = new ArrayList<>(rows.length);
    for (int k = 0; k < rows.length; k++) {
      int len = b.length()[k];
      out.add(new AttentionRow(rows[k], len, Attention.received(f.attention(b, k), len)));
    }
    return out;
  }

  static int[] usedRows(Fold fold) {
    int n = 0;
    for (byte b : fold.part()) if (b != Fold.UNUSED) n++;
    int[] out = new int[n];
    int k = 0;
    for (int i = 0; i < fold.part().length; i++) if (fold.part()[i] != Fold.UNUSED) out[k++] = i;
    return out;
  }
}
