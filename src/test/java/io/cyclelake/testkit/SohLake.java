package io.cyclelake.testkit;

import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A tiny handwritten lake for SOH runs: features_summary of 4 cells × 40 charge/discharge pairs at 3 temperatures
 * (capacity fades linearly, at a slightly different rate per cell; the mean discharge voltage falls with it), one
 * unlabelled discharge per cell (no capacity) at the end, features_ica of the charges (ICA area), and a files
 * manifest: per cell a charge and a discharge file, one listing file of every cell, one file of another cell (X9),
 * one file without cells. Each table is written in two commits, so their versions are not all 0.
 */
public final class SohLake {
  private SohLake() {}

  public static final List<String> CELLS = List.of("S01", "S02", "S03", "S04");
  public static final int PAIRS = 40;

  public static void write(Lake lake, String hash) {
    StructType fs = new StructType()
        .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
        .add("cycle_type", DataTypes.StringType).add("capacity_counter_ah", DataTypes.DoubleType)
        .add("ambient_temperature_c", DataTypes.DoubleType).add("voltage_mean_v", DataTypes.DoubleType)
        .add("temperature_mean_c", DataTypes.DoubleType).add(Tables.FEATURE_HASH, DataTypes.StringType)
        .add(Tables.INPUT_VERSION, DataTypes.LongType);
    StructType ica = new StructType()
        .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
        .add("cycle_type", DataTypes.StringType).add("ica_area_ah", DataTypes.DoubleType)
        .add(Tables.FEATURE_HASH, DataTypes.StringType);
    double[] temps = {4, 24, 43, 24};
    for (int c = 0; c < CELLS.size(); c++) {
      List<Row> rows = new ArrayList<>();
      List<Row> icaRows = new ArrayList<>();
      String cell = CELLS.get(c);
      for (int k = 0; k <= PAIRS; k++) {
        double cap = 2.0 * (1 - (0.003 + 0.0002 * c) * k);
        rows.add(RowFactory.create(cell, 2 * k, "charge", null, temps[c], 3.9 + 0.001 * k, temps[c] + 2, hash, 0L));
        icaRows.add(RowFactory.create(cell, 2 * k, "charge", cap * 0.9 + 0.001 * Math.cos(k), hash));
        // the last discharge has no capacity: unlabelled
        rows.add(RowFactory.create(cell, 2 * k + 1, "discharge", k == PAIRS ? null : cap, temps[c],
            3.4 + 0.1 * cap / 2 + 0.002 * Math.sin(k), temps[c] + 5, hash, 0L));
      }
      var spark = TestSpark.get();
      if (c == 0) {
        lake.overwrite(spark.createDataFrame(rows, fs), Tables.FEATURES_SUMMARY);
        lake.overwrite(spark.createDataFrame(icaRows, ica), Tables.FEATURES_ICA);
      } else {
        lake.append(spark.createDataFrame(rows, fs), Tables.FEATURES_SUMMARY);
        lake.append(spark.createDataFrame(icaRows, ica), Tables.FEATURES_ICA);
      }
    }
    Timestamp t0 = Timestamp.valueOf("2026-01-01 00:00:00");
    List<Row> files = new ArrayList<>();
    for (String cell : CELLS) {
      for (String kind : List.of("charge", "discharge")) {
        String path = "/raw/" + cell + "_" + kind + ".csv";
        files.add(RowFactory.create("nasa", path, "data", 10L, t0, sha(path), cell, "ok", 5L, 5L, 0L, null, t0));
      }
    }
    files.add(RowFactory.create("nasa", "/raw/metadata.csv", "listing", 10L, t0, sha("meta"),
        String.join(",", CELLS), "ok", 5L, 5L, 0L, null, t0));
    files.add(RowFactory.create("nasa", "/raw/X9_discharge.csv", "data", 10L, t0, sha("x9"), "X9", "ok", 5L, 5L, 0L,
        null, t0));
    files.add(RowFactory.create("nasa", "/raw/empty.csv", "data", 0L, t0, sha("empty"), null, "failed", 0L, 0L, 0L,
        "no rows", t0));
    lake.overwrite(TestSpark.get().createDataFrame(files.subList(0, 3), Tables.FILES_SCHEMA), Tables.FILES);
    lake.append(TestSpark.get().createDataFrame(files.subList(3, files.size()), Tables.FILES_SCHEMA), Tables.FILES);
  }

  /**
   * Values of a {@code runs} row with {@code size} columns (the canonical schema or an older, shorter one) of which
   * only the non-null columns before {@code sweep_id} are set: a run not made by a sweep.
   */
  public static Object[] plainRun(int size, String runId) {
    Object[] v = new Object[size];
    v[0] = runId;
    v[1] = Timestamp.valueOf("2026-01-01 00:00:00");
    for (int i = 2; i < 7; i++) v[i] = "x";
    v[7] = 0L;
    v[14] = "cycle_index";
    v[15] = "{}";
    return v;
  }

  /** A stand-in SHA-256 (of the text), so every file has a distinct checksum. */
  public static String sha(String text) {
    try {
      return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What the build wrote into io/cyclelake/build-info.properties, read here without BuildInfo: the commit with
   * "-dirty" when the tree had changes, or "unknown".
   */
  public static String buildCommit() throws IOException {
    Properties p = new Properties();
    try (InputStream in = SohLake.class.getClassLoader().getResourceAsStream("io/cyclelake/build-info.properties")) {
      if (in == null) throw new AssertionError("the build wrote no io/cyclelake/build-info.properties");
      p.load(in);
    }
    String c = p.getProperty("git.commit");
    return c.equals("unknown") ? c : Boolean.parseBoolean(p.getProperty("git.dirty")) ? c + "-dirty" : c;
  }
}
