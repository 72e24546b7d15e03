package io.cyclelake.model.sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training loop of the DL4J sequence models: seeded shuffles into minibatches, one pass per epoch, the loss on
 * the validation sequences after each epoch (dropout off), early stopping with the best weights restored, and one
 * progress line per epoch. Fixed seeds give identical results on the CPU backend.
 */
public final class Trainer {
  private Trainer() {}

  /** What training did. */
  public record Result(List<SequenceModel.EpochStats> history, int bestEpoch, double bestValidationLoss) {}

  public static Result train(Model net, SequenceBatch train, SequenceBatch val, TrainSettings s, long seed,
      Consumer<String> progress) {
    Random shuffle = new Random(seed);
    Nd4j.getRandom().setSeed(seed);
    int n = train.size();
    int[] order = SequenceTensors.all(n);
    DataSet valSet = val == null || val.size() == 0 ? null : SequenceTensors.dataSet(val, SequenceTensors.all(val.size()));
    List<SequenceModel.EpochStats> history = new ArrayList<>();
    INDArray best = null;
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = -1;
    int sinceBest = 0;
    for (int epoch = 1; epoch <= s.epochs(); epoch++) {
      long t0 = System.nanoTime();
      for (int i = n - 1; i > 0; i--) {
        int j = shuffle.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      double sum = 0;
      for (int from = 0; from < n; from += s.batchSize()) {
        int[] rows = java.util.Arrays.copyOfRange(order, from, Math.min(n, from + s.batchSize()));
        DataSet ds = SequenceTensors.dataSet(train, rows);
        fit(net, ds);
        sum += net.score() * rows.length;
      }
      double fitSeconds = (System.nanoTime() - t0) / 1e9;
      double trainLoss = sum / n;
      double valLoss = valSet == null ? Double.NaN : score(net, valSet);
      double seconds = (System.nanoTime() - t0) / 1e9;
      history.add(new SequenceModel.EpochStats(epoch, trainLoss, valLoss, seconds, fitSeconds, n / fitSeconds));
      double monitored = valSet == null ? trainLoss : valLoss;
      boolean improved = monitored < bestLoss;
      if (improved) {
        bestLoss = monitored;
        bestEpoch = epoch;
        sinceBest = 0;
        if (valSet != null && s.patience() > 0) best = net.params().dup();
      } else {
        sinceBest++;
      }
      progress.accept(String.format(Locale.ROOT, "epoch %d/%d: train loss %.5f, validation loss %.5f%s, %.2f s, "
          + "%.0f sequences/s", epoch, s.epochs(), trainLoss, valLoss, improved ? " *" : "", seconds, n / fitSeconds));
      if (!Double.isFinite(trainLoss)) {
        throw new IllegalStateException("training diverged: loss " + trainLoss + " at epoch " + epoch
            + "; lower learning-rate or set clip-norm");
      }
      if (valSet != null && s.patience() > 0 && sinceBest >= s.patience()) {
        progress.accept("early stop: no lower validation loss for " + s.patience() + " epochs; restoring epoch "
            + bestEpoch);
        break;
      }
    }
    if (best != null) {
      net.setParams(best);
    } else {
      // no early stopping: the last epoch's weights are kept
      SequenceModel.EpochStats last = history.get(history.size() - 1);
      bestEpoch = last.epoch();
      bestLoss = valSet == null ? last.trainLoss() : last.validationLoss();
    }
    return new Result(history, bestEpoch, bestLoss);
  }

  private static void fit(Model net, DataSet ds) {
    if (net instanceof MultiLayerNetwork m) m.fit(ds);
    else if (net instanceof ComputationGraph g) g.fit(ds);
    else throw new IllegalArgumentException("unsupported network " + net.getClass().getName());
  }

  /** The loss of a data set with dropout off (plus the weight-decay term when set). */
  static double score(Model net, DataSet ds) {
    if (net instanceof MultiLayerNetwork m) return m.score(ds, false);
    if (net instanceof ComputationGraph g) return g.score(ds, false);
    throw new IllegalArgumentException("unsupported network " + net.getClass().getName());
  }
}
