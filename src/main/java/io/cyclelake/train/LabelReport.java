package io.cyclelake.train;

import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * What a label task left out, on the driver: the excluded discharges and the censored cells of
 * {@link LabelTask.Labels}, as printed lines and as rows of {@code label_exclusions}.
 *
 * @param excluded rows of {@link LabelTask#EXCLUDED_COLUMNS}, ordered by cell and cycle
 */
public record LabelReport(String task, List<Row> excluded, List<LabelTask.Censored> censored) {
  /** Collects the excluded rows (a few per cell). */
  public static LabelReport of(String task, LabelTask.Labels labels) {
    List<Row> rows = labels.excluded().select(LabelTask.EXCLUDED_COLUMNS.stream()
            .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
        .orderBy("cell_id", "cycle_index").collectAsList();
    return new LabelReport(task, List.copyOf(rows), labels.censored());
  }

  public List<String> censoredCells() {
    return censored.stream().map(LabelTask.Censored::cellId).toList();
  }

  /**
   * One line for the censored cells (if any), e.g. {@code rul: 1 cell censored (never below 1.4 Ah): B0007 (last
   * ...)}, and one per reason of exclusion with its count and cells, e.g. {@code rul: 43 discharges left out: after
   * end of life at discharge 125 (...) [B0005: 43]}.
   */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    if (!censored.isEmpty()) {
      Map<String, List<String>> byReason = new TreeMap<>();
      for (LabelTask.Censored c : censored) byReason.computeIfAbsent(c.reason(), r -> new ArrayList<>()).add(c.brief());
      for (var e : byReason.entrySet()) {
        int n = e.getValue().size();
        out.add(task + ": " + n + (n == 1 ? " cell" : " cells") + " censored (" + e.getKey() + "), all their "
            + "discharges left out: " + String.join(", ", e.getValue()));
      }
    }
    Map<String, Map<String, Integer>> byReason = new TreeMap<>();
    for (Row r : excluded) {
      byReason.computeIfAbsent(r.getString(3), k -> new TreeMap<>()).merge(r.getString(0), 1, Integer::sum);
    }
    for (var e : byReason.entrySet()) {
      int n = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
      List<String> cells = e.getValue().entrySet().stream().map(c -> c.getKey() + ": " + c.getValue()).toList();
      out.add(task + ": " + n + (n == 1 ? " discharge" : " discharges") + " left out: " + e.getKey() + " ["
          + String.join(", ", cells) + "]");
    }
    return out;
  }

  /** Rows of {@code label_exclusions}: the excluded discharges, then one row per censored cell. */
  public List<Row> tableRows(String runId, Timestamp now) {
    List<Row> out = new ArrayList<>();
    for (Row r : excluded) {
      out.add(RowFactory.create(runId, now, task, r.getString(0), r.isNullAt(1) ? null : r.getInt(1),
          r.isNullAt(2) ? null : r.getDouble(2), r.getString(3)));
    }
    for (LabelTask.Censored c : censored) {
      out.add(RowFactory.create(runId, now, task, c.cellId(), null, c.lastCapacityAh(), "censored: " + c.reason()
          + "; " + c.discharges() + " discharges, " + c.brief()));
    }
    return out;
  }

  /** Appends {@link #tableRows} to {@code label_exclusions} (nothing when there is nothing to record). */
  public void record(Lake lake, String runId, Timestamp now) {
    List<Row> rows = tableRows(runId, now);
    if (rows.isEmpty()) return;
    lake.append(lake.spark().createDataFrame(rows, Tables.LABEL_EXCLUSIONS_SCHEMA), Tables.LABEL_EXCLUSIONS);
  }
}
