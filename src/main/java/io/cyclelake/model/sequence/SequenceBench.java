package io.cyclelake.model.sequence;

import com.typesafe.config.Config;
import io.cyclelake.internal.Registry;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.split.Fold;
import io.cyclelake.split.FoldSplitter;
import java.util.List;
import java.util.Locale;

/**
 * Training throughput of a sequence model on the driver: builds the sequences of the cells, takes the training part
 * of the {@code chronological} split, trains {@code epochs} epochs (no validation, no early stopping) and reports
 * sequences per second and seconds per epoch; the first epoch (JIT and native warm-up) is reported apart.
 */
public final class SequenceBench {
  private SequenceBench() {}

  public record Result(String model, int sequences, int channels, int steps, int epochs, double firstEpochSeconds,
      double meanEpochSeconds, double sequencesPerSecond, int threads) {}

  public static Result run(Lake lake, Config config, List<String> cells, String model, int epochs,
      Progress progress) {
    progress.step("building sequences of " + cells);
    SequenceSet data = SequenceJob.collect(lake, config, cells).set();
    FoldSplitter split = Registry.load(FoldSplitter.class, FoldSplitter::name, "split").get("chronological");
    Fold fold = split.folds(data.splitRows(), config.getConfig("cyclelake.split.chronological"), 0).get(0);
    int[] tr = fold.rows(Fold.TRAIN);
    SequenceScaler scaler = SequenceScaler.fit(data.x(), data.length(), tr, data.channels().size());
    SequenceBatch train = data.batch(tr, scaler);
    progress.done(tr.length + " training sequences × " + data.channels().size() + " channels × "
        + data.maxLength() + " steps");
    Config params = config.getConfig("cyclelake.model." + model).withValue("epochs", com.typesafe.config.ConfigValueFactory.fromAnyRef(epochs))
        .withValue("patience", com.typesafe.config.ConfigValueFactory.fromAnyRef(0));
    SequenceModel m = Registry.load(SequenceModel.class, SequenceModel::name, "sequence model").get(model);
    progress.step("training " + model + " for " + epochs + " epochs on the driver");
    SequenceModel.Fitted f = m.fit(train, null, params, config.getLong("cyclelake.train.seed"),
        line -> progress.say("    " + line));
    progress.done(f.describe());
    List<SequenceModel.EpochStats> h = f.history();
    double first = h.get(0).fitSeconds();
    double rest = 0;
    for (int i = 1; i < h.size(); i++) rest += h.get(i).fitSeconds();
    double mean = h.size() > 1 ? rest / (h.size() - 1) : first;
    return new Result(model, tr.length, data.channels().size(), data.maxLength(), h.size(), first, mean,
        tr.length / mean, Runtime.getRuntime().availableProcessors());
  }

  public static String format(Result r) {
    return String.format(Locale.ROOT, "%s: %d sequences × %d channels × %d steps, %d epochs: first epoch %.2f s, "
        + "then %.2f s per epoch = %.1f sequences/s (%d processors visible)", r.model(), r.sequences(), r.channels(),
        r.steps(), r.epochs(), r.firstEpochSeconds(), r.meanEpochSeconds(), r.sequencesPerSecond(), r.threads());
  }
}
