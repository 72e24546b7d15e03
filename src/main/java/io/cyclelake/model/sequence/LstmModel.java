package io.cyclelake.model.sequence;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.nd4j.linalg.activations.Activation;

/**
 * {@code lstm}: the seed architecture. {@code layers} LSTM layers of {@code units} units ({@code activation}: tanh in
 * the seed; identity leaves the cell state unsquashed, so predictions can leave the training range), the last one's
 * output at each sequence's last valid step (the feature mask says which), dropout {@code dropout}, then one linear
 * output. Settings: {@code cyclelake.model.lstm}.
 */
public final class LstmModel extends Dl4jSequenceModel {
  @Override
  public String name() {
    return "lstm";
  }

  @Override
  MultiLayerConfiguration configure(NeuralNetConfiguration.Builder base, int channels, int steps, Config p,
      TrainSettings s) {
    int units = p.getInt("units");
    int layers = p.getInt("layers");
    double dropout = p.getDouble("dropout");
    if (units < 1 || layers < 1 || !(dropout >= 0 && dropout < 1)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.lstm needs units >= 1, layers >= 1 and "
          + "dropout in [0, 1); got units = " + units + ", layers = " + layers + ", dropout = " + dropout);
    }
    Activation act = activation(p.getString("activation"));
    var list = base.list();
    for (int l = 0; l < layers - 1; l++) {
      list.layer(new LSTM.Builder().nOut(units).activation(act).build());
    }
    list.layer(new LastTimeStep(new LSTM.Builder().nOut(units).activation(act).build()));
    // DL4J's dropout argument is the probability of keeping an activation.
    if (dropout > 0) list.layer(new DropoutLayer.Builder(1 - dropout).build());
    list.layer(new OutputLayer.Builder(DL4JLoss.of(s.loss())).nOut(1).activation(Activation.IDENTITY).build());
    return list.setInputType(InputType.recurrent(channels, steps)).build();
  }

  /** The cell/output activation by name: tanh (the seed), softsign or identity. */
  static Activation activation(String name) {
    return switch (name) {
      case "tanh" -> Activation.TANH;
      case "softsign" -> Activation.SOFTSIGN;
      case "identity" -> Activation.IDENTITY;
      default -> throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "model.lstm.activation must be tanh, softsign "
          + "or identity, got '" + name + "'");
    };
  }
}
