package io.cyclelake.model.sequence;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
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
  Fitted fitted(Dl4jFitted f) {
    return new Fitted(f);
  }

  /** A trained lstm-attention network; also gives the attention weights of its predictions ({@link #attention}). */
  public static final class Fitted extends Dl4jFitted {
    Fitted(Dl4jFitted f) {
      super(f);
    }
  }
}
