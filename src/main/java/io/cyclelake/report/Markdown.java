package io.cyclelake.report;

import io.cyclelake.report.html.Block;
import io.cyclelake.report.html.Html;
import io.cyclelake.report.html.Section;
import java.util.List;
import java.util.Map;

/**
 * Renders report {@link Section}s as Markdown (GitHub flavour): the same blocks as the HTML page, so a data sheet or
 * model card has one source for both forms. Table cells use {@link Html#format(Object)}, as the HTML tables do;
 * charts are named with a pointer to the HTML version.
 */
public final class Markdown {
  private Markdown() {}

  /** A document: {@code # title}, the facts as a list, then each section under {@code ##}. */
  public static String render(String title, Map<String, String> facts, List<Section> sections) {
    StringBuilder b = new StringBuilder();
    b.append("# ").append(line(title)).append("\n\n");
    facts.forEach((k, v) -> b.append("- ").append(line(k)).append(": `").append(line(v).replace("`", "'"))
        .append("`\n"));
    if (!facts.isEmpty()) b.append('\n');
    for (Section s : sections) section(b, s);
    return b.toString();
  }

  static void section(StringBuilder b, Section s) {
    b.append("## ").append(line(s.title())).append("\n\n");
    for (Block block : s.blocks()) {
      if (block instanceof Block.Paragraph p) {
        b.append(p.text()).append("\n\n");
      } else if (block instanceof Block.Heading h) {
        b.append("### ").append(line(h.text())).append("\n\n");
      } else if (block instanceof Block.Preformatted p) {
        String fence = p.text().contains("```") ? "~~~~" : "```";
        b.append(fence).append("text\n").append(p.text()).append(p.text().endsWith("\n") ? "" : "\n").append(fence)
            .append("\n\n");
      } else if (block instanceof Block.Table t) {
        table(b, t);
      } else if (block instanceof Block.ChartBlock c) {
        b.append("_Chart \"").append(line(c.chart().title())).append("\": drawn in the HTML version._\n\n");
      }
    }
  }

  static void table(StringBuilder b, Block.Table t) {
    if (t.rows().isEmpty()) {
      b.append("_(no rows)_\n\n");
      return;
    }
    b.append('|');
    for (String h : t.header()) b.append(' ').append(cell(h)).append(" |");
    b.append("\n|");
    for (int i = 0; i < t.header().size(); i++) b.append("---|");
    b.append('\n');
    for (List<Object> r : t.rows()) {
      b.append('|');
      for (Object v : r) b.append(' ').append(cell(Html.format(v))).append(" |");
      b.append('\n');
    }
    b.append('\n');
  }

  /** A table cell: pipes escaped, line breaks as spaces. */
  public static String cell(String s) {
    return line(s).replace("|", "\\|");
  }

  private static String line(String s) {
    return s.replace("\r", "").replace('\n', ' ');
  }
}
