package io.cyclelake.split;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Per cell, by cycle order: the first {@code floor(n·train-fraction)} cycles train, the next
 * {@code floor(n·validation-fraction)} validate, the rest test. Later cycles never train a model tested on earlier ones.
 */
public final class ChronologicalSplit implements Splitter, FoldSplitter {
  @Override
  public String name() {
    return "chronological";
  }

  /** Sizes of the parts for {@code n} cycles: {train, validation, test}. */
  public static int[] sizes(int n, double trainFraction, double validationFraction) {
    if (trainFraction <= 0 || validationFraction < 0 || trainFraction + validationFraction >= 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "split.chronological needs train-fraction > 0, "
          + "validation-fraction >= 0 and their sum < 1; got " + trainFraction + " and " + validationFraction);
    }
    int train = (int) Math.floor(n * trainFraction + 1e-9);
    int validation = (int) Math.floor(n * validationFraction + 1e-9);
    return new int[] {train, validation, n - train - validation};
  }

  /** One fold: per cell, the same parts {@link #assign} gives. */
  @Override
  public java.util.List<Fold> folds(SplitRows rows, Config settings, long seed) {
    double tf = settings.getDouble("train-fraction");
    double vf = settings.getDouble("validation-fraction");
    sizes(1, tf, vf);
    java.util.Map<String, java.util.List<Integer>> byCell = new java.util.TreeMap<>();
    for (int i = 0; i < rows.size(); i++) byCell.computeIfAbsent(rows.cell()[i], c -> new java.util.ArrayList<>()).add(i);
    byte[] part = new byte[rows.size()];
    for (java.util.List<Integer> idx : byCell.values()) {
      idx.sort(java.util.Comparator.comparingInt(i -> rows.cycle()[i]));
      int[] n = sizes(idx.size(), tf, vf);
      for (int j = 0; j < idx.size(); j++) {
        part[idx.get(j)] = j < n[0] ? Fold.TRAIN : j < n[0] + n[1] ? Fold.VALIDATION : Fold.TEST;
      }
    }
    return java.util.List.of(new Fold("chronological=" + tf + "/" + vf, part));
  }

  @Override
  public Dataset<Row> assign(Dataset<Row> rows, Config settings) {
    double tf = settings.getDouble("train-fraction");
    double vf = settings.getDouble("validation-fraction");
    sizes(1, tf, vf); // validates the fractions before any task runs
    WindowSpec ordered = Window.partitionBy("cell_id").orderBy("cycle_index");
    WindowSpec whole = Window.partitionBy("cell_id");
    return rows.withColumn("_rn", row_number().over(ordered).minus(1))
        .withColumn("_n", count(lit(1)).over(whole))
        .withColumn("part",
            when(col("_rn").lt(org.apache.spark.sql.functions.floor(col("_n").multiply(tf).plus(1e-9))),
                lit(TRAIN))
                .when(col("_rn").lt(org.apache.spark.sql.functions.floor(col("_n").multiply(tf).plus(1e-9))
                    .plus(org.apache.spark.sql.functions.floor(col("_n").multiply(vf).plus(1e-9)))), lit(VALIDATION))
                .otherwise(lit(TEST)))
        .drop("_rn", "_n");
  }
}
