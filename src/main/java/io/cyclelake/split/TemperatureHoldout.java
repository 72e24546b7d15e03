package io.cyclelake.split;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Train on operations at {@code train-temperatures-c}, test on operations at {@code test-temperatures-c} (each within
 * {@code tolerance-c}), per operation, not per cell: a cell cycled at two temperatures contributes to both sides.
 * The last {@code validation-fraction} of each cell's training operations (by cycle order) validate. Operations at
 * neither temperature are {@link Fold#UNUSED} and counted in the fold's name.
 */
public final class TemperatureHoldout implements FoldSplitter {
  @Override
  public String name() {
    return "temperature-holdout";
  }

  @Override
  public List<Fold> folds(SplitRows rows, Config s, long seed) {
    List<Double> train = s.getDoubleList("train-temperatures-c");
    List<Double> test = s.getDoubleList("test-temperatures-c");
    double tol = s.getDouble("tolerance-c");
    double vf = s.getDouble("validation-fraction");
    if (train.isEmpty() || test.isEmpty() || vf < 0 || vf >= 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "split.temperature-holdout needs non-empty "
          + "train-temperatures-c and test-temperatures-c and 0 <= validation-fraction < 1; got " + train + ", "
          + test + ", " + vf);
    }
    byte[] part = new byte[rows.size()];
    Map<String, List<Integer>> trainByCell = new LinkedHashMap<>();
    int unused = 0;
    for (int i = 0; i < part.length; i++) {
      double t = rows.ambientC()[i];
      boolean inTest = near(t, test, tol);
      boolean inTrain = near(t, train, tol);
      if (inTest && inTrain) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "split.temperature-holdout: " + t + " degC is within "
            + tol + " of both a train and a test temperature (" + train + " / " + test + ")");
      }
      if (inTest) {
        part[i] = Fold.TEST;
      } else if (inTrain) {
        part[i] = Fold.TRAIN;
        trainByCell.computeIfAbsent(rows.cell()[i], c -> new ArrayList<>()).add(i);
      } else {
        part[i] = Fold.UNUSED;
        unused++;
      }
    }
    for (List<Integer> idx : trainByCell.values()) {
      idx.sort(Comparator.comparingInt(i -> rows.cycle()[i]));
      int nVal = (int) Math.floor(idx.size() * vf + 1e-9);
      for (int j = idx.size() - nVal; j < idx.size(); j++) part[idx.get(j)] = Fold.VALIDATION;
    }
    Fold f = new Fold("train=" + train + "degC,test=" + test + "degC" + (unused > 0 ? ",unused=" + unused : ""), part);
    if (f.count(Fold.TRAIN) == 0 || f.count(Fold.TEST) == 0) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "split.temperature-holdout: no " + (f.count(Fold.TRAIN)
          == 0 ? "training operations at " + train : "test operations at " + test) + " degC (+-" + tol + ")");
    }
    return List.of(f);
  }

  private static boolean near(double t, List<Double> targets, double tol) {
    if (Double.isNaN(t)) return false;
    for (double x : targets) if (Math.abs(t - x) <= tol) return true;
    return false;
  }
}
