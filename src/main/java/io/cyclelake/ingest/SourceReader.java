package io.cyclelake.ingest;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A reader plug-in: converts one kind of cycler export to the canonical schema. Readers are stateless, found by
 * {@link java.util.ServiceLoader} (listed in {@code META-INF/services/io.cyclelake.ingest.SourceReader}) and chosen
 * by {@link #name()}. {@link #plan} runs on the driver; {@link #parse} runs in a Spark task, once per file.
 */
public interface SourceReader extends Serializable {
  /** The name used with {@code --source} and {@code cyclelake.ingest.source}. */
  String name();

  /** One line for {@code --help}. */
  String description();

  /**
   * Lists the operations and files under {@code input}.
   *
   * @param settings this reader's settings ({@code cyclelake.ingest.<name>})
   * @param cells only these cells; empty = all
   * @throws io.cyclelake.errors.CycleLakeException with {@code INPUT_MISSING} if {@code input} is not such an export
   */
  IngestPlan plan(Path input, Config settings, Set<String> cells) throws IOException;

  /**
   * As {@link #plan(Path, Config, Set)}, with the files that {@code split} says are large cut into byte-range splits
   * ({@link IngestPlan#splits()}), each parsed by {@link #parse(InputFile, FileSplit, Map, RecordSink)} in its own
   * task. The default plans every file whole (a reader that cannot start a file in its middle).
   */
  default IngestPlan plan(Path input, Config settings, Set<String> cells, SplitPolicy split) throws IOException {
    return plan(input, settings, cells);
  }

  /**
   * Parses one file of the plan. Every data line results in exactly one sample, impedance point or quarantine record.
   *
   * @param operations the plan's operations by {@link Operation#sourceOperationId()}
   */
  void parse(InputFile file, Map<String, Operation> operations, RecordSink sink) throws IOException;

  /**
   * Parses one split of a file ({@code split} null: the whole file): exactly the records the whole file's parse gives
   * for the split's lines, with the same line numbers.
   */
  default void parse(InputFile file, FileSplit split, Map<String, Operation> operations, RecordSink sink)
      throws IOException {
    if (split != null) {
      throw new UnsupportedOperationException("the " + name() + " reader does not plan splits, yet was given "
          + split.label() + " of " + file.path());
    }
    parse(file, operations, sink);
  }

  /**
   * Whether a file's operations depend on the cell's other files (e.g. cycle numbers folded across sessions): then a
   * change to one file of a cell makes the ingest read every file of that cell again.
   */
  default boolean foldsAcrossFiles() {
    return false;
  }

  /**
   * This reader bound to its settings ({@code cyclelake.ingest.<name>}), for readers whose {@link #parse} needs them
   * (the returned instance travels to the Spark tasks). The registry's instance stays unconfigured; the default
   * needs no settings and returns {@code this}.
   */
  default SourceReader configured(Config settings) {
    return this;
  }
}
