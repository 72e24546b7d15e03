package io.cyclelake.bench;

import io.cyclelake.report.TextTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's figures as JSON-ready maps (medians over the repeats, every run, the incremental ratios, the 1 to
 * N core scaling) and as text tables. Keys are snake_case; times are seconds, sizes MB (2^20 bytes).
 */
public final class BenchReport {
  private BenchReport() {}

  /** The document of one run of the benchmark (one master). */
  public static Map<String, Object> json(BenchJob.Result r, String command) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", command);
    m.put("workload", r.workload());
    m.put("master", r.master());
    m.put("parallelism", r.parallelism());
    m.put("processors", Runtime.getRuntime().availableProcessors());
    m.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    m.put("repeat", r.runs().size());
    m.put("median", medians(r.runs()));
    List<Object> runs = new ArrayList<>();
    for (BenchJob.Pass p : r.runs()) runs.add(pass(p));
    m.put("runs", runs);
    if (!r.incremental().isEmpty()) m.put("incremental", incremental(r));
    return m;
  }

  /** Per stage, medians over the passes (rows and cycles of the first pass). */
  static List<Map<String, Object>> medians(List<BenchJob.Pass> passes) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (BenchJob.StageResult first : passes.get(0).stages()) {
      List<BenchJob.StageResult> all = passes.stream().map(p -> p.stage(first.stage())).toList();
      double wall = median(all.stream().mapToDouble(BenchJob.StageResult::wallSeconds).toArray());
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("stage", first.stage());
      s.put("wall_seconds", wall);
      s.put("rows", first.rows());
      s.put("rows_per_second", first.rows() / wall);
      s.put("cycles", first.cycles());
      s.put("cycles_per_second", first.cycles() / wall);
      s.put("peak_heap_mb", median(all.stream().mapToDouble(x -> x.measure().peakHeapBytes() / 1048576.0).toArray()));
      s.put("gc_seconds", median(all.stream().mapToDouble(x -> x.measure().gcSeconds()).toArray()));
      s.put("cpu_seconds", median(all.stream().mapToDouble(x -> x.measure().cpuSeconds()).toArray()));
      s.put("cores_busy", median(all.stream().mapToDouble(x -> x.measure().cpuSeconds()
          / x.measure().wallSeconds()).toArray()));
      s.put("load_before", median(all.stream().mapToDouble(x -> x.measure().loadBefore()).toArray()));
      s.put("load_after", median(all.stream().mapToDouble(x -> x.measure().loadAfter()).toArray()));
      s.put("wall_seconds_all", all.stream().map(BenchJob.StageResult::wallSeconds).toList());
      out.add(s);
    }
    return out;
  }

  static Map<String, Object> pass(BenchJob.Pass p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("label", p.label());
    m.put("lake", p.lake());
    List<Object> stages = new ArrayList<>();
    for (BenchJob.StageResult s : p.stages()) stages.add(stage(s));
    m.put("stages", stages);
    return m;
  }

  static Map<String, Object> stage(BenchJob.StageResult s) {
    StageMeter.Measure x = s.measure();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stage", s.stage());
    m.put("wall_seconds", s.wallSeconds());
    m.put("rows", s.rows());
    m.put("rows_per_second", s.rowsPerSecond());
    m.put("cycles", s.cycles());
    m.put("cycles_per_second", s.cyclesPerSecond());
    m.put("peak_heap_mb", x.peakHeapBytes() / 1048576.0);
    m.put("measured_seconds", x.wallSeconds());
    m.put("gc_seconds", x.gcSeconds());
    m.put("cpu_seconds", x.cpuSeconds());
    m.put("load_before", x.loadBefore());
    m.put("load_after", x.loadAfter());
    Map<String, Object> spark = new LinkedHashMap<>();
    spark.put("tasks", x.sparkTasks());
    spark.put("task_run_seconds", x.taskRunSeconds());
    spark.put("task_cpu_seconds", x.taskCpuSeconds());
    spark.put("task_gc_seconds", x.taskGcSeconds());
    spark.put("input_mb", x.inputBytes() / 1048576.0);
    spark.put("shuffle_read_mb", x.shuffleReadBytes() / 1048576.0);
    spark.put("shuffle_write_mb", x.shuffleWriteBytes() / 1048576.0);
    spark.put("spilled_mb", x.spilledBytes() / 1048576.0);
    spark.put("slowest_stages", x.slowestSparkStages());
    m.put("spark", spark);
    m.put("detail", s.detail());
    return m;
  }

  /**
   * Medians over the repeats of the three incremental passes, their ratios to the first pass, and the new cell's
   * share of the first pass (its ingested rows over the first pass's), whose double is the target of the third.
   */
  static Map<String, Object> incremental(BenchJob.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("held_out_cell", r.heldOutCell());
    List<String> labels = List.of("first", "nothing_new", "one_new_cell");
    List<String> stages = r.incremental().get(0).get(0).stages().stream().map(BenchJob.StageResult::stage).toList();
    double[][] total = new double[3][r.incremental().size()];
    List<Map<String, Object>> perStage = new ArrayList<>();
    for (String st : stages) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("stage", st);
      double[] med = new double[3];
      for (int k = 0; k < 3; k++) {
        double[] v = new double[r.incremental().size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = r.incremental().get(i).get(k).stage(st).wallSeconds();
          total[k][i] += v[i];
        }
        med[k] = median(v);
        s.put(labels.get(k) + "_seconds", med[k]);
      }
      s.put("nothing_new_ratio", med[1] / med[0]);
      s.put("one_new_cell_ratio", med[2] / med[0]);
      perStage.add(s);
    }
    m.put("stages", perStage);
    double[] t = {median(total[0]), median(total[1]), median(total[2])};
    m.put("total_first_seconds", t[0]);
    m.put("total_nothing_new_seconds", t[1]);
    m.put("total_one_new_cell_seconds", t[2]);
    m.put("total_nothing_new_ratio", t[1] / t[0]);
    m.put("total_one_new_cell_ratio", t[2] / t[0]);
    BenchJob.StageResult firstIngest = r.incremental().get(0).get(0).stage("ingest");
    BenchJob.StageResult newIngest = r.incremental().get(0).get(2).stage("ingest");
    if (firstIngest != null && newIngest != null && firstIngest.rows() > 0) {
      double share = newIngest.rows() / (double) firstIngest.rows();
      m.put("new_cell_rows", newIngest.rows());
      m.put("new_cell_share_of_first", share);
      m.put("one_new_cell_target_ratio", 2 * share);
    }
    List<Object> passes = new ArrayList<>();
    for (List<BenchJob.Pass> triple : r.incremental()) {
      for (BenchJob.Pass p : triple) passes.add(pass(p));
    }
    m.put("passes", passes);
    return m;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** The medians table, then the incremental table if any. */
  @SuppressWarnings("unchecked")
  public static void print(Map<String, Object> doc, PrintStream out) {
    out.printf(Locale.ROOT, "bench: %s at %s (parallelism %s, %s processors, max heap %s MB), median of %s runs%n",
        doc.get("workload"), doc.get("master"), doc.get("parallelism"), doc.get("processors"), doc.get("max_heap_mb"),
        doc.get("repeat"));
    TextTable t = new TextTable(List.of("stage", "wall_s", "rows", "rows_per_s", "cycles", "cycles_per_s",
        "peak_heap_mb", "gc_s", "cpu_s", "cores_busy", "load"));
    for (Map<String, Object> s : (List<Map<String, Object>>) doc.get("median")) {
      t.add(List.of(s.get("stage"), s.get("wall_seconds"), s.get("rows"), s.get("rows_per_second"), s.get("cycles"),
          s.get("cycles_per_second"), s.get("peak_heap_mb"), s.get("gc_seconds"), s.get("cpu_seconds"),
          s.get("cores_busy"), String.format(Locale.ROOT, "%.2f->%.2f", (Double) s.get("load_before"),
              (Double) s.get("load_after"))));
    }
    t.print(out);
    Map<String, Object> inc = (Map<String, Object>) doc.get("incremental");
    if (inc != null) {
      out.println("incremental (held-out cell " + inc.get("held_out_cell") + "): seconds and ratio to the first pass");
      TextTable it = new TextTable(List.of("stage", "first_s", "nothing_new_s", "ratio", "one_new_cell_s", "ratio"));
      for (Map<String, Object> s : (List<Map<String, Object>>) inc.get("stages")) {
        it.add(List.of(s.get("stage"), s.get("first_seconds"), s.get("nothing_new_seconds"),
            s.get("nothing_new_ratio"), s.get("one_new_cell_seconds"), s.get("one_new_cell_ratio")));
      }
      it.add(List.of("total", inc.get("total_first_seconds"), inc.get("total_nothing_new_seconds"),
          inc.get("total_nothing_new_ratio"), inc.get("total_one_new_cell_seconds"),
          inc.get("total_one_new_cell_ratio")));
      it.print(out);
      if (inc.containsKey("new_cell_share_of_first")) {
        out.printf(Locale.ROOT, "the new cell has %.2f %% of the first pass's ingested rows: target for one new cell "
                + "<= %.4f of the first pass; nothing new: target <= 0.05%n",
            100 * (Double) inc.get("new_cell_share_of_first"), (Double) inc.get("one_new_cell_target_ratio"));
      }
    }
  }

  /** Per stage, the wall seconds of each core count and the ratio of the first to each later one. */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> scaling(List<Map<String, Object>> docs) {
    List<Map<String, Object>> out = new ArrayList<>();
    List<Map<String, Object>> base = (List<Map<String, Object>>) docs.get(0).get("median");
    for (Map<String, Object> b : base) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("stage", b.get("stage"));
      for (Map<String, Object> d : docs) {
        for (Map<String, Object> x : (List<Map<String, Object>>) d.get("median")) {
          if (!x.get("stage").equals(b.get("stage"))) continue;
          s.put(d.get("master") + "_seconds", x.get("wall_seconds"));
          if (d != docs.get(0)) {
            s.put("speedup_" + docs.get(0).get("master") + "_to_" + d.get("master"),
                ((Number) b.get("wall_seconds")).doubleValue() / ((Number) x.get("wall_seconds")).doubleValue());
          }
        }
      }
      out.add(s);
    }
    return out;
  }

  public static void printScaling(List<Map<String, Object>> scaling, PrintStream out) {
    if (scaling.isEmpty()) return;
    List<String> header = new ArrayList<>(scaling.get(0).keySet());
    TextTable t = new TextTable(header);
    for (Map<String, Object> s : scaling) {
      List<Object> row = new ArrayList<>();
      for (String h : header) row.add(s.get(h));
      t.add(row);
    }
    out.println("scaling (median wall seconds per master, speedup = first / later):");
    t.print(out);
  }
}
