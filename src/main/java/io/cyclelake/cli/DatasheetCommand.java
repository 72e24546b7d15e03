package io.cyclelake.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.card.CardFiles;
import io.cyclelake.report.card.DataSheet;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "datasheet", mixinStandardHelpOptions = true, description = {
    "Write the data sheet of a dataset (the rows one reader ingested) as Markdown and HTML, built from the lake:",
    "provenance (PROVENANCE.md), files with SHA-256, cells, temperatures, cycle counts, units and sign convention,",
    "validation rules, quarantine by rule with examples, quirks handled and the Delta versions read."})
final class DatasheetCommand extends LakeCommand {
  @Option(names = "--dataset", paramLabel = "NAME", description = "Reader name as in cycles.source, e.g. nasa, "
      + "arbin (default: every dataset of the lake).")
  String dataset;

  @Option(names = "--out", paramLabel = "DIR", description = "Folder for datasheet-<name>.md/.html (default: "
      + "cyclelake.report.cards.dir).")
  Path out;

  @Override
  int execute() {
    Lake lake = common.openLake();
    Config c = common.config();
    List<String> names = dataset != null ? List.of(dataset) : DataSheet.datasets(lake);
    Path dir = out != null ? out : Path.of(c.getString("cyclelake.report.cards.dir"));
    for (String name : names) {
      CardFiles.Written w = CardFiles.writeDataSheet(lake, options(c, name), dir);
      System.out.println("data sheet " + name + ": " + w.markdown() + " and " + w.html());
    }
    return 0;
  }

  static DataSheet.Options options(Config c, String dataset) {
    return new DataSheet.Options(dataset, c.getInt("cyclelake.report.quarantine-examples"), rules(c));
  }

  /** cyclelake.validation flattened to key → value, sorted by key. */
  static Map<String, String> rules(Config c) {
    Map<String, String> out = new TreeMap<>();
    for (var e : c.getConfig("cyclelake.validation").entrySet()) {
      out.put("validation." + e.getKey(), e.getValue().render(ConfigRenderOptions.concise()));
    }
    return new LinkedHashMap<>(out);
  }
}
