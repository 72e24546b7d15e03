package io.cyclelake.cli;

import io.cyclelake.report.TextTable;
import io.cyclelake.report.card.Comparison;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compare", mixinStandardHelpOptions = true, description = {
    "Compare two sweeps (every spec they share) or two specs (SWEEP_ID/sK) fold by fold on one metric",
    "(fold_metrics, all cells of the part), with a two-sided Wilcoxon signed-rank test across the paired folds."})
final class CompareCommand extends LakeCommand {
  @Parameters(index = "0", paramLabel = "A", description = "SWEEP_ID or SWEEP_ID/sK")
  String a;

  @Parameters(index = "1", paramLabel = "B", description = "SWEEP_ID or SWEEP_ID/sK")
  String b;

  @Option(names = "--metric", paramLabel = "NAME", description = "One of mae, rmse, mape_pct, r2, max_error, "
      + "within_3pct, within_5pct, coverage (default: cyclelake.report.cards.compare-metric).")
  String metric;

  @Option(names = "--part", paramLabel = "PART", defaultValue = "test", description = "train, validation or test "
      + "(default: test).")
  String part;

  @Option(names = "--alpha", paramLabel = "LEVEL", description = "Test level (default: "
      + "cyclelake.report.cards.alpha).")
  Double alpha;

  @Override
  int execute() {
    var c = common.config();
    String m = metric != null ? metric : c.getString("cyclelake.report.cards.compare-metric");
    double level = alpha != null ? alpha : c.getDouble("cyclelake.report.cards.alpha");
    print(Comparison.compare(common.openLake(), a, b, m, part, level), System.out);
    return 0;
  }

  static void print(List<Comparison.Result> results, PrintStream out) {
    for (Comparison.Result r : results) {
      out.println("A = " + r.a().sweepId() + "/s" + r.a().index() + " (" + r.a().model() + " " + r.a().params()
          + ")");
      out.println("B = " + r.b().sweepId() + "/s" + r.b().index() + " (" + r.b().model() + " " + r.b().params()
          + ")");
      out.println(r.metric() + " on the " + r.part() + " part, per fold (B - A):");
      TextTable t = new TextTable(List.of("fold", "A", "B", "B - A"));
      for (Comparison.FoldDiff d : r.folds()) t.add(List.of(d.fold(), d.a(), d.b(), d.diff()));
      t.print(out);
      if (!r.unpaired().isEmpty()) {
        out.println("folds without a value on both sides (left out): " + String.join(", ", r.unpaired()));
      }
      out.printf(java.util.Locale.ROOT, "mean difference %.6g; Wilcoxon signed-rank: n = %d (zeros dropped: %d), "
              + "W+ = %s, W- = %s, two-sided p = %.4g (%s)%n", r.meanDiff(), r.test().n(), r.test().zeros(),
          io.cyclelake.report.html.Html.format(r.test().wPlus()), io.cyclelake.report.html.Html.format(
              r.test().wMinus()), r.test().p(), r.test().exact() ? "exact" : "normal approximation");
      out.println("=> " + r.verdict());
      out.println();
    }
  }
}
