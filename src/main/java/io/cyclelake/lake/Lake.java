package io.cyclelake.lake;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** The lake: one directory (local or any Hadoop file system) whose sub-directories are Delta tables. */
public final class Lake {
  private final SparkSession spark;
  private final String root;

  public Lake(SparkSession spark, String root) {
    this.spark = spark;
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  public SparkSession spark() {
    return spark;
  }

  public String root() {
    return root;
  }

  public String path(String table) {
    return root + "/" + table;
  }

  public boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  /** Reads a table; a missing table is an error that names the command which creates it. */
  public Dataset<Row> read(String table, String createdBy) {
    if (!exists(table)) {
      throw new CycleLakeException(ErrorCode.TABLE_MISSING, "the lake " + root + " has no table '" + table
          + "'; run `cyclelake " + createdBy + "` first (or point --lake at another lake)");
    }
    return spark.read().format("delta").load(path(table));
  }

  /** Reads a table, or an empty frame of its schema when it does not exist yet. */
  public Dataset<Row> readOrEmpty(String table, StructType schema) {
    return exists(table) ? spark.read().format("delta").load(path(table))
        : spark.createDataFrame(java.util.List.of(), schema);
  }

  /**
   * Replaces the rows matching {@code replaceWhere} with {@code rows} in one Delta transaction (creating the table on
   * first write). Running it again with the same input leaves the table as it was: that is what makes ingest
   * idempotent.
   */
  public void replace(Dataset<Row> rows, String table, String replaceWhere, String... partitionBy) {
    // replaceWhere even when the table does not exist yet: a writer that finds no table and overwrites without a
    // predicate would, if another writer created the table in between, delete that writer's rows. With the predicate,
    // the second creator fails with Delta's ProtocolChangedException instead (and the ingest retries).
    // mergeSchema: columns added to the canonical schema since the table was created are added to it, as in append.
    DataFrameWriter<Row> w = rows.write().format("delta").mode("overwrite").option("replaceWhere", replaceWhere)
        .option("mergeSchema", "true");
    if (partitionBy.length > 0) w = w.partitionBy(partitionBy);
    w.save(path(table));
  }

  /** Replaces the whole table in one transaction. */
  public void overwrite(Dataset<Row> rows, String table) {
    rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(path(table));
  }

  /** Appends; columns added to the canonical schema since the table was created are added to it (mergeSchema). */
  public void append(Dataset<Row> rows, String table) {
    rows.write().format("delta").mode("append").option("mergeSchema", "true").save(path(table));
  }

  /**
   * {@code root/relative}, refusing a {@code relative} that would lead out of the lake root (absolute, a scheme, or a
   * {@code ..} segment; e.g. {@code cyclelake.lake.runs-dir = "../../etc"}).
   *
   * @throws CycleLakeException CONFIG_INVALID naming the path
   */
  public static String inside(String root, String relative) {
    String r = relative.replace('\\', '/');
    boolean out = r.startsWith("/") || r.contains("://") || r.matches("^[A-Za-z]:/.*")
        || java.util.Arrays.stream(r.split("/")).anyMatch(seg -> seg.equals(".."));
    if (out) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "'" + relative + "' would be written outside the lake "
          + root + "; files of the lake go under its root (check cyclelake.lake.runs-dir)");
    }
    return root + "/" + r;
  }

  /** Writes a small binary file (a saved model) under the lake root; returns its full path. */
  public String writeBytes(String relative, byte[] bytes) {
    Path p = new Path(inside(root, relative));
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (var out = fs.create(p, true)) {
        out.write(bytes);
      }
      return p.toString();
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot write " + p + ": " + e.getMessage(), null, e);
    }
  }

  /**
   * Reads a small file under the lake root (a saved model); empty when it does not exist.
   *
   * @throws CycleLakeException INPUT_MALFORMED naming the path when it exists but cannot be read
   */
  public java.util.Optional<byte[]> readBytes(String relative) {
    Path p = new Path(inside(root, relative));
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) return java.util.Optional.empty();
      try (var in = fs.open(p)) {
        return java.util.Optional.of(in.readAllBytes());
      }
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "cannot read " + p + ": " + e.getMessage(), null, e);
    }
  }

  /** Applies the canonical schema (names, order, types, nullability and column comments) to {@code rows}. */
  public Dataset<Row> conform(Dataset<Row> rows, StructType schema) {
    return spark.createDataFrame(rows.select(schema.fieldNames()[0], tail(schema.fieldNames())).toJavaRDD(), schema);
  }

  /** Writes a small text file under the lake root (any Hadoop file system); returns its full path. */
  public String writeText(String relative, String text) {
    Path p = new Path(inside(root, relative));
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (var out = fs.create(p, true)) {
        out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      return p.toString();
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot write " + p + ": " + e.getMessage(), null, e);
    }
  }

  public record TableInfo(String name, long rows, long version, String path) {}

  /**
   * Restores {@code table} to Delta version {@code version} (Delta {@code RESTORE}): the table's rows become those of
   * that version, written as a new version, so the restore can itself be undone. Returns the new version.
   *
   * @throws CycleLakeException TABLE_MISSING if there is no such table, CONFIG_INVALID if the version is not one of
   *     the table's (or its files were vacuumed)
   */
  public long restore(String table, long version) {
    if (!exists(table)) {
      throw new CycleLakeException(ErrorCode.TABLE_MISSING, "the lake " + root + " has no table '" + table + "'");
    }
    long current = version(table);
    if (version < 0 || version > current) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "table " + table + " has versions 0.." + current
          + "; --version " + version + " is not one of them (see `cyclelake sql \"DESCRIBE HISTORY delta.`"
          + path(table) + "`\"`)");
    }
    try {
      DeltaTable.forPath(spark, path(table)).restoreToVersion(version);
    } catch (RuntimeException e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot restore " + table + " to version " + version + " ("
          + e.getMessage().lines().findFirst().orElse("") + "); a VACUUM may have removed that version's files",
          null, e);
    }
    return version(table);
  }

  /** The latest Delta version of {@code table}, which must exist. */
  public long version(String table) {
    return DeltaTable.forPath(spark, path(table)).history(1).select("version").first().getLong(0);
  }

  /** {@code table} as of Delta version {@code version} (time travel), so that a job reads one consistent snapshot. */
  public Dataset<Row> readVersion(String table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path(table));
  }

  /** Every Delta table directly under the lake root, sorted by name. */
  public List<TableInfo> tables() {
    List<TableInfo> out = new ArrayList<>();
    for (String name : tableNames()) {
      DeltaTable t = DeltaTable.forPath(spark, path(name));
      long version = t.history(1).select("version").first().getLong(0);
      out.add(new TableInfo(name, t.toDF().count(), version, path(name)));
    }
    return out;
  }

  /** The names of the Delta tables directly under the lake root (directories with a _delta_log), sorted. */
  public List<String> tableNames() {
    List<String> names = new ArrayList<>();
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(rootPath)) return names;
      for (FileStatus s : fs.listStatus(rootPath)) {
        if (s.isDirectory() && fs.exists(new Path(s.getPath(), "_delta_log"))) names.add(s.getPath().getName());
      }
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot list the lake at " + root + ": " + e.getMessage(),
          null, e);
    }
    names.sort(String::compareTo);
    return names;
  }

  /** Join columns as the Scala Seq that {@code Dataset.join(other, usingColumns, type)} takes from Java. */
  public static scala.collection.Seq<String> keys(String... columns) {
    return scala.collection.JavaConverters.asScalaBuffer(java.util.Arrays.asList(columns)).toSeq();
  }

  /** The per-operation key of the canonical tables. */
  public static final scala.collection.Seq<String> CELL_CYCLE = keys("cell_id", "cycle_index");

  /** A SQL predicate {@code column IN ('a', 'b')} with the values escaped as Spark SQL string literals. */
  public static String in(String column, Collection<String> values) {
    if (values.isEmpty()) return "false";
    return column + " IN (" + values.stream().map(Lake::literal).collect(Collectors.joining(", ")) + ")";
  }

  public static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String[] tail(String[] a) {
    String[] t = new String[a.length - 1];
    System.arraycopy(a, 1, t, 0, t.length);
    return t;
  }
}
