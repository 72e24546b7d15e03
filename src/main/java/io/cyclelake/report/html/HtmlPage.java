package io.cyclelake.report.html;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one self-contained HTML page: styles, the charting library, the page script and every chart's data are
 * inline, and nothing refers to another file or address. Each chart is a {@code <div class="chart" id>} followed by
 * {@code <script type="application/json" id="<id>-data">} holding its {@link Chart}. After drawing, the page script
 * writes what it drew (marks per series) and any script error into {@code <pre id="render-status">}.
 */
public final class HtmlPage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String title;
  private final Map<String, String> facts = new LinkedHashMap<>();
  private final List<Section> sections = new ArrayList<>();

  public HtmlPage(String title) {
    this.title = title;
  }

  /** A line of the page's header, e.g. "lake" → its path. */
  public HtmlPage fact(String name, String value) {
    facts.put(name, value);
    return this;
  }

  public HtmlPage add(Section s) {
    if (sections.stream().anyMatch(x -> x.id().equals(s.id()))) {
      throw new IllegalArgumentException("two sections with id " + s.id());
    }
    sections.add(s);
    return this;
  }

  public List<Section> sections() {
    return List.copyOf(sections);
  }

  public String render() {
    ChartLibrary lib = ChartLibrary.echarts();
    StringBuilder b = new StringBuilder(lib.script().length() + 64 * 1024);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta name=\"generator\" content=\"CycleLake; charts: ").append(lib.name()).append(' ')
        .append(lib.version()).append("\">\n")
        .append("<title>").append(Html.escape(title)).append("</title>\n")
        .append("<style>\n").append(resource("report.css")).append("</style>\n</head>\n<body>\n");
    b.append("<header>\n<h1>").append(Html.escape(title)).append("</h1>\n<dl class=\"facts\">\n");
    facts.forEach((k, v) -> b.append("<dt>").append(Html.escape(k)).append("</dt><dd>").append(Html.escape(v))
        .append("</dd>\n"));
    b.append("</dl>\n<nav><ul>\n");
    for (Section s : sections) {
      b.append("<li><a href=\"#").append(s.id()).append("\">").append(Html.escape(s.title())).append("</a></li>\n");
    }
    b.append("</ul></nav>\n</header>\n<main>\n");
    for (Section s : sections) section(b, s);
    b.append("</main>\n<div id=\"render-errors\" class=\"errors\" hidden></div>\n")
        .append("<pre id=\"render-status\" hidden></pre>\n")
        .append("<footer>Charts drawn with ").append(lib.name()).append(' ').append(lib.version())
        .append(" (Apache License 2.0), inlined in this file.</footer>\n")
        .append("<script>\n/*! ").append(lib.name()).append(' ').append(lib.version())
        .append(" | Apache License 2.0 | Copyright The Apache Software Foundation */\n")
        .append(lib.script()).append("\n</script>\n")
        .append("<script>\n").append(resource("report.js")).append("</script>\n</body>\n</html>\n");
    return b.toString();
  }

  /** Writes the page to {@code file} (parent folders created) and returns its absolute path. */
  public Path write(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    try {
      if (abs.getParent() != null) Files.createDirectories(abs.getParent());
      Files.writeString(abs, render(), StandardCharsets.UTF_8);
      return abs;
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot write the report " + abs + ": " + e, null, e);
    }
  }

  private static void section(StringBuilder b, Section s) {
    b.append("<section id=\"").append(s.id()).append("\">\n<h2>").append(Html.escape(s.title())).append("</h2>\n");
    for (Block block : s.blocks()) {
      if (block instanceof Block.Paragraph p) {
        b.append("<p>").append(Html.escape(p.text())).append("</p>\n");
      } else if (block instanceof Block.Table t) {
        table(b, t);
      } else if (block instanceof Block.ChartBlock c) {
        chart(b, c.chart());
      } else if (block instanceof Block.Heading h) {
        b.append("<h3>").append(Html.escape(h.text())).append("</h3>\n");
      } else if (block instanceof Block.Preformatted p) {
        b.append("<pre class=\"text\">").append(Html.escape(p.text())).append("</pre>\n");
      }
    }
    b.append("</section>\n");
  }

  /** Appends {@code t} as an HTML table (also used for tables shown in notebooks, io.cyclelake.notebook.Table). */
  public static void table(StringBuilder b, Block.Table t) {
    boolean[] numeric = new boolean[t.header().size()];
    java.util.Arrays.fill(numeric, true);
    for (List<Object> r : t.rows()) {
      for (int c = 0; c < numeric.length; c++) if (r.get(c) != null && !(r.get(c) instanceof Number)) numeric[c] = false;
    }
    b.append("<div class=\"table-wrap\"><table id=\"").append(t.id()).append("\">\n<thead><tr>");
    for (String h : t.header()) b.append("<th>").append(Html.escape(h)).append("</th>");
    b.append("</tr></thead>\n<tbody>\n");
    for (List<Object> r : t.rows()) {
      b.append("<tr>");
      for (int c = 0; c < numeric.length; c++) {
        b.append(numeric[c] ? "<td class=\"num\">" : "<td>").append(Html.escape(Html.format(r.get(c)))).append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</tbody></table></div>\n");
  }

  private static void chart(StringBuilder b, Chart c) {
    String json;
    try {
      json = JSON.writeValueAsString(c);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("chart " + c.id() + " cannot be written as JSON", e);
    }
    b.append("<div class=\"chart\" id=\"").append(c.id()).append("\" data-kind=\"").append(c.kind())
        .append("\"></div>\n<script type=\"application/json\" id=\"").append(c.id()).append("-data\">")
        .append(Html.scriptSafeJson(json)).append("</script>\n");
  }

  private static String resource(String name) {
    try (InputStream in = HtmlPage.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("resource " + name + " missing beside " + HtmlPage.class);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + name, e);
    }
  }
}
