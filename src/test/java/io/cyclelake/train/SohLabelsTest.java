package io.cyclelake.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SOH labels with each reference: a cell whose first discharge was aborted must not get SOH labels of 10 and more. */
class SohLabelsTest {
  @TempDir static Path dir;
  static Lake lake;

  /** A: first discharge aborted at 0.12 Ah, then 1.80 1.82 1.78 1.81 1.70. B: 2.0 1.9 (fewer than k discharges). */
  @BeforeAll
  static void lake() {
    StructType schema = new StructType()
        .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
        .add("cycle_type", DataTypes.StringType).add("capacity_counter_ah", DataTypes.DoubleType)
        .add(Tables.FEATURE_HASH, DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    double[] a = {0.12, 1.80, 1.82, 1.78, 1.81, 1.70};
    for (int k = 0; k < a.length; k++) rows.add(RowFactory.create("A", k, "discharge", a[k], "h"));
    rows.add(RowFactory.create("A", 99, "discharge", 0.05, "h")); // below min-capacity-ah: unlabelled
    rows.add(RowFactory.create("B", 0, "discharge", 2.0, "h"));
    rows.add(RowFactory.create("B", 1, "discharge", 1.9, "h"));
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    lake.overwrite(TestSpark.get().createDataFrame(rows, schema), Tables.FEATURES_SUMMARY);
  }

  static Map<String, Double> labels(String reference) {
    Config soh = ConfigFactory.parseString("reference = \"" + reference + "\", initial-cycles = 5, "
        + "nominal-capacity-ah = 2.0, min-capacity-ah = 0.1");
    Map<String, Double> out = new HashMap<>();
    for (Row r : TrainJob.sohLabels(lake, soh, List.of(), "h").collectAsList()) {
      out.put(r.<String>getAs("cell_id") + r.<Integer>getAs("cycle_index"), r.<Double>getAs("label"));
    }
    return out;
  }

  @Test
  void initialMedianIsTheMedianOfTheFirstFiveLabelledDischarges() {
    Map<String, Double> l = labels("initial-median");
    assertEquals(8, l.size(), "the 0.05 Ah discharge is unlabelled, every other discharge labelled: " + l);
    assertEquals(1.70 / 1.80, l.get("A5"), 1e-12);
    assertEquals(0.12 / 1.80, l.get("A0"), 1e-12);
    assertEquals(1.9 / 1.9, l.get("B1"), 1e-12, "B has 2 discharges: the lower middle of {1.9, 2.0}");
    assertTrue(l.values().stream().allMatch(v -> v < 1.06), "no label far above 1: " + l);
  }

  @Test
  void initialAndNominalReferences() {
    Map<String, Double> first = labels("initial");
    assertEquals(1.70 / 0.12, first.get("A5"), 1e-12, "'initial' divides by the aborted first discharge");
    assertEquals(1.9 / 2.0, first.get("B1"), 1e-12);
    assertEquals(1.70 / 2.0, labels("nominal").get("A5"), 1e-12);
  }

  @Test
  void unknownReferenceIsAConfigError() {
    var e = assertThrows(CycleLakeException.class, () -> labels("latest"));
    assertTrue(e.getMessage().contains("'initial', 'initial-median' or 'nominal', got 'latest'"), e.getMessage());
  }
}
