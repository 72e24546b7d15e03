package io.cyclelake.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.testkit.TestSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ChronologicalSplitTest {
  @Test
  void sizesFloorTrainAndValidation() {
    assertArrayEquals(new int[] {117, 25, 26}, ChronologicalSplit.sizes(168, 0.70, 0.15)); // B0005's discharges
    assertArrayEquals(new int[] {7, 1, 2}, ChronologicalSplit.sizes(10, 0.70, 0.15));
    assertArrayEquals(new int[] {0, 0, 1}, ChronologicalSplit.sizes(1, 0.70, 0.15));
  }

  @Test
  void badFractionsAreAConfigError() {
    var e = assertThrows(CycleLakeException.class, () -> ChronologicalSplit.sizes(10, 0.9, 0.2));
    assertEquals(ErrorCode.CONFIG_INVALID, e.code());
  }

  @Test
  void partsFollowCycleOrderPerCell() {
    StructType schema = new StructType().add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    for (int k = 19; k >= 0; k--) rows.add(RowFactory.create("A", k * 2)); // unordered, gaps in the index
    for (int k = 0; k < 10; k++) rows.add(RowFactory.create("B", k));
    Dataset<Row> df = TestSpark.get().createDataFrame(rows, schema);
    List<Row> out = new ChronologicalSplit()
        .assign(df, TestSpark.config().getConfig("cyclelake.split.chronological"))
        .orderBy("cell_id", "cycle_index").collectAsList();
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    for (Row r : out) {
      char c = switch (r.getString(2)) {
        case Splitter.TRAIN -> 'T';
        case Splitter.VALIDATION -> 'V';
        case Splitter.TEST -> 'X';
        default -> '?';
      };
      (r.getString(0).equals("A") ? a : b).append(c);
    }
    assertEquals("T".repeat(14) + "VVV" + "XXX", a.toString());
    assertEquals("T".repeat(7) + "V" + "XX", b.toString());
  }
}
