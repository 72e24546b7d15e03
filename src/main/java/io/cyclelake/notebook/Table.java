package io.cyclelake.notebook;

import io.cyclelake.report.TextTable;
import io.cyclelake.report.html.Block;
import io.cyclelake.report.html.HtmlPage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows with named columns, shown as an HTML table ({@code text/html}) and as the aligned text table the CLI prints
 * ({@code text/plain}).
 */
public record Table(List<String> columns, List<List<Object>> rows) implements Displayable {
  public Table {
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> r : rows) {
      if (r.size() != columns.size()) {
        throw new IllegalArgumentException("row has " + r.size() + " values, the table " + columns.size()
            + " columns " + columns);
      }
      copy.add(java.util.Collections.unmodifiableList(new ArrayList<>(r)));
    }
    rows = java.util.Collections.unmodifiableList(copy);
  }

  /** The rows of a Spark query (at most {@code maxRows}). */
  public static Table of(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> df, int maxRows) {
    List<List<Object>> out = new ArrayList<>();
    for (org.apache.spark.sql.Row r : df.limit(maxRows).collectAsList()) {
      List<Object> v = new ArrayList<>(r.size());
      for (int i = 0; i < r.size(); i++) v.add(r.get(i));
      out.add(v);
    }
    return new Table(List.of(df.columns()), out);
  }

  public int size() {
    return rows.size();
  }

  /** The values of one column, top to bottom. */
  public List<Object> column(String name) {
    int i = columns.indexOf(name);
    if (i < 0) throw new IllegalArgumentException("no column '" + name + "' in " + columns);
    return rows.stream().map(r -> r.get(i)).toList();
  }

  public TextTable text() {
    TextTable t = new TextTable(columns);
    rows.forEach(t::add);
    return t;
  }

  @Override
  public Map<String, String> mimeBundle() {
    Map<String, String> m = new LinkedHashMap<>();
    StringBuilder html = new StringBuilder();
    HtmlPage.table(html, new Block.Table("table", columns, rows));
    m.put("text/html", html.toString());
    m.put("text/plain", toString());
    return m;
  }

  @Override
  public String toString() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    PrintStream p = new PrintStream(b, true, StandardCharsets.UTF_8);
    text().print(p);
    p.println("(" + rows.size() + " rows)");
    return b.toString(StandardCharsets.UTF_8);
  }
}
