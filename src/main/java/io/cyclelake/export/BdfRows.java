package io.cyclelake.export;

import io.cyclelake.ingest.mapped.BdfReader;
import io.cyclelake.ingest.parquet.LocalParquetFile;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The rows of one BDF file as {@link BdfExport} writes them, in its column order; NaN and null are missing values
 * (an empty CSV field, a Parquet null).
 */
abstract class BdfRows implements Closeable {
  /** The columns, in order. */
  static final String[] LABELS = {BdfReader.TEST_TIME, BdfReader.VOLTAGE, BdfReader.CURRENT, BdfReader.UNIX_TIME,
      BdfReader.CYCLE_COUNT, BdfReader.STEP_COUNT, BdfReader.AMBIENT_TEMPERATURE, BdfReader.SURFACE_TEMPERATURE};

  abstract void write(double testS, double voltageV, double currentA, double unixS, int cycle, Integer step,
      double ambientC, double surfaceC) throws IOException;

  static BdfRows csv(Path file) throws IOException {
    BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    w.write(String.join(",", LABELS));
    w.newLine();
    return new BdfRows() {
      @Override
      void write(double testS, double voltageV, double currentA, double unixS, int cycle, Integer step,
          double ambientC, double surfaceC) throws IOException {
        w.write(String.join(",", num(testS), num(voltageV), num(currentA), num(unixS), Integer.toString(cycle),
            step == null ? "" : Integer.toString(step), num(ambientC), num(surfaceC)));
        w.newLine();
      }

      @Override
      public void close() throws IOException {
        w.close();
      }
    };
  }

  /** Shortest text that reads back to the same double; empty for NaN. */
  private static String num(double d) {
    return Double.isNaN(d) ? "" : Double.toString(d);
  }

  /** Every column optional (a sample may lack any value); counts INT32, the rest DOUBLE; Snappy, as Spark writes. */
  static final MessageType PARQUET_SCHEMA = parquetSchema();

  private static MessageType parquetSchema() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (String l : LABELS) {
      boolean count = l.equals(BdfReader.CYCLE_COUNT) || l.equals(BdfReader.STEP_COUNT);
      b.optional(count ? PrimitiveTypeName.INT32 : PrimitiveTypeName.DOUBLE).named(l);
    }
    return b.named("bdf");
  }

  static BdfRows parquet(Path file) throws IOException {
    ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalParquetFile(file))
        .withType(PARQUET_SCHEMA)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .build();
    SimpleGroupFactory rows = new SimpleGroupFactory(PARQUET_SCHEMA);
    return new BdfRows() {
      @Override
      void write(double testS, double voltageV, double currentA, double unixS, int cycle, Integer step,
          double ambientC, double surfaceC) throws IOException {
        Group g = rows.newGroup();
        double[] d = {testS, voltageV, currentA, unixS};
        for (int i = 0; i < d.length; i++) {
          if (!Double.isNaN(d[i])) g.add(i, d[i]);
        }
        g.add(4, cycle);
        if (step != null) g.add(5, step.intValue());
        if (!Double.isNaN(ambientC)) g.add(6, ambientC);
        if (!Double.isNaN(surfaceC)) g.add(7, surfaceC);
        w.write(g);
      }

      @Override
      public void close() throws IOException {
        w.close();
      }
    };
  }
}
