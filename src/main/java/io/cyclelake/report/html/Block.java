package io.cyclelake.report.html;

import java.util.List;

/** One piece of a report section: a paragraph, a table or a chart. */
public sealed interface Block permits Block.Paragraph, Block.Table, Block.ChartBlock, Block.Heading,
    Block.Preformatted {

  /** A paragraph of plain text (escaped when written). */
  record Paragraph(String text) implements Block {}

  /**
   * A table; cells are written with {@link Html#format(Object)} and numbers are right-aligned. {@code id} names the
   * table in the page ({@code <table id>}), so that tests and readers can find it.
   */
  record Table(String id, List<String> header, List<List<Object>> rows) implements Block {
    public Table {
      header = List.copyOf(header);
      for (List<Object> r : rows) {
        if (r.size() != header.size()) {
          throw new IllegalArgumentException("table " + id + ": a row has " + r.size() + " cells, the header "
              + header.size());
        }
      }
      rows = List.copyOf(rows);
    }
  }

  /** A chart drawn by the page's script from {@link Chart}, embedded as JSON. */
  record ChartBlock(Chart chart) implements Block {}

  /** A sub-heading inside a section ({@code <h3>}), e.g. the parts of a data sheet or model card. */
  record Heading(String text) implements Block {}

  /** Text shown as written, line breaks kept ({@code <pre>}), e.g. a data set's PROVENANCE.md. */
  record Preformatted(String text) implements Block {}
}
