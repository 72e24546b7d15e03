package io.cyclelake.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints rows as an aligned text table or as CSV. Numbers are right-aligned; doubles get 6 significant digits. */
public final class TextTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();
  private final List<Boolean> numeric;

  public TextTable(List<String> header) {
    this.header = List.copyOf(header);
    this.numeric = new ArrayList<>(java.util.Collections.nCopies(header.size(), Boolean.TRUE));
  }

  public TextTable add(List<?> values) {
    if (values.size() != header.size()) {
      throw new IllegalArgumentException("row has " + values.size() + " values, header " + header.size());
    }
    List<String> row = new ArrayList<>(values.size());
    for (int c = 0; c < values.size(); c++) {
      Object v = values.get(c);
      if (v != null && !(v instanceof Number)) numeric.set(c, false);
      row.add(format(v));
    }
    rows.add(row);
    return this;
  }

  public int size() {
    return rows.size();
  }

  static String format(Object v) {
    if (v == null) return "null";
    if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) return d.toString();
      if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.format(Locale.ROOT, "%.1f", d);
      return String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
    }
    if (v instanceof Float f) return format(f.doubleValue());
    return v.toString();
  }

  public void print(PrintStream out) {
    int[] w = new int[header.size()];
    for (int c = 0; c < w.length; c++) {
      w[c] = header.get(c).length();
      for (List<String> r : rows) w[c] = Math.max(w[c], r.get(c).length());
    }
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < w.length; c++) {
      if (c > 0) rule.append("-+-");
      rule.append("-".repeat(w[c]));
    }
    out.println(line(header, w, false));
    out.println(rule);
    for (List<String> r : rows) out.println(line(r, w, true));
  }

  private String line(List<String> cells, int[] w, boolean align) {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < w.length; c++) {
      if (c > 0) b.append(" | ");
      String s = cells.get(c);
      String pad = " ".repeat(w[c] - s.length());
      b.append(align && numeric.get(c) ? pad + s : s + pad);
    }
    return b.toString().stripTrailing();
  }

  public void printCsv(PrintStream out) {
    out.println(String.join(",", header.stream().map(TextTable::csv).toList()));
    for (List<String> r : rows) out.println(String.join(",", r.stream().map(TextTable::csv).toList()));
  }

  private static String csv(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) return '"' + s.replace("\"", "\"\"") + '"';
    return s;
  }
}
