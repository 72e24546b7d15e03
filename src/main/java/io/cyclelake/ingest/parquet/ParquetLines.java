package io.cyclelake.ingest.parquet;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.LineSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * A Parquet file as CSV lines, so the CSV readers read it unchanged (as {@link io.cyclelake.ingest.xlsx.XlsxLines}
 * does for workbooks): line 1 holds the column names, line {@code n + 1} the values of row {@code n} (1-based, as a
 * spreadsheet would number them), joined by the delimiter and quoted where a value holds it or a quote. Rows are
 * streamed with parquet-hadoop's example {@link Group} API (what Spark 3.5 ships; no Hadoop file system is used),
 * one row group in memory at a time.
 *
 * <p>Values: a null is an empty field; doubles and floats print as the shortest decimal that reads back to the same
 * number ({@code NaN} and {@code Infinity} as such, for the readers' rules); integers, decimals, booleans and text as
 * themselves; timestamps as ISO-8601 instants in UTC. A file with nested, repeated or INT96 columns is refused when it
 * is opened, naming the column.
 */
public final class ParquetLines implements LineSource {
  private final String file;
  private final char delimiter;
  private final List<PrimitiveType> columns;
  private final ParquetReader<Group> reader;
  private String header;
  private long line;

  private ParquetLines(String file, char delimiter, List<PrimitiveType> columns, ParquetReader<Group> reader) {
    this.file = file;
    this.delimiter = delimiter;
    this.columns = columns;
    this.reader = reader;
    List<String> names = new ArrayList<>();
    columns.forEach(c -> names.add(quote(c.getName())));
    this.header = String.join(String.valueOf(delimiter), names);
  }

  /** Whether {@code file} is read as Parquet: its name ends with {@code .parquet} (any case). */
  public static boolean isParquet(Path file) {
    return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".parquet");
  }

  /**
   * Opens the file and reads its footer (schema).
   *
   * @throws CycleLakeException INPUT_MALFORMED at line 1 if it is not a readable Parquet file (empty, truncated,
   *     corrupt footer) or has a column that is not flat
   */
  public static ParquetLines open(Path path, char delimiter) throws IOException {
    String file = path.toString();
    LocalParquetFile in = new LocalParquetFile(path);
    MessageType schema;
    try (ParquetFileReader footer = ParquetFileReader.open(in)) {
      schema = footer.getFooter().getFileMetaData().getSchema();
    } catch (IOException | RuntimeException e) {
      if (e instanceof java.nio.file.NoSuchFileException) throw (IOException) e;
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file cannot be read as Parquet ("
          + e.getClass().getSimpleName() + ": " + firstLine(e) + "); it is truncated or corrupt and must be "
          + "copied again", new SourceLocation(file, 1, 0, null), e);
    }
    List<PrimitiveType> columns = new ArrayList<>();
    for (int i = 0; i < schema.getFieldCount(); i++) {
      Type t = schema.getType(i);
      String why = !t.isPrimitive() ? "nested" : t.isRepetition(Type.Repetition.REPEATED) ? "repeated"
          : t.asPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96 ? "INT96" : null;
      if (why != null) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "column '" + t.getName() + "' is " + why
            + "; CycleLake reads flat Parquet columns of numbers, text, booleans and timestamps",
            new SourceLocation(file, 1, i + 1, t.getName()), null);
      }
      columns.add(t.asPrimitiveType());
    }
    ParquetReader<Group> reader = new ParquetReader.Builder<Group>(in) {
      @Override
      protected ReadSupport<Group> getReadSupport() {
        return new GroupReadSupport();
      }
    }.build();
    return new ParquetLines(file, delimiter, columns, reader);
  }

  @Override
  public String readLine() throws IOException {
    if (header != null) {
      String h = header;
      header = null;
      line = 1;
      return h;
    }
    Group g;
    try {
      g = reader.read();
    } catch (IOException | RuntimeException e) {
      // parquet-mr reports corrupt pages as runtime exceptions; a read error is an IOException for the callers.
      throw new IOException(e.getClass().getSimpleName() + " in row " + line + " of " + file + ": " + firstLine(e), e);
    }
    if (g == null) return null;
    line++;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) b.append(delimiter);
      if (g.getFieldRepetitionCount(i) > 0) b.append(quote(value(g, i, columns.get(i))));
    }
    return b.toString();
  }

  private static String value(Group g, int i, PrimitiveType t) {
    LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
    if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
      java.math.BigInteger unscaled = switch (t.getPrimitiveTypeName()) {
        case INT32 -> java.math.BigInteger.valueOf(g.getInteger(i, 0));
        case INT64 -> java.math.BigInteger.valueOf(g.getLong(i, 0));
        default -> new java.math.BigInteger(g.getBinary(i, 0).getBytes());
      };
      return new java.math.BigDecimal(unscaled, d.getScale()).toPlainString();
    }
    if (a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
        && t.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64) {
      long v = g.getLong(i, 0);
      Instant at = switch (ts.getUnit()) {
        case MILLIS -> Instant.ofEpochMilli(v);
        case MICROS -> Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000L);
        case NANOS -> Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
      };
      return at.toString();
    }
    return switch (t.getPrimitiveTypeName()) {
      case DOUBLE -> Double.toString(g.getDouble(i, 0));
      case FLOAT -> Float.toString(g.getFloat(i, 0));
      case INT32 -> Integer.toString(g.getInteger(i, 0));
      case INT64 -> Long.toString(g.getLong(i, 0));
      case BOOLEAN -> Boolean.toString(g.getBoolean(i, 0));
      default -> g.getBinary(i, 0).toStringUsingUTF8();
    };
  }

  private String quote(String v) {
    if (v.indexOf(delimiter) < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) return v;
    return '"' + v.replace("\"", "\"\"") + '"';
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    return m.lines().findFirst().orElse("");
  }

  /** A row is whole or not there: a corrupt page surfaces as a read error from {@link #readLine()}. */
  @Override
  public boolean lastLineCut() {
    return false;
  }

  @Override
  public String lastLineCutReason() {
    return null;
  }

  @Override
  public long lineNumber() {
    return line;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
