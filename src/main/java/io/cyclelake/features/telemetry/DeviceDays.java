package io.cyclelake.features.telemetry;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Incremental recomputation by device-day: compares each (device_id, day) of an input table with what an output was
 * last computed from (a state table of {@link Tables#DEVICE_DAY_INPUTS_SCHEMA}: rows, a fingerprint of the rows —
 * the sum of xxhash64 over all their columns — and the settings), and says which device-days changed (new, changed or
 * computed with other settings) and which were removed from the input. Only the fingerprints (one row per device-day)
 * reach the driver.
 */
public final class DeviceDays {
  private DeviceDays() {}

  /** One partition of the telemetry tables. */
  public record Key(String device, LocalDate day) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = device.compareTo(o.device);
      return c != 0 ? c : day.compareTo(o.day);
    }
  }

  /**
   * What to recompute. {@code full}: the output (or the state) does not exist, so everything is written whole.
   *
   * @param fingerprints the input's current fingerprints, to store with {@link #commit} after the output is written
   */
  public record Plan(boolean full, Set<Key> changed, Set<Key> removed, int unchanged, Dataset<Row> fingerprints) {
    /** Nothing to write: no device-day changed or disappeared. */
    public boolean nothing() {
      return !full && changed.isEmpty() && removed.isEmpty();
    }
  }

  /** Compares {@code input}'s device-days with the state table {@code state} of {@code output}. */
  public static Plan plan(Lake lake, Dataset<Row> input, String output, String state, String settings) {
    Column[] all = Arrays.stream(input.columns()).map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> now = input.groupBy("device_id", "day")
        .agg(count(lit(1)).as("input_rows"), sum(xxhash64(all).cast("decimal(38,0)")).cast("decimal(38,0)")
            .as("input_hash"))
        .withColumn("settings", lit(settings)).withColumn("written_at", current_timestamp())
        .select(Arrays.stream(Tables.DEVICE_DAY_INPUTS_SCHEMA.fieldNames()).map(c -> col(c)).toArray(Column[]::new))
        .localCheckpoint();
    Map<Key, Row> current = byKey(now);
    if (!lake.exists(output) || !lake.exists(state)) {
      return new Plan(true, new TreeSet<>(current.keySet()), new TreeSet<>(), 0, now);
    }
    Map<Key, Row> before = byKey(lake.read(state, "telemetry"));
    Set<Key> changed = new TreeSet<>();
    int unchanged = 0;
    for (Map.Entry<Key, Row> e : current.entrySet()) {
      Row b = before.get(e.getKey());
      Row c = e.getValue();
      boolean same = b != null && b.getLong(2) == c.getLong(2)
          && ((BigDecimal) b.get(3)).compareTo((BigDecimal) c.get(3)) == 0 && Objects.equals(b.get(4), c.get(4));
      if (same) {
        unchanged++;
      } else {
        changed.add(e.getKey());
      }
    }
    Set<Key> removed = before.keySet().stream().filter(k -> !current.containsKey(k))
        .collect(Collectors.toCollection(TreeSet::new));
    return new Plan(false, changed, removed, unchanged, now);
  }

  /** Records {@code plan}'s fingerprints as what the output now holds (nothing is written when nothing changed). */
  public static void commit(Lake lake, Plan plan, String state) {
    if (plan.nothing()) return;
    lake.overwrite(plan.fingerprints(), state);
  }

  /** A SQL predicate selecting the rows of {@code keys} (on the partition columns device_id and day). */
  public static String predicate(Set<Key> keys) {
    if (keys.isEmpty()) return "false";
    Map<String, Set<LocalDate>> byDevice = new HashMap<>();
    for (Key k : keys) byDevice.computeIfAbsent(k.device(), d -> new TreeSet<>()).add(k.day());
    return byDevice.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> "(device_id = " + Lake.literal(e.getKey()) + " AND day IN (" + e.getValue().stream()
            .map(d -> "DATE'" + d + "'").collect(Collectors.joining(", ")) + "))")
        .collect(Collectors.joining(" OR "));
  }

  private static Map<Key, Row> byKey(Dataset<Row> fingerprints) {
    Map<Key, Row> m = new HashMap<>();
    for (Row r : fingerprints.collectAsList()) m.put(new Key(r.getString(0), r.getDate(1).toLocalDate()), r);
    return m;
  }
}
