package io.cyclelake.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Ingest: a reader plans on the driver, each raw file is parsed in its own Spark task, and the results replace the
 * ingested cells' rows in {@code timeseries}, {@code impedance}, {@code quarantine} and {@code cycles}. Each table is
 * written in one Delta transaction, so a rerun on the same input leaves every table as it was.
 */
public final class IngestJob {
  private static final StructType PARSED = new StructType()
      .add("kind", DataTypes.StringType, false)
      .add("ts", Tables.TIMESERIES_SCHEMA, true)
      .add("imp", Tables.IMPEDANCE_SCHEMA, true)
      .add("q", Tables.QUARANTINE_SCHEMA, true);

  private IngestJob() {}

  /** What one ingest did. Lines read = samples + impedance points + quarantined. */
  public record Result(int operations, Set<String> cells, int files, long linesRead, long samples,
      long impedancePoints, long quarantined) {}

  public static Result run(Lake lake, SourceReader reader, Path input, Config readerSettings, Set<String> cells,
      Progress progress) {
    SparkSession spark = lake.spark();
    Path in = input.toAbsolutePath().normalize();
    if (!Files.isDirectory(in)) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "input folder " + in + " does not exist");
    }
    progress.step("planning " + reader.name() + " ingest of " + in);
    IngestPlan plan;
    try {
      plan = reader.plan(in, readerSettings, cells);
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "cannot read " + in + ": " + e.getMessage(), null, e);
    }
    Set<String> planCells = new TreeSet<>();
    Map<String, Operation> ops = new HashMap<>();
    for (Operation op : plan.operations()) {
      planCells.add(op.cellId());
      Operation previous = ops.put(op.sourceOperationId(), op);
      if (previous != null) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "operation id " + op.sourceOperationId()
            + " is listed twice (cells " + previous.cellId() + " and " + op.cellId() + ") in " + op.sourceFile());
      }
    }
    if (planCells.isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "no operations found in " + in
          + (cells.isEmpty() ? "" : " for cells " + cells));
    }
    progress.done(String.format("planned %d operations of %d cells, %d files", ops.size(), planCells.size(),
        plan.files().size()));

    progress.step("parsing " + plan.files().size() + " files in parallel");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Map<String, Operation>> opsBc = jsc.broadcast(ops);
    JavaRDD<Row> rows = jsc.parallelize(plan.files(), Math.max(1, plan.files().size()))
        .flatMap(parseFile(reader, opsBc));
    Dataset<Row> parsed = spark.createDataFrame(rows, PARSED).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Long> counts = new HashMap<>();
      for (Row r : parsed.groupBy("kind").count().collectAsList()) counts.put(r.getString(0), r.getLong(1));
      long samples = counts.getOrDefault("ts", 0L);
      long points = counts.getOrDefault("imp", 0L);
      long quarantined = counts.getOrDefault("q", 0L) + plan.quarantined().size();
      progress.done(String.format("parsed %d samples, %d impedance points, %d quarantined rows", samples, points,
          quarantined));

      progress.step("writing Delta tables");
      String cellsIn = Lake.in("cell_id", planCells);
      Dataset<Row> ts = parsed.where(col("kind").equalTo("ts")).select("ts.*");
      Dataset<Row> imp = parsed.where(col("kind").equalTo("imp")).select("imp.*");
      Set<String> files = new LinkedHashSet<>();
      plan.files().forEach(f -> files.add(f.path()));
      plan.operations().forEach(o -> files.add(o.sourceFile()));
      Dataset<Row> q = parsed.where(col("kind").equalTo("q")).select("q.*")
          .unionByName(spark.createDataFrame(toRows(plan.quarantined()), Tables.QUARANTINE_SCHEMA));
      lake.replace(ts, Tables.TIMESERIES, cellsIn, "cell_id");
      lake.replace(imp, Tables.IMPEDANCE, cellsIn);
      lake.replace(q, Tables.QUARANTINE,
          "source = " + Lake.literal(reader.name()) + " AND " + Lake.in("source_file", files));
      lake.replace(cycles(lake, reader.name(), plan.operations(), ts, imp, q), Tables.CYCLES, cellsIn);
      progress.done("wrote timeseries, impedance, quarantine and cycles for " + planCells.size() + " cells");
      return new Result(ops.size(), planCells, plan.files().size(), plan.listingLines() + samples + points
          + counts.getOrDefault("q", 0L), samples, points, quarantined);
    } finally {
      parsed.unpersist();
      opsBc.destroy();
    }
  }

  private static Dataset<Row> cycles(Lake lake, String source, List<Operation> operations, Dataset<Row> ts,
      Dataset<Row> imp, Dataset<Row> q) {
    SparkSession spark = lake.spark();
    List<Row> opRows = new ArrayList<>(operations.size());
    for (Operation o : operations) {
      opRows.add(RowFactory.create(o.cellId(), o.cycleIndex(), o.cycleType(), o.ambientTemperatureC(),
          o.startTime() == null ? null : Timestamp.from(o.startTime()), o.capacityAh(), o.reOhm(), o.rctOhm(),
          source, o.sourceOperationId(), o.sourceFile()));
    }
    StructType opSchema = new StructType()
        .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
        .add("cycle_type", DataTypes.StringType).add("ambient_temperature_c", DataTypes.DoubleType)
        .add("start_time", DataTypes.TimestampType).add("capacity_ah", DataTypes.DoubleType)
        .add("re_ohm", DataTypes.DoubleType).add("rct_ohm", DataTypes.DoubleType)
        .add("source", DataTypes.StringType).add("source_operation_id", DataTypes.StringType)
        .add("source_file", DataTypes.StringType);
    Dataset<Row> base = spark.createDataFrame(opRows, opSchema);
    Dataset<Row> tsStats = ts.groupBy("cell_id", "cycle_index")
        .agg(count(lit(1)).as("ts_n"), max("time_s").minus(min("time_s")).as("duration_s"));
    Dataset<Row> impStats = imp.groupBy("cell_id", "cycle_index").agg(count(lit(1)).as("imp_n"));
    Dataset<Row> qStats = q.where(col("cycle_index").isNotNull())
        .groupBy("cell_id", "cycle_index").agg(count(lit(1)).as("n_quarantined"));
    Seq keys = new Seq();
    Dataset<Row> joined = base.join(tsStats, keys.cellCycle, "left")
        .join(impStats, keys.cellCycle, "left")
        .join(qStats, keys.cellCycle, "left")
        .withColumn("n_samples", coalesce(col("ts_n"), col("imp_n"), lit(0L)))
        .withColumn("n_quarantined", coalesce(col("n_quarantined"), lit(0L)));
    return lake.conform(joined, Tables.CYCLES_SCHEMA);
  }

  /** Join keys as a Scala Seq, which Dataset.join wants from Java. */
  private static final class Seq {
    final scala.collection.Seq<String> cellCycle =
        scala.collection.JavaConverters.asScalaBuffer(List.of("cell_id", "cycle_index")).toSeq();
  }

  private static FlatMapFunction<InputFile, Row> parseFile(SourceReader reader,
      Broadcast<Map<String, Operation>> ops) {
    return file -> {
      List<Row> out = new ArrayList<>();
      RecordSink sink = new RecordSink() {
        @Override
        public void sample(SampleRecord r) {
          out.add(RowFactory.create("ts", RowFactory.create(r.cellId(), r.cycleIndex(), r.cycleType(),
              r.sampleIndex(), r.timeS(), r.voltageV(), r.currentA(), r.temperatureC(), r.instrumentCurrentA(),
              r.instrumentVoltageV(), r.sourceFile(), r.sourceLine()), null, null));
        }

        @Override
        public void impedance(ImpedanceRecord r) {
          Object[] v = new Object[5 + ImpedanceRecord.PARTS];
          v[0] = r.cellId();
          v[1] = r.cycleIndex();
          v[2] = r.pointIndex();
          System.arraycopy(r.parts(), 0, v, 3, ImpedanceRecord.PARTS);
          v[3 + ImpedanceRecord.PARTS] = r.sourceFile();
          v[4 + ImpedanceRecord.PARTS] = r.sourceLine();
          out.add(RowFactory.create("imp", null, RowFactory.create(v), null));
        }

        @Override
        public void quarantine(QuarantineRecord r) {
          out.add(RowFactory.create("q", null, null, quarantineRow(r)));
        }
      };
      try {
        reader.parse(file, ops.value(), sink);
      } catch (CycleLakeException | IOException | UncheckedIOException e) {
        // A file that cannot be read to its end is quarantined as a whole (with the lines read before the
        // failure kept), so one bad file does not stop the ingest of the others.
        String msg = e instanceof CycleLakeException ? e.getMessage() : file.path() + ": " + e;
        sink.quarantine(new QuarantineRecord(reader.name(), file.path(), 0, null, null, null, null, "file",
            "the file could not be read to its end: " + msg, null));
      }
      return out.iterator();
    };
  }

  private static Row quarantineRow(QuarantineRecord r) {
    return RowFactory.create(r.source(), r.sourceFile(), r.sourceLine(), r.column(), r.columnName(), r.cellId(),
        r.cycleIndex(), r.rule(), r.message(), r.raw());
  }

  private static List<Row> toRows(List<QuarantineRecord> records) {
    List<Row> out = new ArrayList<>(records.size());
    records.forEach(r -> out.add(quarantineRow(r)));
    return out;
  }
}
