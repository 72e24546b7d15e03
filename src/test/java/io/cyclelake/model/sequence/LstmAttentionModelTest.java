package io.cyclelake.model.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.internal.Registry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** lstm-attention on tiny synthetic sequences: it trains, and its attention weights are those the layer applies. */
class LstmAttentionModelTest {
  @Test
  void attentionWeightsReproduceTheLayerOutput() {
    SequenceModel m = Registry.load(SequenceModel.class, SequenceModel::name, "sequence model")
        .get("lstm-attention");
    Config p = ConfigFactory.parseString("units = 4, layers = 2, heads = 2, head-size = 3, epochs = 3, "
        + "batch-size = 16, learning-rate = 0.01, patience = 0")
        .withFallback(ConfigFactory.defaultReference().getConfig("cyclelake.model.lstm-attention"));
    SequenceBatch train = LstmModelTest.data(32, 5);
    SequenceModel.Fitted f = m.fit(train, null, p, 3, s -> {});
    assertEquals(3, f.history().size());
    LstmAttentionModel.Fitted a = (LstmAttentionModel.Fitted) f;
    double[] pred = a.predict(train);
    for (double v : pred) assertTrue(Double.isFinite(v));

    int row = 0;
    while (train.length()[row] == 10) row++; // a padded sequence
    int len = train.length()[row];
    double[][][] w = a.attention(train, row);
    assertEquals(2, w.length);
    for (double[][] head : w) {
      for (int q = 0; q < 10; q++) {
        double sum = 0;
        for (int k = 0; k < 10; k++) {
          if (k >= len || q >= len) assertEquals(0.0, head[q][k]);
          sum += head[q][k];
        }
        assertEquals(q < len ? 1.0 : 0.0, sum, 1e-9);
      }
    }

    // out[:, q] = Wo^T concat_h(sum_k w[h][q][k] Wv[h] x[:, k]) must equal the attention layer's activation.
    double[][] x = a.attentionInput(train, row);
    double[][][] wv = a.param3("Wv");
    double[][] wo = a.paramWo();
    int headSize = wv[0].length;
    int nOut = wo[0].length;
    double[][] expected = new double[nOut][len];
    for (int q = 0; q < len; q++) {
      double[] concat = new double[2 * headSize];
      for (int h = 0; h < 2; h++) {
        double[][] v = Attention.project(wv[h], x, len);
        for (int j = 0; j < headSize; j++) {
          double s = 0;
          for (int k = 0; k < len; k++) s += w[h][q][k] * v[j][k];
          concat[h * headSize + j] = s;
        }
      }
      for (int o = 0; o < nOut; o++) {
        double s = 0;
        for (int j = 0; j < concat.length; j++) s += wo[j][o] * concat[j];
        expected[o][q] = s;
      }
    }
    int layer = a.attentionLayer();
    int[] rows = {row};
    a.net.setLayerMaskArrays(SequenceTensors.featureMask(train, rows), null);
    List<INDArray> acts = a.net.feedForwardToLayer(layer, SequenceTensors.features(train, rows), false);
    a.net.clearLayerMaskArrays();
    INDArray out = acts.get(layer + 1);
    double[][] actual = out.reshape(out.size(1), out.size(2)).toDoubleMatrix();
    for (int o = 0; o < nOut; o++) {
      double[] act = java.util.Arrays.copyOf(actual[o], len);
      assertArrayEquals(expected[o], act, 1e-4, "attention output channel " + o);
    }
  }
}
