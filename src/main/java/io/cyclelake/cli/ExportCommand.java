package io.cyclelake.cli;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.export.BdfExport;
import io.cyclelake.jobs.Progress;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write the lake's charge/discharge samples to files, one per cell (format bdf: Battery Data Format "
        + "CSV, <out>/<cell>.bdf.csv; bdf-parquet: the same as Parquet, <out>/<cell>.bdf.parquet; both readable "
        + "again with ingest --source bdf).")
final class ExportCommand extends LakeCommand {
  @Option(names = "--format", defaultValue = "bdf", paramLabel = "FORMAT", description = "Output format: bdf (CSV) or bdf-parquet.")
  String format;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder the files are written to.")
  Path out;

  @Option(names = "--cells", split = ",", paramLabel = "ID", description = "Only these cells (default: all).")
  List<String> cells;

  @Override
  int execute() throws Exception {
    BdfExport.Format f = switch (format) {
      case "bdf" -> BdfExport.Format.CSV;
      case "bdf-parquet" -> BdfExport.Format.PARQUET;
      default -> throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "no export format named '" + format
          + "'; known: bdf, bdf-parquet");
    };
    Progress p = new Progress(System.out);
    p.step("exporting " + (cells == null ? "all cells" : cells) + " as BDF " + f + " to " + out);
    List<BdfExport.Written> w = BdfExport.run(common.openLake(), out,
        new LinkedHashSet<>(cells == null ? List.of() : cells), f);
    w.forEach(x -> p.say("  " + x.file() + ": " + x.samples() + " samples"));
    p.done("wrote " + w.size() + " files");
    return 0;
  }
}
