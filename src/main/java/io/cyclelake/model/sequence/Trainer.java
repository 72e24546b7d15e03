package io.cyclelake.model.sequence;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training loop of the DL4J sequence models: seeded shuffles into minibatches, one pass per epoch, the loss on
 * the validation sequences after each epoch (dropout off), early stopping with the best weights restored, and one
 * progress line per epoch. Fixed seeds give identical results on the CPU backend, also across a restart from a
 * checkpoint ({@link Checkpoints}).
 */
public final class Trainer {
  private Trainer() {}

  /**
   * What training did.
   *
   * @param resumedAfterEpoch the epoch of the checkpoint training resumed from (0 = trained from epoch 1)
   * @param checkpointProblem why an existing checkpoint could not be used (training started over), or null
   */
  public record Result(List<SequenceModel.EpochStats> history, int bestEpoch, double bestValidationLoss,
      int resumedAfterEpoch, String checkpointProblem) {}

  /** {@link #train(Model, SequenceBatch, SequenceBatch, TrainSettings, long, Consumer, Checkpoints)} without checkpoints. */
  public static Result train(Model net, SequenceBatch train, SequenceBatch val, TrainSettings s, long seed,
      Consumer<String> progress) {
    return train(net, train, val, s, seed, progress, Checkpoints.OFF);
  }

  /**
   * Trains {@code net} (initialised, seeded) for {@code s.epochs()} epochs or until early stopping. With
   * {@code checkpoints} enabled, the whole state is saved after every {@link Checkpoints#every()} epochs and when
   * training stops, and a checkpoint of the same training found at the start is resumed: the network's weights,
   * updater state and iteration count, the shuffle's random generator and row order, ND4J's random state (dropout),
   * the epoch history and the early-stopping state (best weights, loss, epoch, epochs since) are restored, so the
   * result equals that of an uninterrupted training on the CPU backend.
   */
  public static Result train(Model net, SequenceBatch train, SequenceBatch val, TrainSettings s, long seed,
      Consumer<String> progress, Checkpoints checkpoints) {
    return train(net, train, val, s, seed, progress, checkpoints, ONE_OUTPUT);
  }

  /** Labels of a one-output network: {@link SequenceTensors#dataSet(SequenceBatch, int[])}. */
  public static final Function<SequenceBatch, Function<int[], DataSet>> ONE_OUTPUT =
      b -> rows -> SequenceTensors.dataSet(b, rows);

  /**
   * {@link #train(Model, SequenceBatch, SequenceBatch, TrainSettings, long, Consumer, Checkpoints)} with the
   * network's own labels: {@code data} gives, for a whole batch, the function from rows to their features, labels
   * and masks (e.g. the several targets of a several-output network).
   */
  public static Result train(Model net, SequenceBatch train, SequenceBatch val, TrainSettings s, long seed,
      Consumer<String> progress, Checkpoints checkpoints, Function<SequenceBatch, Function<int[], DataSet>> data) {
    Random shuffle = new Random(seed);
    Nd4j.getRandom().setSeed(seed);
    int n = train.size();
    int[] order = SequenceTensors.all(n);
    Function<int[], DataSet> trainData = data.apply(train);
    DataSet valSet = val == null || val.size() == 0 ? null : data.apply(val).apply(SequenceTensors.all(val.size()));
    boolean early = valSet != null && s.patience() > 0;
    List<SequenceModel.EpochStats> history = new ArrayList<>();
    INDArray best = null;
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = -1;
    int sinceBest = 0;
    int start = 1;
    boolean stopped = false;
    Checkpoints.Loaded loaded = checkpoints.load();
    String problem = loaded.problem();
    if (loaded.state().isPresent()) {
      Checkpoints.State c = loaded.state().get();
      try {
        restore(net, c.network());
        order = c.order().clone();
        if (order.length != n) throw new IllegalStateException("it has " + order.length + " training rows, not " + n);
        shuffle = Checkpoints.random(c.shuffle());
        best = c.best() == null ? null : Nd4j.fromByteArray(c.best());
        history.addAll(c.history());
        bestLoss = c.bestLoss();
        bestEpoch = c.bestEpoch();
        sinceBest = c.sinceBest();
        stopped = c.stopped();
        start = c.epoch() + 1;
        Nd4j.getRandom().setStates(c.rngRoot(), c.rngNode());
        progress.accept("resuming from checkpoint " + checkpoints.file() + " after epoch " + c.epoch()
            + (stopped ? " (training had ended there)" : ""));
      } catch (RuntimeException | java.io.IOException e) {
        throw new IllegalStateException("checkpoint " + checkpoints.file() + " passed its checks but could not be "
            + "restored: " + e + "; delete it to train from epoch 1", e);
      }
    } else if (problem != null) {
      progress.accept("checkpoint " + checkpoints.file() + " is unusable: " + problem + "; training starts over "
          + "from epoch 1");
    }
    int resumedAfter = start - 1;
    for (int epoch = start; epoch <= s.epochs() && !stopped; epoch++) {
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
        DataSet ds = trainData.apply(rows);
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
        if (early) best = net.params().dup();
      } else {
        sinceBest++;
      }
      if (!Double.isFinite(trainLoss)) {
        progress.accept(line(epoch, s, trainLoss, valLoss, improved, seconds, n / fitSeconds));
        throw new IllegalStateException("training diverged: loss " + trainLoss + " at epoch " + epoch
            + "; lower learning-rate or set clip-norm");
      }
      boolean earlyStop = early && sinceBest >= s.patience();
      stopped = earlyStop || epoch == s.epochs();
      if (checkpoints.due(epoch, stopped)) {
        checkpoints.save(new Checkpoints.State(checkpoints.key(), epoch, stopped, network(net),
            Checkpoints.randomState(shuffle), order.clone(), Nd4j.getRandom().rootState(),
            Nd4j.getRandom().nodeState(), List.copyOf(history), best == null ? null : bytes(best), bestLoss,
            bestEpoch, sinceBest));
      }
      progress.accept(line(epoch, s, trainLoss, valLoss, improved, seconds, n / fitSeconds));
      if (earlyStop) {
        progress.accept("early stop: no lower validation loss for " + s.patience() + " epochs; restoring epoch "
            + bestEpoch);
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
    return new Result(history, bestEpoch, bestLoss, resumedAfter, problem);
  }

  private static String line(int epoch, TrainSettings s, double trainLoss, double valLoss, boolean improved,
      double seconds, double perSecond) {
    return String.format(Locale.ROOT, "epoch %d/%d: train loss %.5f, validation loss %.5f%s, %.2f s, "
        + "%.0f sequences/s", epoch, s.epochs(), trainLoss, valLoss, improved ? " *" : "", seconds, perSecond);
  }

  /** The network with its updater state, as DL4J's model zip. */
  private static byte[] network(Model net) {
    try (ByteArrayOutputStream b = new ByteArrayOutputStream()) {
      ModelSerializer.writeModel(net, b, true);
      return b.toByteArray();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot serialise the network for a checkpoint", e);
    }
  }

  private static byte[] bytes(INDArray a) {
    try {
      return Nd4j.toByteArray(a);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot serialise the best weights for a checkpoint", e);
    }
  }

  /** Copies the weights, updater state and iteration/epoch counts of a saved network into {@code net}. */
  private static void restore(Model net, byte[] saved) throws java.io.IOException {
    if (net instanceof MultiLayerNetwork m) {
      MultiLayerNetwork c = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(saved), true);
      copy(m.params(), c.params(), "weights");
      copy(m.getUpdater().getStateViewArray(), c.getUpdater().getStateViewArray(), "updater state");
      m.setIterationCount(c.getIterationCount());
      m.setEpochCount(c.getEpochCount());
    } else if (net instanceof ComputationGraph g) {
      ComputationGraph c = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(saved), true);
      copy(g.params(), c.params(), "weights");
      copy(g.getUpdater().getStateViewArray(), c.getUpdater().getStateViewArray(), "updater state");
      g.getConfiguration().setIterationCount(c.getIterationCount());
      g.getConfiguration().setEpochCount(c.getEpochCount());
    } else {
      throw new IllegalArgumentException("unsupported network " + net.getClass().getName());
    }
  }

  private static void copy(INDArray into, INDArray from, String what) {
    if (into == null && from == null) return;
    if (into == null || from == null || into.length() != from.length()) {
      throw new IllegalStateException("its " + what + " have " + (from == null ? 0 : from.length())
          + " values, the network has " + (into == null ? 0 : into.length()));
    }
    into.assign(from);
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
