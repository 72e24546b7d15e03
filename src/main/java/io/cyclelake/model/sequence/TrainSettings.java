package io.cyclelake.model.sequence;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;

/**
 * Trainer settings shared by the DL4J sequence models ({@code cyclelake.model.<name>}).
 *
 * @param optimizer {@code adam} or {@code adamw} (Adam with decoupled weight decay {@code weightDecay})
 * @param lrDecayPerEpoch the learning rate is multiplied by this once per epoch (1 = constant)
 * @param patience stop after this many epochs without a lower validation loss, then restore the best weights
 *     (0 = train every epoch, keep the last weights)
 * @param clipNorm clip each layer's gradient to this L2 norm (0 = no clipping)
 * @param threads ND4J native threads (0 = ND4J's default: all cores)
 */
public record TrainSettings(String optimizer, double learningRate, double weightDecay, double lrDecayPerEpoch,
    Losses.Spec loss, int epochs, int batchSize, int patience, double clipNorm, int threads) implements java.io.Serializable {

  public TrainSettings {
    if (!optimizer.equals("adam") && !optimizer.equals("adamw")) {
      throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "no optimizer named '" + optimizer
          + "'; known optimizers: adam, adamw");
    }
    check(learningRate > 0, "learning-rate must be > 0, got " + learningRate);
    check(weightDecay >= 0, "weight-decay must be >= 0, got " + weightDecay);
    check(lrDecayPerEpoch > 0 && lrDecayPerEpoch <= 1, "lr-decay-per-epoch must be in (0, 1], got "
        + lrDecayPerEpoch);
    check(epochs >= 1, "epochs must be >= 1, got " + epochs);
    check(batchSize >= 1, "batch-size must be >= 1, got " + batchSize);
    check(patience >= 0, "patience must be >= 0, got " + patience);
    check(clipNorm >= 0, "clip-norm must be >= 0, got " + clipNorm);
    check(threads >= 0, "threads must be >= 0, got " + threads);
  }

  private static void check(boolean ok, String message) {
    if (!ok) throw new CycleLakeException(ErrorCode.CONFIG_INVALID, message);
  }

  public static TrainSettings of(Config p) {
    return new TrainSettings(p.getString("optimizer"), p.getDouble("learning-rate"), p.getDouble("weight-decay"),
        p.getDouble("lr-decay-per-epoch"), new Losses.Spec(p.getString("loss"), p.getDouble("huber-delta"),
            p.getDouble("physics-weight")), p.getInt("epochs"), p.getInt("batch-size"), p.getInt("patience"),
        p.getDouble("clip-norm"), p.getInt("threads"));
  }
}
