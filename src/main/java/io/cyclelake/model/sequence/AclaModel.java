package io.cyclelake.model.sequence;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;

/**
 * {@code acla}: attention + 1D CNN + LSTM + augmented neural ODE, with several outputs.
 *
 * <pre>
 *   sequence [channels × steps]
 *     → conv-layers × 1D convolution (conv-filters, kernel conv-kernel, same padding, ReLU)
 *     → LSTM (units, tanh)
 *     → multi-head self-attention (heads × head-size, padded steps masked) → mean over the valid steps
 *     → dropout → dense → z0 (latent-dim)
 *     → [z0, 0 … 0] (augment-dim zeros) → dz/ds = MLP(z), euler | rk4, s ∈ [0, 1] ({@link AugmentedOdeLayer})
 *     → one linear head per output time: output k = the label horizons[k] labelled discharges ahead
 * </pre>
 *
 * The first output (horizon 0) is the sequence's own label and the model's primary prediction ({@link #predict});
 * the others are trained on the same cell's later labels where the training sequences have them
 * ({@link Horizons}, masked elsewhere) with the configured loss per output. Attention weights per prediction as for
 * {@code lstm-attention} ({@link Fitted#attention}). Settings: {@code cyclelake.model.acla}.
 */
public final class AclaModel extends Dl4jSequenceModel {
  @Override
  public String name() {
    return "acla";
  }

  /** The output horizons of {@code model.acla.horizons}. */
  static int[] horizons(Config p) {
    return p.getIntList("horizons").stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  MultiLayerConfiguration configure(NeuralNetConfiguration.Builder base, int channels, int steps, Config p,
      TrainSettings s) {
    int filters = p.getInt("conv-filters");
    int kernel = p.getInt("conv-kernel");
    int convLayers = p.getInt("conv-layers");
    int units = p.getInt("units");
    int heads = p.getInt("heads");
    int headSize = p.getInt("head-size");
    double dropout = p.getDouble("dropout");
    if (filters < 1 || kernel < 1 || convLayers < 0 || units < 1 || heads < 1 || headSize < 1
        || !(dropout >= 0 && dropout < 1)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.acla needs conv-filters, conv-kernel, units, "
          + "heads and head-size >= 1, conv-layers >= 0 and dropout in [0, 1); got conv-filters = " + filters
          + ", conv-kernel = " + kernel + ", conv-layers = " + convLayers + ", units = " + units + ", heads = "
          + heads + ", head-size = " + headSize + ", dropout = " + dropout);
    }
    AugmentedOdeLayer ode = new AugmentedOdeLayer(p.getInt("latent-dim"), p.getInt("augment-dim"),
        p.getInt("ode-hidden"), p.getString("solver"), p.getInt("ode-steps"), horizons(p));
    var list = base.list();
    for (int l = 0; l < convLayers; l++) {
      list.layer(new Convolution1DLayer.Builder().kernelSize(kernel).nOut(filters)
          .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build());
    }
    list.layer(new LSTM.Builder().nOut(units).activation(Activation.TANH).build());
    list.layer(new SelfAttentionLayer.Builder().nOut(units).nHeads(heads).headSize(headSize).projectInput(true)
        .build());
    list.layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build());
    var dense = new DenseLayer.Builder().nOut(p.getInt("latent-dim")).activation(Activation.IDENTITY);
    if (dropout > 0) dense.dropOut(1 - dropout);  // DL4J takes the keep probability
    list.layer(dense.build());
    list.layer(ode);
    list.layer(new LossLayer.Builder(DL4JLoss.of(s.loss())).activation(Activation.IDENTITY).build());
    return list.setInputType(InputType.recurrent(channels, steps)).build();
  }

  @Override
  Function<SequenceBatch, Function<int[], DataSet>> labels(Config params) {
    int[] h = horizons(params);
    return b -> {
      double[][] targets = Horizons.targets(b, h);
      return rows -> SequenceTensors.dataSet(b, rows, targets);
    };
  }

  @Override
  Fitted fitted(Dl4jFitted f) {
    return new Fitted(f);
  }

  /** A trained acla network: every output ({@link #predictOutputs}) and the attention weights of a prediction. */
  public static final class Fitted extends Dl4jFitted {
    Fitted(Dl4jFitted f) {
      super(f);
    }

    @Override
    public int[] horizons() {
      for (int i = 0; i < net.getnLayers(); i++) {
        if (net.getLayerWiseConfigurations().getConf(i).getLayer() instanceof AugmentedOdeLayer o) return o.horizons();
      }
      throw new IllegalStateException("an acla network without its ODE layer");
    }
  }
}
