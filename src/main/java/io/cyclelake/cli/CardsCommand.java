package io.cyclelake.cli;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.card.CardFiles;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "cards", mixinStandardHelpOptions = true, description = {
    "Write the model card of every spec (model x hyperparameters) of a sweep, or of one `train` run, as Markdown",
    "and HTML, built from the lake: task and label, model and settings, folds, training data with versions and",
    "checksums, metrics per fold and cell with coverage, where it does worst, feature importance, intended use,",
    "the command to reproduce it."})
final class CardsCommand extends LakeCommand {
  @Option(names = "--sweep", paramLabel = "ID", description = "The sweep (runs.sweep_id).")
  String sweep;

  @Option(names = "--run", paramLabel = "ID", description = "A `cyclelake train` run (runs.run_id), or latest.")
  String run;

  @Option(names = "--out", paramLabel = "DIR", description = "Folder; a sweep's cards go to DIR/<sweep id>/, a run's "
      + "card to DIR/run-<run id>.md (default: cyclelake.report.cards.dir).")
  Path out;

  @Option(names = "--index", paramLabel = "FILE", description = "Markdown file that links every sweep's cards in a "
      + "generated block, e.g. docs/results.md (default: cyclelake.report.cards.index; \"\" = none).")
  Path index;

  @Override
  int execute() {
    if ((sweep == null) == (run == null)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "give exactly one of --sweep ID and --run ID");
    }
    if (run != null) {
      Lake lake = common.openLake();
      writeRun(common.config(), lake, io.cyclelake.report.RunReport.resolve(lake, run), out);
    } else {
      write(common.config(), common.openLake(), sweep, out, index);
    }
    return 0;
  }

  /** Writes the card of train run {@code runId} into {@code out} (null: cyclelake.report.cards.dir); prints its path. */
  static CardFiles.Written writeRun(Config c, Lake lake, String runId, Path out) {
    Path dir = out != null ? out : Path.of(c.getString("cyclelake.report.cards.dir"));
    CardFiles.Written w = CardFiles.writeRun(lake, runId, dir);
    System.out.println("model card of run " + runId + ": " + w.markdown() + " and " + w.html());
    return w;
  }

  static List<CardFiles.Written> write(Config c, Lake lake, String sweepId, Path out, Path index) {
    Path dir = out != null ? out : Path.of(c.getString("cyclelake.report.cards.dir"));
    String conf = c.getString("cyclelake.report.cards.index");
    Path idx = index != null ? index : conf.isEmpty() ? null : Path.of(conf);
    List<CardFiles.Written> w = CardFiles.writeSweep(lake, sweepId, dir, idx);
    for (CardFiles.Written x : w) System.out.println("model card " + x.label() + ": " + x.markdown());
    System.out.println("index: " + dir.resolve(sweepId).resolve("index.md").toAbsolutePath().normalize()
        + (idx == null ? "" : "; linked from " + idx.toAbsolutePath().normalize()));
    return w;
  }
}
