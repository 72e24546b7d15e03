package io.cyclelake.model.sequence;

import com.typesafe.config.Config;
import io.cyclelake.report.TextTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Console output of a sequence sweep: metrics per run and part, the documented figures beside them, test means. */
public final class SequenceSweepReport {
  private SequenceSweepReport() {}

  public static void print(SequenceSweepJob.Result r, Config config, PrintStream out) {
    out.printf("sequence sweep %s (task %s): %d sequences (%d labelled discharges without a sequence), %d tasks, %d failed, "
        + "%.1f s%n", r.sweepId(), r.task(), r.sequences(), r.skipped(), r.tasks(), r.failed(), r.seconds());
    for (String e : r.errors()) out.println("  failed " + e);
    out.println("metrics per run and part (validation and test), with the documented figures of "
        + "cyclelake.sequence.documented:");
    TextTable t = new TextTable(List.of("spec", "model", "fold", "part", "cell", "n", "mae", "rmse", "r2",
        "params"));
    for (SequenceSweepJob.PartMetrics p : r.parts()) {
      if (p.part().equals("train") || p.part().startsWith("train:")) continue;
      t.add(List.of(p.specIndex(), p.model(), p.fold(), p.part(), p.cell(), p.metrics().n(), p.metrics().mae(),
          p.metrics().rmse(), p.metrics().r2(), p.params()));
    }
    for (Config d : config.getConfigList("cyclelake.sequence.documented")) {
      List<Object> row = new ArrayList<>(List.of("-", d.getString("name"), "-", d.getString("part"), "-", "-"));
      for (String m : List.of("mae", "rmse", "r2")) row.add(d.hasPath(m) ? d.getDouble(m) : "-");
      row.add("documented");
      t.add(row);
    }
    t.print(out);
    out.println("test metrics per spec, mean ± sd over folds:");
    TextTable s = new TextTable(List.of("spec", "model", "folds", "failed", "mae", "mae_sd", "rmse", "r2", "params"));
    for (SequenceSweepJob.SpecSummary x : r.specs()) {
      s.add(List.of(x.specIndex(), x.model(), x.folds(), x.failed(), x.maeMean(), x.maeSd(), x.rmseMean(),
          x.r2Mean(), x.params()));
    }
    s.print(out);
    // What the label task left out (also in label_exclusions), as under a tabular sweep's table.
    r.labels().lines().forEach(out::println);
  }
}
