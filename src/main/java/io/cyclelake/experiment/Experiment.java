package io.cyclelake.experiment;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A named experiment, read from {@code cyclelake.experiment} of {@code conf/experiments/NAME.conf}: the raw data it
 * needs, the sweeps it runs (each a list of config files and {@code key=value} overrides layered over the experiment
 * file), the published figures shown beside its results and the targets it is judged against.
 */
public record Experiment(String name, String title, String question, List<Input> data, List<Step> steps,
    List<Documented> documented, List<Target> targets) {

  /** Raw files to ingest: a reader, a folder (relative paths resolve against the CycleLake home) and cells. */
  public record Input(String source, Path input, List<String> cells) {}

  /**
   * One sweep: config files (relative to the home) and overrides, layered over the experiment file. A
   * {@code reference} step (e.g. an upper bound that sees what a real model may not) is shown but not judged against
   * the targets.
   */
  public record Step(String name, List<Path> conf, List<String> set, boolean reference) {}

  /** A published figure shown beside the results (metrics NaN where not published). */
  public record Documented(String name, String part, double mae, double rmse, double r2) {}

  /**
   * A goal for the best spec of the experiment: {@code metric} (mae, rmse, mape_pct, r2, within_3pct, within_5pct)
   * of {@code part}, mean over folds, at most or at least {@code value}.
   */
  public record Target(String metric, String part, boolean atMost, double value) {
    public String describe() {
      return part + " " + metric + (atMost ? " ≤ " : " ≥ ") + value;
    }
  }

  static final List<String> METRICS = List.of("mae", "rmse", "mape_pct", "r2", "within_3pct", "within_5pct");

  /** Reads {@code cyclelake.experiment}; {@code file} and {@code home} are for messages and relative paths. */
  public static Experiment from(Config config, Path file, Path home) {
    Config e = config.getConfig("cyclelake.experiment");
    String name = e.getString("name");
    if (name.isBlank()) {
      throw invalid(file, "cyclelake.experiment.name is empty");
    }
    List<Input> data = new ArrayList<>();
    for (Config d : e.getConfigList("data")) {
      require(d, file, "data", "source", "input");
      data.add(new Input(d.getString("source"), home.resolve(d.getString("input")).normalize(),
          d.hasPath("cells") ? d.getStringList("cells") : List.of()));
    }
    List<Step> steps = new ArrayList<>();
    for (Config s : e.getConfigList("steps")) {
      require(s, file, "steps", "name");
      List<Path> conf = new ArrayList<>();
      if (s.hasPath("conf")) s.getStringList("conf").forEach(c -> conf.add(home.resolve(c).normalize()));
      steps.add(new Step(s.getString("name"), conf, s.hasPath("set") ? s.getStringList("set") : List.of(),
          s.hasPath("reference") && s.getBoolean("reference")));
    }
    if (steps.isEmpty()) {
      throw invalid(file, "cyclelake.experiment.steps is empty: list at least one { name, conf = [...], set = [...] }");
    }
    if (steps.stream().map(Step::name).distinct().count() != steps.size()) {
      throw invalid(file, "two steps of cyclelake.experiment.steps have the same name");
    }
    List<Documented> documented = new ArrayList<>();
    for (Config d : e.getConfigList("documented")) {
      require(d, file, "documented", "name", "part");
      documented.add(new Documented(d.getString("name"), d.getString("part"), num(d, "mae"), num(d, "rmse"),
          num(d, "r2")));
    }
    List<Target> targets = new ArrayList<>();
    for (Config t : e.getConfigList("targets")) {
      require(t, file, "targets", "metric");
      String metric = t.getString("metric");
      if (!METRICS.contains(metric)) {
        throw invalid(file, "target metric '" + metric + "' (" + t.origin().description() + ") is not one of "
            + METRICS);
      }
      if (t.hasPath("at-most") == t.hasPath("at-least")) {
        throw invalid(file, "target " + metric + " (" + t.origin().description() + ") needs exactly one of "
            + "at-most, at-least");
      }
      boolean atMost = t.hasPath("at-most");
      targets.add(new Target(metric, t.hasPath("part") ? t.getString("part") : "test", atMost,
          t.getDouble(atMost ? "at-most" : "at-least")));
    }
    return new Experiment(name, e.getString("title"), e.getString("question"), List.copyOf(data),
        List.copyOf(steps), List.copyOf(documented), List.copyOf(targets));
  }

  private static double num(Config c, String key) {
    return c.hasPath(key) ? c.getDouble(key) : Double.NaN;
  }

  private static void require(Config c, Path file, String list, String... keys) {
    for (String k : keys) {
      if (!c.hasPath(k)) {
        throw invalid(file, "an entry of cyclelake.experiment." + list + " has no '" + k + "' ("
            + c.origin().description() + ")");
      }
    }
  }

  private static CycleLakeException invalid(Path file, String message) {
    return new CycleLakeException(ErrorCode.CONFIG_INVALID, file + ": " + message);
  }
}
