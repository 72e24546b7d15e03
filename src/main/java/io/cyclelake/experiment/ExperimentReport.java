package io.cyclelake.experiment;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.Markdown;
import io.cyclelake.report.html.Section;
import io.cyclelake.schema.Tables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import io.cyclelake.eval.FoldStats;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;

/**
 * The results of one experiment run as Markdown ({@code docs/results/NAME.md}) and as a generated block of the
 * results index ({@code docs/results.md}), every number read from {@code fold_metrics} of the run's sweeps (all cells
 * of a part, {@code cell_id = '*'}): per spec the mean ± sd over folds of each metric, the folds one by one, the
 * published figures beside them, and whether the targets were met.
 */
public final class ExperimentReport {
  private static final Pattern RUN = Pattern.compile("-s(\\d+)-f(\\d+)$");
  static final List<String> METRICS = Experiment.METRICS;

  private ExperimentReport() {}

  /** One spec (model × settings) of one step, with its per-fold metrics by part. */
  public record Spec(String step, String sweepId, int index, String model, String settings,
      Map<String, List<double[]>> byPart, List<String> folds, List<Double> coverage, double level) {
    /** Mean over folds of metric {@code m} (index in {@link #METRICS}) on {@code part}; NaN when absent. */
    public double mean(String part, int m) {
      return FoldStats.mean(values(part, m));
    }

    public double sd(String part, int m) {
      return FoldStats.sd(values(part, m));
    }

    List<Double> values(String part, int m) {
      List<Double> v = new ArrayList<>();
      for (double[] f : byPart.getOrDefault(part, List.of())) v.add(f[m]);
      return v;
    }

    public String label() {
      return model + (settings.isEmpty() ? "" : " (" + settings + ")");
    }
  }

  /** A target and the spec that came closest. */
  public record TargetOutcome(Experiment.Target target, Spec best, double value, boolean met) {
    public String describe() {
      if (best == null) return target.describe() + ": no spec has this metric";
      double gap = target.atMost() ? value - target.value() : target.value() - value;
      return target.describe() + ": best " + fmt(value) + " by " + best.step() + " / " + best.label()
          + (met ? " — met" : " — missed by " + fmt(gap));
    }
  }

  /** The specs of the run's successful steps, read from {@code fold_metrics}. */
  public static List<Spec> specs(Lake lake, ExperimentJob.Result run) {
    List<Spec> out = new ArrayList<>();
    List<String> ids = run.steps().stream().filter(s -> s.sweepId() != null).map(ExperimentJob.StepResult::sweepId)
        .toList();
    if (ids.isEmpty() || !lake.exists(Tables.FOLD_METRICS)) return out;
    List<Row> rows = lake.read(Tables.FOLD_METRICS, "cyclelake sweep")
        .where(col("cell_id").equalTo("*").and(col("sweep_id").isin(ids.toArray())))
        .select("sweep_id", "run_id", "model", "params", "fold", "part", "mae", "rmse", "mape_pct", "r2",
            "within_3pct", "within_5pct", "coverage", "interval_level")
        .collectAsList();
    for (ExperimentJob.StepResult s : run.steps()) {
      if (s.sweepId() == null) continue;
      Map<Integer, Spec> bySpec = new TreeMap<>();
      rows.stream().filter(r -> r.getString(0).equals(s.sweepId())).sorted(Comparator.comparing(r -> r.getString(1)))
          .forEach(r -> {
            Matcher m = RUN.matcher(r.getString(1));
            if (!m.find()) {
              throw new CycleLakeException(ErrorCode.JOB_FAILED, "fold_metrics run id " + r.getString(1)
                  + " does not end in -s<spec>-f<fold>");
            }
            int spec = Integer.parseInt(m.group(1));
            Spec sp = bySpec.computeIfAbsent(spec, k -> new Spec(s.step().name(), s.sweepId(), k, r.getString(2),
                settings(s.config(), r.getString(2), r.getString(3)), new LinkedHashMap<>(), new ArrayList<>(),
                new ArrayList<>(), r.isNullAt(13) ? Double.NaN : r.getDouble(13)));
            double[] v = new double[METRICS.size()];
            for (int j = 0; j < v.length; j++) v[j] = r.isNullAt(6 + j) ? Double.NaN : r.getDouble(6 + j);
            String part = r.getString(5);
            sp.byPart().computeIfAbsent(part, p -> new ArrayList<>()).add(v);
            if (part.equals("test")) {
              sp.folds().add(r.getString(4));
              sp.coverage().add(r.isNullAt(12) ? Double.NaN : r.getDouble(12));
            }
          });
      out.addAll(bySpec.values());
    }
    return out;
  }

  /** The settings of a spec that differ from the model's defaults in the step's configuration, as k=v. */
  static String settings(Config stepConfig, String model, String params) {
    Config p = ConfigFactory.parseString(params);
    String path = "cyclelake.model." + model;
    Config defaults = stepConfig != null && stepConfig.hasPath(path) ? stepConfig.getConfig(path)
        : ConfigFactory.empty();
    List<String> out = new ArrayList<>();
    TreeMap<String, ConfigValue> entries = new TreeMap<>();
    p.entrySet().forEach(e -> entries.put(e.getKey(), e.getValue()));
    for (Map.Entry<String, ConfigValue> e : entries.entrySet()) {
      Object v = e.getValue().unwrapped();
      if (defaults.hasPath(e.getKey()) && same(defaults.getValue(e.getKey()).unwrapped(), v)) continue;
      out.add(e.getKey() + "=" + v);
    }
    return String.join(", ", out);
  }

  /** Equal values; numbers by value (HOCON renders 10.0 as 10, which reads back as an integer). */
  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) return x.doubleValue() == y.doubleValue();
    return a.equals(b);
  }

  /** For each target, the spec with the best mean of its metric on its part, reference steps left out. */
  public static List<TargetOutcome> targets(Experiment e, List<Spec> specs) {
    List<TargetOutcome> out = new ArrayList<>();
    for (Experiment.Target t : e.targets()) {
      int m = METRICS.indexOf(t.metric());
      Spec best = null;
      double bestValue = Double.NaN;
      for (Spec s : specs) {
        if (e.steps().stream().anyMatch(x -> x.reference() && x.name().equals(s.step()))) continue;
        double v = s.mean(t.part(), m);
        if (Double.isNaN(v)) continue;
        if (best == null || (t.atMost() ? v < bestValue : v > bestValue)) {
          best = s;
          bestValue = v;
        }
      }
      boolean met = best != null && (t.atMost() ? bestValue <= t.value() : bestValue >= t.value());
      out.add(new TargetOutcome(t, best, bestValue, met));
    }
    return out;
  }

  /**
   * What an experiment writes beside its page: the Markdown model card of each spec (key {@link #cardKey}) and the
   * figures.
   */
  public record Artifacts(Map<String, Path> cards, List<ExperimentFigures.Figure> figures) {
    public static Artifacts none() {
      return new Artifacts(Map.of(), List.of());
    }

    /** A Markdown link to the card of {@code s}, relative to {@code from}, or "–" without one. */
    String cardLink(Spec s, Path from) {
      Path card = cards.get(cardKey(s.sweepId(), s.index()));
      return card == null ? "–" : "[card](" + rel(from, card) + ")";
    }
  }

  /** The key of a spec's card in {@link Artifacts#cards()}. */
  public static String cardKey(String sweepId, int specIndex) {
    return sweepId + "/s" + specIndex;
  }

  static String rel(Path from, Path target) {
    return from.toAbsolutePath().normalize().relativize(target.toAbsolutePath().normalize()).toString()
        .replace('\\', '/');
  }

  /**
   * Writes the Markdown model card of every spec of the run's successful steps into {@code dir/<step>/} (the
   * folder is emptied of earlier cards first: they are regenerated on every run, never edited), with each sweep's
   * configuration and index; the cards' commands name files relative to {@code home}. Returns the cards by
   * {@link #cardKey}.
   */
  public static Map<String, Path> writeCards(Lake lake, Experiment e, ExperimentJob.Result run, Path dir,
      Path home) {
    clearGenerated(dir);
    Map<String, Path> out = new LinkedHashMap<>();
    for (ExperimentJob.StepResult s : run.steps()) {
      if (s.sweepId() == null) continue;
      for (io.cyclelake.report.card.CardFiles.Written w : io.cyclelake.report.card.CardFiles.writeSweepMarkdown(lake,
          s.sweepId(), dir.resolve(s.step().name()), home, "`cyclelake experiment " + e.name() + "`")) {
        out.put(cardKey(s.sweepId(), Integer.parseInt(w.label().substring(1, w.label().indexOf('-')))),
            w.markdown());
      }
    }
    return out;
  }

  /**
   * Deletes the files an experiment generates ({@code .md}, {@code .conf}, {@code .svg}) under {@code dir} and the
   * folders left empty; anything else stays.
   */
  public static void clearGenerated(Path dir) {
    if (!Files.isDirectory(dir)) return;
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        String n = p.getFileName().toString();
        if (Files.isRegularFile(p) && (n.endsWith(".md") || n.endsWith(".conf") || n.endsWith(".svg"))) {
          Files.delete(p);
        } else if (Files.isDirectory(p)) {
          try (java.util.stream.Stream<Path> left = Files.list(p)) {
            if (left.findAny().isEmpty()) Files.delete(p);
          }
        }
      }
    } catch (IOException ex) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot clear " + dir + ": " + ex.getMessage(), null, ex);
    }
  }

  /** The page {@code docs/results/NAME.md} in folder {@code pageDir} (links are relative to it). */
  public static String markdown(Lake lake, Experiment e, ExperimentJob.Result run, List<Spec> specs,
      String command, Artifacts artifacts, Path pageDir) {
    String lakePath = lake.root();
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("command", command);
    facts.put("git commit", run.gitCommit());
    facts.put("date", run.started().toString());
    facts.put("experiment run", run.runId());
    facts.put("lake", lakePath);
    facts.put("wall time of the steps", String.format(Locale.ROOT, "%.0f s", run.seconds()));
    List<Section> sections = new ArrayList<>();
    Section q = new Section("question", "Question");
    q.text(e.question());
    q.text("Data: " + String.join("; ", e.data().stream().map(d -> d.source() + " "
        + (d.cells().isEmpty() ? "(all cells)" : String.join(", ", d.cells()))).toList()) + ".");
    sections.add(q);
    Section res = new Section("results", "Test metrics, mean ± sd over folds");
    List<TargetOutcome> outcomes = targets(e, specs);
    for (TargetOutcome o : outcomes) res.text("Target " + o.describe() + ".");
    res.table("test", List.of("step", "model", "settings", "folds", "MAE", "MAE sd", "RMSE", "MAPE %", "R²",
        "±3 %", "±5 %", "coverage (level)", "model card"), summaryRows(specs, "test", e.documented(), true,
            s -> artifacts.cardLink(s, pageDir)));
    sections.add(res);
    if (!artifacts.figures().isEmpty()) {
      Section fig = new Section("figures", "Figures");
      String last = null;
      for (ExperimentFigures.Figure f : artifacts.figures()) {
        if (!f.step().equals(last)) fig.heading("Step " + f.step());
        last = f.step();
        fig.text("![" + f.kind() + " " + f.step() + "](" + rel(pageDir, f.file()) + ")");
        fig.text("_" + f.caption() + "_");
      }
      sections.add(fig);
    }
    Section val = new Section("validation", "Validation metrics, mean over folds");
    if (specs.stream().noneMatch(s -> s.byPart().containsKey("validation"))) {
      val.text("No fold of these sweeps has a validation part.");
    }
    val.table("validation", List.of("step", "model", "settings", "folds", "MAE", "MAE sd", "RMSE", "MAPE %", "R²",
        "±3 %", "±5 %", "coverage (level)"), summaryRows(specs, "validation", e.documented(), false,
            null));
    sections.add(val);
    Section folds = new Section("folds", "Test metrics per fold");
    List<List<Object>> fr = new ArrayList<>();
    for (Spec s : specs) {
      List<double[]> v = s.byPart().getOrDefault("test", List.of());
      for (int i = 0; i < v.size(); i++) {
        fr.add(List.of(s.step(), s.label(), s.folds().get(i), fmt(v.get(i)[0]), fmt(v.get(i)[1]), fmt(v.get(i)[3]),
            fmt(s.coverage().get(i))));
      }
    }
    folds.table("per-fold", List.of("step", "model", "fold", "MAE", "RMSE", "R²", "coverage"), fr);
    sections.add(folds);
    sections.add(exclusions(lake, run));
    Section steps = new Section("steps", "Steps");
    List<List<Object>> sr = new ArrayList<>();
    for (ExperimentJob.StepResult s : run.steps()) {
      sr.add(List.of(s.step().name(), s.sweepId() == null ? "-" : s.sweepId(), s.status()
          + (s.error() == null ? "" : ": " + s.error()), s.tasks(), s.failedTasks(),
          String.format(Locale.ROOT, "%.0f", s.seconds()), String.join(" ", java.util.stream.Stream.concat(
              s.step().conf().stream().map(p -> p.getFileName().toString()), s.step().set().stream().map(x -> "`"
                  + x + "`")).toList())));
    }
    steps.table("steps", List.of("step", "sweep", "status", "tasks", "failed", "seconds", "conf and overrides"), sr);
    steps.text("Every metric above is a mean over the folds of the rows of fold_metrics with cell_id = '*' of these "
        + "sweeps; the plots are drawn from predictions and fold_metrics; the model cards linked in the test table "
        + "(per fold and per cell metrics, training data, where each model does worst) are written from the lake "
        + "by this command on every run. HTML report of a sweep: `jobs/cyclelake report --sweep ID`.");
    sections.add(steps);
    return Markdown.render("Experiment " + e.name() + ": " + e.title(), facts, sections);
  }

  /**
   * What the label task left out of the steps' sweeps ({@code label_exclusions}): every censored cell with its
   * reason, and the other left-out discharges counted per cell and reason.
   */
  static Section exclusions(Lake lake, ExperimentJob.Result run) {
    Section s = new Section("exclusions", "Rows the label task left out");
    List<String> ids = run.steps().stream().filter(x -> x.sweepId() != null).map(ExperimentJob.StepResult::sweepId)
        .toList();
    List<Row> rows = ids.isEmpty() || !lake.exists(Tables.LABEL_EXCLUSIONS) ? List.of()
        : lake.read(Tables.LABEL_EXCLUSIONS, "cyclelake sweep").where(col("run_id").isin(ids.toArray()))
            .select("run_id", "cell_id", "cycle_index", "reason").collectAsList();
    if (rows.isEmpty()) {
      s.text("None: every labelled discharge of the selected cells was used.");
      return s;
    }
    Map<List<String>, long[]> counts = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
        .thenComparing(k -> k.get(1)).thenComparing(k -> k.get(2)));
    for (Row r : rows) {
      String step = run.steps().stream().filter(x -> r.getString(0).equals(x.sweepId())).findFirst()
          .map(x -> x.step().name()).orElse(r.getString(0));
      String reason = r.getString(3);
      counts.computeIfAbsent(List.of(step, r.getString(1), (r.isNullAt(2) ? "cell: " : "discharges: ") + reason),
          k -> new long[1])[0]++;
    }
    List<List<Object>> out = new ArrayList<>();
    counts.forEach((k, v) -> out.add(List.of(k.get(0), k.get(1), k.get(2), v[0])));
    s.table("exclusions", List.of("step", "cell", "what and why", "rows"), out);
    return s;
  }

  private static List<List<Object>> summaryRows(List<Spec> specs, String part, List<Experiment.Documented> docs,
      boolean withSd, java.util.function.Function<Spec, String> card) {
    List<List<Object>> rows = new ArrayList<>();
    for (Spec s : specs) {
      if (!s.byPart().containsKey(part)) continue;
      List<Object> r = new ArrayList<>(List.of(s.step(), s.model(), s.settings().isEmpty() ? "defaults"
          : s.settings(), s.byPart().get(part).size(), fmt(s.mean(part, 0)), withSd ? fmt(s.sd(part, 0)) : "",
          fmt(s.mean(part, 1)), fmt(s.mean(part, 2)), fmt(s.mean(part, 3)), fmt(s.mean(part, 4)),
          fmt(s.mean(part, 5))));
      double cov = FoldStats.mean(s.coverage());
      r.add(part.equals("test") && !Double.isNaN(cov) ? fmt(cov) + " (" + fmt(s.level()) + ")" : "–");
      if (card != null) r.add(card.apply(s));
      rows.add(r);
    }
    for (Experiment.Documented d : docs) {
      if (!d.part().equals(part)) continue;
      List<Object> r = new ArrayList<>(List.of("published", d.name(), "", "", fmt(d.mae()), "", fmt(d.rmse()), "",
          fmt(d.r2()), "", "", ""));
      if (card != null) r.add("");
      rows.add(r);
    }
    return rows;
  }

  /**
   * The block of the results index for this experiment: its test table with a link to each spec's model card
   * (relative to {@code indexDir}), command, commit and date.
   */
  public static String indexBlock(Experiment e, ExperimentJob.Result run, List<Spec> specs, String command,
      String pageLink, Artifacts artifacts, Path indexDir) {
    StringBuilder b = new StringBuilder();
    b.append("`").append(command).append("` · commit `").append(run.gitCommit()).append("` · ")
        .append(run.started().toString(), 0, 10).append(" · ")
        .append(String.format(Locale.ROOT, "%.0f s", run.seconds()))
        .append(" · [full results](").append(pageLink).append(")\n\n");
    for (TargetOutcome o : targets(e, specs)) b.append("- Target ").append(o.describe()).append('\n');
    if (!e.targets().isEmpty()) b.append('\n');
    b.append("| step | model | settings | folds | MAE ± sd | RMSE | R² | ±5 % | coverage | model card |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Spec s : specs) {
      if (!s.byPart().containsKey("test")) continue;
      b.append("| ").append(s.step()).append(" | ").append(s.model()).append(" | ")
          .append(s.settings().isEmpty() ? "defaults" : s.settings().replace("|", "\\|")).append(" | ")
          .append(s.byPart().get("test").size()).append(" | ").append(fmt(s.mean("test", 0))).append(" ± ")
          .append(fmt(s.sd("test", 0))).append(" | ").append(fmt(s.mean("test", 1))).append(" | ")
          .append(fmt(s.mean("test", 3))).append(" | ").append(fmt(s.mean("test", 5))).append(" | ")
          .append(fmt(FoldStats.mean(s.coverage()))).append(" | ").append(artifacts.cardLink(s, indexDir))
          .append(" |\n");
    }
    for (Experiment.Documented d : e.documented()) {
      if (!d.part().equals("test")) continue;
      b.append("| published | ").append(d.name()).append(" | | | ").append(fmt(d.mae())).append(" | ")
          .append(fmt(d.rmse())).append(" | ").append(fmt(d.r2())).append(" | | | |\n");
    }
    for (ExperimentJob.StepResult s : run.steps()) {
      if (!s.status().equals("ok")) b.append("\nStep ").append(s.step().name()).append(" failed: ").append(s.error())
          .append('\n');
    }
    return b.toString();
  }

  /**
   * Puts {@code block} between the experiment's markers in {@code index} (replacing what was there), or appends a
   * section {@code ## name} with it; everything outside the markers, e.g. a written reading, is kept as it was.
   */
  public static void updateIndex(Path index, String name, String block) {
    String begin = "<!-- cyclelake:experiment " + name + " (generated by `cyclelake experiment`; do not edit) -->";
    String end = "<!-- /cyclelake:experiment " + name + " -->";
    try {
      String old = Files.exists(index) ? Files.readString(index, StandardCharsets.UTF_8) : "";
      int b = old.indexOf(begin);
      int e = old.indexOf(end);
      String text;
      if (b >= 0 && e > b) {
        text = old.substring(0, b) + begin + "\n" + block + end + old.substring(e + end.length());
      } else {
        String head = old.isEmpty() ? "# Results\n\n" : old.endsWith("\n") ? old + "\n" : old + "\n\n";
        text = head + "## " + name + "\n\n" + begin + "\n" + block + end + "\n";
      }
      if (index.toAbsolutePath().getParent() != null) Files.createDirectories(index.toAbsolutePath().getParent());
      Files.writeString(index, text, StandardCharsets.UTF_8);
    } catch (IOException ex) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot write " + index + ": " + ex.getMessage(), null, ex);
    }
  }


  static String fmt(double v) {
    if (Double.isNaN(v)) return "–";
    double a = Math.abs(v);
    if (a != 0 && (a < 0.001 || a >= 1e5)) return String.format(Locale.ROOT, "%.3g", v);
    if (a < 1) return String.format(Locale.ROOT, "%.4f", v);
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
