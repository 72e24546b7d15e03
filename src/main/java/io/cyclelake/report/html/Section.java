package io.cyclelake.report.html;

import java.util.ArrayList;
import java.util.List;

/** A titled part of a report page ({@code <section id>}), made of blocks in order. */
public final class Section {
  private final String id;
  private final String title;
  private final List<Block> blocks = new ArrayList<>();

  public Section(String id, String title) {
    if (!id.matches("[a-z][a-z0-9-]*")) throw new IllegalArgumentException("section id '" + id + "' must be [a-z0-9-]");
    this.id = id;
    this.title = title;
  }

  public String id() {
    return id;
  }

  public String title() {
    return title;
  }

  public List<Block> blocks() {
    return List.copyOf(blocks);
  }

  public Section text(String paragraph) {
    blocks.add(new Block.Paragraph(paragraph));
    return this;
  }

  public Section table(String tableId, List<String> header, List<List<Object>> rows) {
    blocks.add(new Block.Table(tableId, header, rows));
    return this;
  }

  public Section heading(String text) {
    blocks.add(new Block.Heading(text));
    return this;
  }

  public Section preformatted(String text) {
    blocks.add(new Block.Preformatted(text));
    return this;
  }

  public Section chart(Chart chart) {
    blocks.add(new Block.ChartBlock(chart));
    return this;
  }
}
