package io.cyclelake.cli;

import io.cyclelake.jobs.Progress;
import io.cyclelake.model.sequence.SequenceBench;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sequence-bench", mixinStandardHelpOptions = true,
    description = "Training throughput of a sequence model on the driver: sequences per second and time per epoch "
        + "on the chronological training part of the cells (sequence settings: cyclelake.sequence).")
final class SequenceBenchCommand extends LakeCommand {
  @Option(names = "--cells", split = ",", paramLabel = "ID", description = "Cells (default: B0005).")
  List<String> cells = List.of("B0005");

  @Option(names = "--model", paramLabel = "NAME", description = "Sequence model (default: lstm).")
  String model = "lstm";

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs to time (default: 5; the first is reported "
      + "apart).")
  int epochs = 5;

  @Override
  int execute() {
    common.printConfig(System.out, "sequence-bench");
    SequenceBench.Result r = SequenceBench.run(common.openLake(), common.config(), cells, model, epochs,
        new Progress(System.out));
    System.out.println(SequenceBench.format(r));
    return 0;
  }
}
