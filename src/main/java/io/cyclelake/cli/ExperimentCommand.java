package io.cyclelake.cli;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigLoader;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.experiment.Experiment;
import io.cyclelake.experiment.ExperimentFigures;
import io.cyclelake.experiment.ExperimentJob;
import io.cyclelake.experiment.ExperimentReport;
import io.cyclelake.ingest.IngestJob;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = "Run a named experiment of conf/experiments/NAME.conf end to end: ingest its data (new files "
        + "only), compute missing features, run its sweeps, record them in the experiments table and write "
        + "docs/results/NAME.md (with SVG figures in docs/results/img/NAME/ and a Markdown model card per spec in "
        + "docs/results/cards/NAME/) and its block of docs/results.md. Without NAME: list the experiments.",
    footer = {"", "Exit codes: 0 every step ran; 10 a step failed or all its tasks failed (the other steps ran and "
        + "are written); 2 unknown experiment or bad configuration; 3 an input folder is missing."})
final class ExperimentCommand extends LakeCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Experiment name.")
  String name;

  @Option(names = "--results", paramLabel = "DIR", description = "Where NAME.md goes (default: "
      + "cyclelake.experiment-results.dir).")
  Path results;

  @Option(names = "--index", paramLabel = "FILE", description = "Results index to update (default: "
      + "cyclelake.experiment-results.index; \"\" = none).")
  String index;

  @Option(names = "--skip-ingest", description = "Use the lake as it is: no ingest, no features.")
  boolean skipIngest;

  @Option(names = "--all", description = "Run every experiment of conf/experiments, one after another, and print "
      + "the wall time of each.")
  boolean all;

  @Override
  int execute() throws IOException {
    Path home = Common.home();
    Path dir = home.resolve("conf").resolve("experiments");
    if (all) {
      if (name != null) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "give either NAME or --all, not both");
      }
      List<Path> userConfs = List.copyOf(common.confFiles);
      List<String> times = new ArrayList<>();
      int worst = 0;
      long t0 = System.nanoTime();
      for (String n : available(dir)) {
        long t = System.nanoTime();
        common.resetConfig(userConfs);
        int rc = runOne(home, dir, n);
        worst = Math.max(worst, rc);
        times.add(String.format(java.util.Locale.ROOT, "%s %.0f s (exit %d)", n, (System.nanoTime() - t) / 1e9, rc));
      }
      System.out.println("experiments: " + String.join(", ", times) + String.format(java.util.Locale.ROOT,
          "; %.0f s in all", (System.nanoTime() - t0) / 1e9));
      return worst;
    }
    if (name == null) {
      for (String n : available(dir)) System.out.println(n);
      return 0;
    }
    return runOne(home, dir, name);
  }

  private int runOne(Path home, Path dir, String name) throws IOException {
    Path file = dir.resolve(name + ".conf");
    if (!Files.isRegularFile(file)) {
      throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "no experiment named '" + name + "' (" + file
          + " does not exist); experiments: " + String.join(", ", available(dir)));
    }
    common.confFiles.add(0, file);
    Config config = common.config();
    common.printConfig(System.out, "experiment " + name);
    Experiment e = Experiment.from(config, file, home);
    if (!e.name().equals(name)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, file + ": cyclelake.experiment.name is '" + e.name()
          + "', not '" + name + "' as the file name says");
    }
    Progress p = new Progress(System.out);
    Lake lake = common.openLake();
    if (!skipIngest) {
      for (Experiment.Input in : e.data()) {
        if (!Files.isDirectory(in.input())) {
          throw new CycleLakeException(ErrorCode.INPUT_MISSING, "experiment " + name + " needs " + in.source()
              + " data in " + in.input() + ", which is not a folder (" + file + ")");
        }
        p.say("experiment " + name + ": ingest " + in.source() + " " + in.input() + (in.cells().isEmpty() ? ""
            : " cells " + in.cells()));
        IngestJob.Result r = IngestCommand.run(common, SourceReaders.byName(in.source()), in.input(),
            new LinkedHashSet<>(in.cells()), false, p);
        if (r.filesFailed() > 0) {
          throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, r.filesFailed() + " files of " + in.input()
              + " failed to ingest; see `cyclelake sql \"select path, error from files where status = 'failed'\"`");
        }
      }
      FeaturesCommand.run(common, lake, p);
    }
    List<Path> baseConfs = List.copyOf(common.confFiles);
    List<String> baseSets = List.copyOf(common.sets);
    String commit = gitCommit(home, config.getString("cyclelake.experiment-results.dir"),
        config.getString("cyclelake.experiment-results.index"));
    ExperimentJob.Result run = ExperimentJob.run(lake, e, (confs, sets) -> {
      List<Path> files = new ArrayList<>(baseConfs.subList(0, 1));
      files.addAll(confs);
      files.addAll(baseConfs.subList(1, baseConfs.size()));
      List<String> all = new ArrayList<>(sets);
      all.addAll(baseSets);
      return ConfigLoader.load(home, files, all);
    }, commit, p);

    String command = "jobs/cyclelake experiment " + name;
    List<ExperimentReport.Spec> specs = ExperimentReport.specs(lake, run);
    Path resultsDir = results != null ? results
        : home.resolve(config.getString("cyclelake.experiment-results.dir"));
    Path page = resultsDir.resolve(name + ".md");
    Files.createDirectories(resultsDir);
    Map<String, Path> cards = ExperimentReport.writeCards(lake, e, run, resultsDir.resolve("cards").resolve(name),
        home);
    p.say("experiment " + name + ": " + cards.size() + " model cards in " + resultsDir.resolve("cards")
        .resolve(name));
    Path img = resultsDir.resolve("img").resolve(name);
    ExperimentReport.clearGenerated(img);
    List<ExperimentFigures.Figure> figures = ExperimentFigures.write(lake, e, run, specs, img);
    p.say("experiment " + name + ": " + figures.size() + " figures in " + img);
    ExperimentReport.Artifacts artifacts = new ExperimentReport.Artifacts(cards, figures);
    Files.writeString(page, ExperimentReport.markdown(lake, e, run, specs, command, artifacts, resultsDir),
        StandardCharsets.UTF_8);
    p.say("experiment " + name + ": results in " + page);
    String idx = index != null ? index : config.getString("cyclelake.experiment-results.index");
    if (!idx.isEmpty()) {
      Path indexFile = home.resolve(idx);
      String link = indexFile.toAbsolutePath().normalize().getParent().relativize(page.toAbsolutePath().normalize())
          .toString().replace('\\', '/');
      ExperimentReport.updateIndex(indexFile, name, ExperimentReport.indexBlock(e, run, specs, command, link,
          artifacts, indexFile.toAbsolutePath().normalize().getParent()));
      p.say("experiment " + name + ": updated " + indexFile);
    }
    for (ExperimentReport.TargetOutcome o : ExperimentReport.targets(e, specs)) p.say("target " + o.describe());
    p.say(String.format(java.util.Locale.ROOT, "experiment %s finished in %.0f s (run %s)", name, run.seconds(),
        run.runId()));
    return run.allOk() ? 0 : ErrorCode.JOB_FAILED.exitCode();
  }

  private static List<String> available(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".conf"))
          .map(f -> f.substring(0, f.length() - 5)).sorted().toList();
    }
  }

  /**
   * The checked-out commit of the CycleLake home, "-dirty" when it has changes other than in {@code ignored} (the
   * results this command writes itself), or "unknown" without git.
   */
  static String gitCommit(Path home, String... ignored) {
    try {
      String head = git(home, "rev-parse", "HEAD");
      if (head == null) return "unknown";
      List<String> args = new ArrayList<>(List.of("status", "--porcelain", "--untracked-files=no", "--", "."));
      for (String i : ignored) if (!i.isBlank()) args.add(":(exclude)" + i);
      String status = git(home, args.toArray(String[]::new));
      return head + (status == null || status.isEmpty() ? "" : "-dirty");
    } catch (IOException | InterruptedException ex) {
      if (ex instanceof InterruptedException) Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static String git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!proc.waitFor(30, TimeUnit.SECONDS) || proc.exitValue() != 0) return null;
    return out;
  }
}
