package io.cyclelake.report.html;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * What one chart shows, embedded in the page as JSON ({@code <script type="application/json" id="<id>-data">}) and
 * turned into an ECharts option by the page's script ({@code report.js}). The data are the lake's numbers as read;
 * non-finite values are not plotted (the section's text says how many points a chart left out, if any).
 *
 * <ul>
 *   <li>{@code line}: one line per series through {@code points} [x, y]; with {@code colorScale} the lines are
 *       coloured by each series' {@code colorValue} and the legend is a colour bar;
 *   <li>{@code scatter}: points [x, y] per series, optional {@code intervals} [x, lower, upper] drawn as error bars and
 *       an optional y = x {@code diagonal};
 *   <li>{@code bar}: one bar per category and series ({@code values}, aligned with {@code categories}), optional
 *       {@code intervals} [category index, lower, upper] drawn as error bars;
 *   <li>{@code boxplot}: one box per category ({@code boxes}: [min, q1, median, q3, max]);
 *   <li>{@code heatmap}: one cell per {@code cells} [x index, y index, value], x labelled by {@code xCategories}, y
 *       by {@code categories}, coloured by the value from {@code colorScale}'s min to max.
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Chart(String id, String kind, String title, String xLabel, String yLabel, List<String> categories,
    ColorScale colorScale, Boolean diagonal, Boolean horizontal, List<Series> series, List<String> xCategories) {

  public static final List<String> KINDS = List.of("line", "scatter", "bar", "boxplot", "heatmap");

  public Chart {
    if (!KINDS.contains(kind)) throw new IllegalArgumentException("chart kind '" + kind + "' is not one of " + KINDS);
    if (!id.matches("[a-z][a-z0-9-]*")) throw new IllegalArgumentException("chart id '" + id + "' must be [a-z0-9-]");
    series = List.copyOf(series);
  }

  /** Colours lines by a number per series (e.g. the cycle), from {@code min} to {@code max}. */
  public record ColorScale(String label, double min, double max) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Series(String name, List<double[]> points, List<double[]> intervals, Double colorValue,
      List<Double> values, List<double[]> boxes, List<double[]> cells) {

    /** Points [x, y]; pairs with a non-finite coordinate are not plotted. */
    public static Series points(String name, double[] x, double[] y) {
      return new Series(name, finitePairs(x, y), null, null, null, null, null);
    }

    public static Series line(String name, double[] x, double[] y, double colorValue) {
      return new Series(name, finitePairs(x, y), null, colorValue, null, null, null);
    }

    /** Points with an interval [lower, upper] each; a point without a finite interval gets no error bar. */
    public static Series withIntervals(String name, double[] x, double[] y, double[] lower, double[] upper) {
      List<double[]> iv = new ArrayList<>();
      for (int i = 0; i < x.length; i++) {
        if (Double.isFinite(x[i]) && Double.isFinite(lower[i]) && Double.isFinite(upper[i])) {
          iv.add(new double[] {x[i], lower[i], upper[i]});
        }
      }
      return new Series(name, finitePairs(x, y), iv, null, null, null, null);
    }

    public static Series bars(String name, List<Double> values) {
      return new Series(name, null, null, null, List.copyOf(values), null, null);
    }

    /**
     * Bars with an error bar each, from {@code values[i] - errors[i]} to {@code values[i] + errors[i]}; a bar whose
     * value or error is not finite gets no error bar.
     */
    public static Series barsWithErrors(String name, List<Double> values, List<Double> errors) {
      if (values.size() != errors.size()) {
        throw new IllegalArgumentException(values.size() + " bars, " + errors.size() + " errors");
      }
      List<double[]> iv = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        Double v = values.get(i);
        Double e = errors.get(i);
        if (v != null && e != null && Double.isFinite(v) && Double.isFinite(e)) iv.add(new double[] {i, v - e, v + e});
      }
      return new Series(name, null, iv, null, java.util.Collections.unmodifiableList(new ArrayList<>(values)), null,
          null);
    }

    public static Series boxes(String name, List<double[]> boxes) {
      return new Series(name, null, null, null, null, List.copyOf(boxes), null);
    }

    /** Heat-map cells [x index, y index, value]; cells with a non-finite value are not drawn. */
    public static Series cells(String name, List<double[]> cells) {
      return new Series(name, null, null, null, null, null, cells.stream().filter(c -> Double.isFinite(c[2]))
          .toList());
    }

    /** How many marks the series should draw: points, bars, boxes or cells. */
    public int size() {
      if (points != null) return points.size();
      if (values != null) return values.size();
      if (cells != null) return cells.size();
      return boxes == null ? 0 : boxes.size();
    }
  }

  static List<double[]> finitePairs(double[] x, double[] y) {
    if (x.length != y.length) throw new IllegalArgumentException("x has " + x.length + " values, y " + y.length);
    List<double[]> p = new ArrayList<>(x.length);
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) p.add(new double[] {x[i], y[i]});
    }
    return p;
  }

  public static Chart line(String id, String title, String xLabel, String yLabel, List<Series> series) {
    return new Chart(id, "line", title, xLabel, yLabel, null, null, null, null, series, null);
  }

  public static Chart coloredLines(String id, String title, String xLabel, String yLabel, ColorScale scale,
      List<Series> series) {
    return new Chart(id, "line", title, xLabel, yLabel, null, scale, null, null, series, null);
  }

  public static Chart scatter(String id, String title, String xLabel, String yLabel, boolean diagonal,
      List<Series> series) {
    return new Chart(id, "scatter", title, xLabel, yLabel, null, null, diagonal ? Boolean.TRUE : null, null, series,
        null);
  }

  public static Chart bar(String id, String title, String xLabel, String yLabel, List<String> categories,
      boolean horizontal, List<Series> series) {
    return new Chart(id, "bar", title, xLabel, yLabel, List.copyOf(categories), null, null,
        horizontal ? Boolean.TRUE : null, series, null);
  }

  public static Chart boxplot(String id, String title, String xLabel, String yLabel, List<String> categories,
      Series boxes) {
    return new Chart(id, "boxplot", title, xLabel, yLabel, List.copyOf(categories), null, null, null,
        List.of(boxes), null);
  }

  /**
   * A heat map: {@code cells} [x index, y index, value] over {@code xCategories} × {@code yCategories}, coloured
   * from {@code scale.min()} to {@code scale.max()}.
   */
  public static Chart heatmap(String id, String title, String xLabel, String yLabel, List<String> xCategories,
      List<String> yCategories, ColorScale scale, Series cells) {
    return new Chart(id, "heatmap", title, xLabel, yLabel, List.copyOf(yCategories), scale, null, null,
        List.of(cells), List.copyOf(xCategories));
  }
}
