package io.cyclelake.lineage;

import io.cyclelake.lake.Lake;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The lake tables a job reads, each pinned to one Delta version: the first read of a table takes its latest version,
 * and every later read of it within the job is that same version (time travel). So a job reads one consistent
 * snapshot, and {@link #versions()} says exactly which versions it read, for its lineage.
 */
public final class InputTables {
  private final Lake lake;
  private final Map<String, Long> versions = new TreeMap<>();

  public InputTables(Lake lake) {
    this.lake = lake;
  }

  public Lake lake() {
    return lake;
  }

  /** Whether {@code table} exists (a table pinned earlier in the job exists by definition). */
  public boolean exists(String table) {
    return versions.containsKey(table) || lake.exists(table);
  }

  /**
   * {@code table} at its pinned version (pinned now if this is its first read); a missing table is an error that
   * names the command which creates it, as {@link Lake#read} says.
   */
  public synchronized Dataset<Row> read(String table, String createdBy) {
    Long v = versions.get(table);
    if (v == null) {
      lake.read(table, createdBy); // the error naming the command, when the table is missing
      v = lake.version(table);
      versions.put(table, v);
    }
    return lake.readVersion(table, v);
  }

  /** Table → Delta version of every table read so far, sorted by name. */
  public synchronized Map<String, Long> versions() {
    return Collections.unmodifiableMap(new TreeMap<>(versions));
  }
}
