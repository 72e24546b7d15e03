package io.cyclelake.cli;

import io.cyclelake.lake.Lake;
import io.cyclelake.report.TextTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sql", mixinStandardHelpOptions = true,
    description = "Run Spark SQL with every lake table registered by its name; print an aligned table.")
final class SqlCommand extends LakeCommand {
  @Parameters(paramLabel = "QUERY", description = "e.g. \"select cell_id, count(*) from cycles group by cell_id\"")
  String query;

  @Option(names = "--csv", description = "Print CSV instead of an aligned table.")
  boolean csv;

  @Override
  int execute() {
    Lake lake = common.openLake();
    int max = common.config().getInt("cyclelake.sql.max-rows");
    TextTable t = query(lake, query, max);
    if (csv) {
      t.printCsv(System.out);
    } else {
      t.print(System.out);
      System.out.println("(" + t.size() + (t.size() == max ? "+ rows, cut at cyclelake.sql.max-rows" : " rows") + ")");
    }
    return 0;
  }

  static TextTable query(Lake lake, String query, int maxRows) {
    for (Lake.TableInfo i : lake.tables()) {
      lake.spark().read().format("delta").load(i.path()).createOrReplaceTempView(i.name());
    }
    Dataset<Row> df = lake.spark().sql(query);
    TextTable t = new TextTable(Arrays.asList(df.columns()));
    for (Row r : df.limit(maxRows).collectAsList()) {
      List<Object> v = new ArrayList<>(r.size());
      for (int i = 0; i < r.size(); i++) v.add(r.get(i));
      t.add(v);
    }
    return t;
  }
}
