package io.cyclelake.model.mlp;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.Nd4jThreads;
import io.cyclelake.model.Sensitivity;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularModel;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@code mlp}: a multilayer perceptron (Deeplearning4j, CPU backend, double precision) behind the tabular model
 * interface, so a sweep trains it one Spark task per (spec, fold) like the other models. Inputs arrive imputed and
 * standardised by the fold's {@link io.cyclelake.model.Preprocessor}; the label is standardised here with the mean
 * and standard deviation of the training rows, and predictions are turned back into label units.
 *
 * <p>Hidden layers {@code hidden} (dense, {@code activation}, He initialisation for the ReLU family, Xavier
 * otherwise, optional dropout), one linear output, MSE loss, Adam, L2 on the weights. Training: minibatches of a
 * seeded shuffle, one pass per epoch; with validation rows and {@code patience > 0} the validation MSE is computed
 * after every epoch (dropout off), training stops after {@code patience} epochs without a lower one, and the weights
 * of the best epoch are restored. ND4J's native threads are capped at {@code threads} (as for the sequence models).
 * Same seed, same data: same predictions on the CPU backend.
 *
 * <p>Saved as the network's JSON configuration and its parameter vector (plus the label scaling, history and
 * importance) rather than DL4J's {@code ModelSerializer} zip, whose entries carry the time of writing: the bytes of
 * a saved model depend only on what was fitted ({@code LeakageTest} compares them). Importance: the mean absolute
 * change of the prediction per standard deviation of each feature (central differences at the training rows),
 * kind {@code mean-abs-gradient}.
 */
public final class MlpModel implements TabularModel {
  /** Step of the central differences behind {@link Fitted#importance()}, in standardised input units. */
  static final double IMPORTANCE_STEP = 1e-3;

  @Override
  public String name() {
    return "mlp";
  }

  @Override
  public Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config params, long runSeed) {
    if (x.length == 0) throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "mlp got no training rows");
    MlpSettings s = MlpSettings.from(params);
    long seed = s.seedFor(runSeed);
    Nd4jThreads.cap(s.threads());
    int d = x[0].length;
    double mean = 0;
    for (double v : y) mean += v;
    mean /= y.length;
    double ss = 0;
    for (double v : y) ss += (v - mean) * (v - mean);
    double sd = y.length < 2 ? 0 : Math.sqrt(ss / (y.length - 1));
    if (!(sd > 1e-12 * Math.max(1, Math.abs(mean)))) sd = 1; // constant label: nothing to scale

    MultiLayerConfiguration conf = configure(s, d, seed);
    Nd4j.getRandom().setSeed(seed);
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    INDArray features = Nd4j.create(x);
    INDArray labels = Nd4j.create(scale(y, mean, sd), new long[] {y.length, 1});
    boolean early = xVal != null && xVal.length > 0 && s.patience() > 0;
    INDArray valX = xVal == null || xVal.length == 0 ? null : Nd4j.create(xVal);

    Random shuffle = new Random(seed);
    int n = x.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    List<Double> trainMse = new ArrayList<>();
    List<Double> valMse = new ArrayList<>();
    INDArray best = null;
    double bestVal = Double.POSITIVE_INFINITY;
    int bestEpoch = -1;
    for (int epoch = 1; epoch <= s.epochs(); epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = shuffle.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int from = 0; from < n; from += s.batchSize()) {
        int to = Math.min(n, from + s.batchSize());
        int[] rows = java.util.Arrays.copyOfRange(order, from, to);
        net.fit(new DataSet(features.getRows(rows), labels.getRows(rows)));
      }
      double tr = mse(net.output(features, false), y, mean, sd);
      if (!Double.isFinite(tr)) {
        throw new CycleLakeException(ErrorCode.JOB_FAILED, "mlp diverged: training MSE " + tr + " at epoch " + epoch
            + "; lower model.mlp.learning-rate");
      }
      trainMse.add(tr);
      if (valX != null) {
        double v = mse(net.output(valX, false), yVal, mean, sd);
        valMse.add(v);
        if (early) {
          if (v < bestVal) {
            bestVal = v;
            bestEpoch = epoch;
            best = net.params().dup();
          } else if (epoch - bestEpoch >= s.patience()) {
            break;
          }
        }
      }
    }
    int epochsRun = trainMse.size();
    if (best != null) {
      net.setParams(best);
    } else {
      bestEpoch = epochsRun;
    }
    Fit f = new Fit(conf.toJson(), net.params().toDoubleVector(), mean, sd, List.copyOf(trainMse),
        List.copyOf(valMse), epochsRun, bestEpoch, early, s.describe(), null, net);
    return f.withImportance(Sensitivity.meanAbsGradient(f::predict, x, IMPORTANCE_STEP));
  }

  static MultiLayerConfiguration configure(MlpSettings s, int inputs, long seed) {
    Activation act = activation(s.activation());
    boolean reluFamily = act == Activation.RELU || act == Activation.LEAKYRELU || act == Activation.ELU;
    var list = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.DOUBLE)
        .updater(new Adam(s.learningRate()))
        .l2(s.l2())
        .list();
    for (int h : s.hidden()) {
      DenseLayer.Builder b = new DenseLayer.Builder().nOut(h).activation(act)
          .weightInit(reluFamily ? WeightInit.RELU : WeightInit.XAVIER);
      // DL4J's dropOut argument is the probability of keeping an activation.
      if (s.dropout() > 0) b.dropOut(1 - s.dropout());
      list.layer(b.build());
    }
    list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY)
        .weightInit(WeightInit.XAVIER).build());
    return list.setInputType(InputType.feedForward(inputs)).build();
  }

  static Activation activation(String name) {
    return switch (name) {
      case "relu" -> Activation.RELU;
      case "leakyrelu" -> Activation.LEAKYRELU;
      case "elu" -> Activation.ELU;
      case "tanh" -> Activation.TANH;
      case "sigmoid" -> Activation.SIGMOID;
      case "softplus" -> Activation.SOFTPLUS;
      case "identity" -> Activation.IDENTITY;
      default -> throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "model.mlp.activation must be one of "
          + MlpSettings.ACTIVATIONS + ", got '" + name + "'");
    };
  }

  static double[] scale(double[] y, double mean, double sd) {
    double[] out = new double[y.length];
    for (int i = 0; i < y.length; i++) out[i] = (y[i] - mean) / sd;
    return out;
  }

  /** MSE in label units of the network's standardised output {@code out} against {@code y}. */
  static double mse(INDArray out, double[] y, double mean, double sd) {
    double[] z = out.reshape(y.length).toDoubleVector();
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      double e = mean + sd * z[i] - y[i];
      s += e * e;
    }
    return s / y.length;
  }

  @Override
  public Fitted load(byte[] saved) {
    Fit f = Serialized.read(saved, Fit.class, "mlp");
    return f.withNetwork(network(f.configJson, f.params));
  }

  static MultiLayerNetwork network(String configJson, double[] params) {
    MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configJson));
    net.init(Nd4j.create(params, new long[] {1, params.length}, DataType.DOUBLE), true);
    return net;
  }

  /**
   * A fitted mlp: the network's configuration and parameters, the label scaling, the MSE per epoch (label units)
   * on the training rows and, when given, the validation rows, and which epoch's weights were kept.
   */
  public static final class Fit implements Fitted, Serializable {
    private static final long serialVersionUID = 1L;
    final String configJson;
    final double[] params;
    final double labelMean;
    final double labelSd;
    final List<Double> trainMse;
    final List<Double> validationMse;
    final int epochsRun;
    final int bestEpoch;
    final boolean earlyStopping;
    final String settings;
    final double[] importance;
    private transient MultiLayerNetwork net;

    Fit(String configJson, double[] params, double labelMean, double labelSd, List<Double> trainMse,
        List<Double> validationMse, int epochsRun, int bestEpoch, boolean earlyStopping, String settings,
        double[] importance, MultiLayerNetwork net) {
      this.configJson = configJson;
      this.params = params;
      this.labelMean = labelMean;
      this.labelSd = labelSd;
      this.trainMse = trainMse;
      this.validationMse = validationMse;
      this.epochsRun = epochsRun;
      this.bestEpoch = bestEpoch;
      this.earlyStopping = earlyStopping;
      this.settings = settings;
      this.importance = importance;
      this.net = net;
    }

    Fit withImportance(double[] imp) {
      return new Fit(configJson, params, labelMean, labelSd, trainMse, validationMse, epochsRun, bestEpoch,
          earlyStopping, settings, imp, net);
    }

    Fit withNetwork(MultiLayerNetwork n) {
      return new Fit(configJson, params, labelMean, labelSd, trainMse, validationMse, epochsRun, bestEpoch,
          earlyStopping, settings, importance, n);
    }

    /** Epochs trained (fewer than {@code epochs} when early stopping ended training). */
    public int epochsRun() {
      return epochsRun;
    }

    /** The epoch whose weights were kept (1-based): the best validation epoch, else the last. */
    public int bestEpoch() {
      return bestEpoch;
    }

    /** Validation MSE after each epoch, in label units (empty without validation rows). */
    public List<Double> validationMse() {
      return validationMse;
    }

    /** Training MSE after each epoch (dropout off), in label units. */
    public List<Double> trainMse() {
      return trainMse;
    }

    @Override
    public double[] predict(double[][] x) {
      if (x.length == 0) return new double[0];
      double[] z;
      synchronized (this) { // a DL4J network is not safe for concurrent output()
        z = net.output(Nd4j.create(x), false).reshape(x.length).toDoubleVector();
      }
      double[] out = new double[x.length];
      for (int i = 0; i < x.length; i++) out[i] = labelMean + labelSd * z[i];
      return out;
    }

    @Override
    public byte[] save() {
      return Serialized.bytes(this);
    }

    @Override
    public String describe() {
      String kept = earlyStopping
          ? String.format(Locale.ROOT, "weights of epoch %d kept (validation RMSE %.5f)", bestEpoch,
              Math.sqrt(validationMse.get(bestEpoch - 1)))
          : "weights of the last epoch kept";
      return String.format(Locale.ROOT, "mlp: %s, %d parameters, %d epochs run, %s", settings, params.length,
          epochsRun, kept);
    }

    @Override
    public double[] importance() {
      return importance.clone();
    }

    @Override
    public io.cyclelake.model.TrainingCurve curve() {
      return io.cyclelake.model.TrainingCurve.of("mse (label units)", trainMse, validationMse, bestEpoch);
    }

    @Override
    public String importanceKind() {
      return "mean-abs-gradient";
    }
  }
}
