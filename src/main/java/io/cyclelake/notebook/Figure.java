package io.cyclelake.notebook;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A chart as SVG text (drawn by {@link io.cyclelake.report.plot.SvgCharts}); shown as {@code image/svg+xml} with the
 * title and the number of points as its text form.
 *
 * @param points data points drawn (after thinning), so a reader and a test can tell an empty chart from a full one
 */
public record Figure(String title, String svg, int points) implements Displayable {
  public Figure {
    if (svg == null || !svg.contains("<svg")) throw new IllegalArgumentException("figure " + title + ": not SVG");
  }

  @Override
  public Map<String, String> mimeBundle() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("image/svg+xml", svg);
    m.put("text/plain", toString());
    return m;
  }

  /** Writes the SVG to {@code file} (creating its folder). */
  public void save(java.nio.file.Path file) {
    io.cyclelake.report.plot.SvgCharts.write(file, svg);
  }

  @Override
  public String toString() {
    return "Figure: " + title + " (" + points + " points)";
  }
}
