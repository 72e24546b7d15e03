package io.cyclelake.cli;

import io.cyclelake.lake.Lake;
import io.cyclelake.report.TextTable;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "tables", mixinStandardHelpOptions = true,
    description = "List the lake's Delta tables with row counts and versions.")
final class TablesCommand extends LakeCommand {
  @Override
  int execute() {
    Lake lake = common.openLake();
    List<Lake.TableInfo> tables = lake.tables();
    System.out.println("lake " + lake.root() + ": " + tables.size() + " tables");
    TextTable t = new TextTable(List.of("table", "rows", "version", "path"));
    for (Lake.TableInfo i : tables) t.add(List.of(i.name(), i.rows(), i.version(), i.path()));
    t.print(System.out);
    return 0;
  }
}
