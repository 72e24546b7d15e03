package io.cyclelake.model.sequence;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.Nd4jThreads;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TrainingCurve;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * Common part of the DL4J sequence models: a {@link MultiLayerNetwork} whose last layer is a regression layer with
 * {@link DL4JLoss} (one output, or several for {@code acla}), trained by {@link Trainer}, saved with DL4J's
 * {@link ModelSerializer}.
 */
abstract class Dl4jSequenceModel implements SequenceModel {
  /** Sequences per forward pass when predicting. */
  static final int PREDICT_BATCH = 256;

  /** The layers (after the shared settings of {@link #base}) for {@code channels} input channels. */
  abstract MultiLayerConfiguration configure(NeuralNetConfiguration.Builder base, int channels, int steps,
      Config params, TrainSettings s);

  @Override
  public Fitted fit(SequenceBatch train, SequenceBatch validation, Config params, long seed,
      Consumer<String> progress, Checkpoints checkpoints) {
    if (train.size() == 0) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, name() + " got no training sequences");
    }
    TrainSettings s = TrainSettings.of(params);
    Nd4jThreads.cap(s.threads());
    int batches = (train.size() + s.batchSize() - 1) / s.batchSize();
    NeuralNetConfiguration.Builder base = base(s, seed, batches);
    MultiLayerNetwork net = new MultiLayerNetwork(configure(base, train.channels(), train.steps(), params, s));
    Nd4j.getRandom().setSeed(seed);
    net.init();
    Trainer.Result r = Trainer.train(net, train, validation, s, seed, progress, checkpoints, labels(params));
    String d = String.format(Locale.ROOT, "%s: %d parameters, %d epochs run, weights of epoch %d kept "
        + "(validation loss %.5f), loss %s, %s lr %.3g", name(), net.numParams(), r.history().size(), r.bestEpoch(),
        r.bestValidationLoss(), s.loss().name(), s.optimizer(), s.learningRate())
        + (r.resumedAfterEpoch() > 0 ? "; resumed from the checkpoint of epoch " + r.resumedAfterEpoch() : "")
        + (r.checkpointProblem() != null ? "; an unusable checkpoint was ignored (" + r.checkpointProblem() + ")"
            : "");
    return fitted(new Dl4jFitted(net, d, r.history(), r.bestEpoch(), s.loss().name()));
  }

  /** The model's own kind of fitted network (e.g. one that also gives attention weights); by default as is. */
  Dl4jFitted fitted(Dl4jFitted f) {
    return f;
  }

  /** How the trainer labels a batch; one target per sequence unless a model has several outputs. */
  Function<SequenceBatch, Function<int[], DataSet>> labels(Config params) {
    return Trainer.ONE_OUTPUT;
  }

  static NeuralNetConfiguration.Builder base(TrainSettings s, long seed, int batchesPerEpoch) {
    double gamma = Math.pow(s.lrDecayPerEpoch(), 1.0 / batchesPerEpoch);
    NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.XAVIER)
        .updater(new Adam(new ExponentialSchedule(ScheduleType.ITERATION, s.learningRate(), gamma)));
    if (s.optimizer().equals("adamw") && s.weightDecay() > 0) b.weightDecay(s.weightDecay(), true);
    if (s.clipNorm() > 0) {
      b.gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(s.clipNorm());
    }
    return b;
  }

  @Override
  public Fitted load(byte[] saved) {
    Saved s = Serialized.read(saved, Saved.class, name());
    try {
      MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(s.network), false);
      return fitted(new Dl4jFitted(net, s.description, s.history, -1, null));
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "cannot read a saved " + name() + " network: " + e,
          null, e);
    }
  }

  record Saved(byte[] network, String description, List<EpochStats> history) implements Serializable {}

  /** A trained network. */
  static class Dl4jFitted implements Fitted {
    final MultiLayerNetwork net;
    private final String description;
    private final List<EpochStats> history;
    private final int keptEpoch;
    private final String lossName;

    /**
     * @param keptEpoch the epoch whose weights the network holds; -1 when not known (a loaded model)
     * @param lossName the training loss ({@code sequence} settings' {@code loss}); null when not known
     */
    Dl4jFitted(MultiLayerNetwork net, String description, List<EpochStats> history, int keptEpoch, String lossName) {
      this.net = net;
      this.description = description;
      this.history = List.copyOf(history);
      this.keptEpoch = keptEpoch;
      this.lossName = lossName;
    }

    /** The same network and history (for subclasses that add views of the network). */
    Dl4jFitted(Dl4jFitted f) {
      this(f.net, f.description, f.history, f.keptEpoch, f.lossName);
    }

    @Override
    public double[] predict(SequenceBatch x) {
      double[][] all = predictOutputs(x);
      double[] out = new double[x.size()];
      for (int i = 0; i < out.length; i++) out[i] = all[i][0];
      return out;
    }

    /** Every output of the network per sequence: {@code [sequence][output]} (one column for one output). */
    public double[][] predictOutputs(SequenceBatch x) {
      double[][] out = new double[x.size()][];
      for (int from = 0; from < x.size(); from += PREDICT_BATCH) {
        int[] rows = new int[Math.min(PREDICT_BATCH, x.size() - from)];
        for (int k = 0; k < rows.length; k++) rows[k] = from + k;
        INDArray p = net.output(SequenceTensors.features(x, rows), false, SequenceTensors.featureMask(x, rows),
            null);
        double[][] v = p.reshape(rows.length, p.length() / rows.length).toDoubleMatrix();
        System.arraycopy(v, 0, out, from, rows.length);
      }
      return out;
    }

    /** Index of the self-attention layer in the network. */
    int attentionLayer() {
      for (int i = 0; i < net.getnLayers(); i++) {
        if (net.getLayerWiseConfigurations().getConf(i).getLayer() instanceof SelfAttentionLayer) return i;
      }
      throw new IllegalStateException("no self-attention layer");
    }

    /** The input of the attention layer for {@code row} of x: {@code [nIn, steps]}. */
    double[][] attentionInput(SequenceBatch x, int row) {
      int a = attentionLayer();
      int[] rows = {row};
      net.setLayerMaskArrays(SequenceTensors.featureMask(x, rows), null);
      try {
        List<INDArray> acts = net.feedForwardToLayer(a - 1, SequenceTensors.features(x, rows), false);
        INDArray in = acts.get(a);
        return in.reshape(in.size(1), in.size(2)).toDoubleMatrix();
      } finally {
        net.clearLayerMaskArrays();
      }
    }

    /**
     * Attention weights behind the prediction of sequence {@code row} of x: {@code w[h][q][k]} is how much head h at
     * step q attends to step k; for valid steps q, {@code w[h][q]} sums to 1 over the valid steps k (padded steps get
     * 0). Rows q beyond the sequence's length are 0.
     *
     * @throws IllegalStateException when the network has no self-attention layer
     */
    public double[][][] attention(SequenceBatch x, int row) {
      double[][] in = attentionInput(x, row);
      var layer = net.getLayer(attentionLayer());
      double[][][] wq = weights3(layer.getParam("Wq"));
      double[][][] wk = weights3(layer.getParam("Wk"));
      return Attention.weights(wq, wk, in, x.length()[row]);
    }

    /** The attention layer's projections {@code Wq, Wk, Wv} ({@code [heads][headSize][nIn]}) and {@code Wo}. */
    double[][][] param3(String key) {
      return weights3(net.getLayer(attentionLayer()).getParam(key));
    }

    double[][] paramWo() {
      return net.getLayer(attentionLayer()).getParam("Wo").toDoubleMatrix();
    }

    private static double[][][] weights3(INDArray w) {
      int h = (int) w.size(0);
      double[][][] out = new double[h][][];
      for (int i = 0; i < h; i++) out[i] = w.slice(i).toDoubleMatrix();
      return out;
    }

    @Override
    public byte[] save() {
      try (ByteArrayOutputStream b = new ByteArrayOutputStream()) {
        ModelSerializer.writeModel(net, b, false);
        return Serialized.bytes(new Saved(b.toByteArray(), description, history));
      } catch (IOException e) {
        throw new IllegalStateException("cannot save the network", e);
      }
    }

    @Override
    public String describe() {
      return description;
    }

    @Override
    public List<EpochStats> history() {
      return history;
    }

    /** The history as a curve: the epoch's mean minibatch loss (train) and the loss after it (validation). */
    @Override
    public TrainingCurve curve() {
      List<TrainingCurve.Point> p = new java.util.ArrayList<>(history.size());
      for (EpochStats e : history) {
        p.add(new TrainingCurve.Point(e.epoch(), e.trainLoss(), e.validationLoss(), e.epoch() == keptEpoch));
      }
      return new TrainingCurve((lossName == null ? "network loss" : lossName) + " (network's label scale)", p);
    }
  }
}
