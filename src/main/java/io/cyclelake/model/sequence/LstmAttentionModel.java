package io.cyclelake.model.sequence;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.List;
import java.util.function.Consumer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code lstm-attention}: {@code layers} stacked bidirectional LSTM layers ({@code units} per direction, outputs of
 * both directions concatenated), multi-head scaled dot-product self-attention over the steps (DL4J
 * {@link SelfAttentionLayer}: {@code heads} heads of {@code head-size}, padded steps masked out as keys), the mean over
 * the valid steps, dropout, one linear output. {@link Fitted#attention} gives the attention weights behind each
 * prediction. Settings: {@code cyclelake.model.lstm-attention}.
 */
public final class LstmAttentionModel extends Dl4jSequenceModel {
  @Override
  public String name() {
    return "lstm-attention";
  }

  @Override
  MultiLayerConfiguration configure(NeuralNetConfiguration.Builder base, int channels, int steps, Config p,
      TrainSettings s) {
    int units = p.getInt("units");
    int layers = p.getInt("layers");
    int heads = p.getInt("heads");
    int headSize = p.getInt("head-size");
    double dropout = p.getDouble("dropout");
    if (units < 1 || layers < 1 || heads < 1 || headSize < 1 || !(dropout >= 0 && dropout < 1)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.lstm-attention needs units, layers, heads and "
          + "head-size >= 1 and dropout in [0, 1); got units = " + units + ", layers = " + layers + ", heads = "
          + heads + ", head-size = " + headSize + ", dropout = " + dropout);
    }
    var list = base.list();
    for (int l = 0; l < layers; l++) {
      list.layer(new Bidirectional(Bidirectional.Mode.CONCAT,
          new LSTM.Builder().nOut(units).activation(Activation.TANH).build()));
    }
    list.layer(new SelfAttentionLayer.Builder().nOut(2 * units).nHeads(heads).headSize(headSize)
        .projectInput(true).build());
    list.layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build());
    // Dropout on the pooled vector, applied by the output layer to its input (DL4J takes the keep probability).
    var out = new OutputLayer.Builder(DL4JLoss.of(s.loss())).nOut(1).activation(Activation.IDENTITY);
    if (dropout > 0) out.dropOut(1 - dropout);
    list.layer(out.build());
    return list.setInputType(InputType.recurrent(channels, steps)).build();
  }

  @Override
  public Fitted fit(SequenceBatch train, SequenceBatch validation, Config params, long seed,
      Consumer<String> progress, Checkpoints checkpoints) {
    return new Fitted((Dl4jFitted) super.fit(train, validation, params, seed, progress, checkpoints));
  }

  @Override
  public Fitted load(byte[] saved) {
    return new Fitted((Dl4jFitted) super.load(saved));
  }

  /** A trained lstm-attention network; also gives the attention weights of its predictions. */
  public static final class Fitted extends Dl4jFitted {
    Fitted(Dl4jFitted f) {
      super(f);
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
  }
}
