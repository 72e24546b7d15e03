package io.cyclelake.report.plot;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Static charts as SVG text, small enough to commit beside a Markdown page (GitHub shows them with {@code
 * ![..](x.svg)}): JFreeChart draws on JFreeSVG's {@code Graphics2D}, text stays {@code <text>}, coordinates are
 * written with one decimal and the ids are fixed, so the same data give the same bytes. Plain Java, no Spark.
 *
 * <p>Series {@code i} is drawn in {@code PALETTE[i % PALETTE.size()]}. A point is a 3 × 3 px filled square (a {@code
 * <path>} in a group filled with its series' colour); the legend's sample of a point series is an 8 × 8 square.
 */
public final class SvgCharts {
  static {
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
  }

  private SvgCharts() {}

  /** Series colours (Tableau 10), in order. */
  public static final List<Color> PALETTE = List.of(new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
      new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
      new Color(0xbcbd22), new Color(0x17becf));

  /** At most this many points are drawn in one chart; more are thinned evenly ({@link #thinningStep}). */
  public static final int MAX_POINTS = 300;

  /** Side of a point's square, px. */
  public static final double POINT_PX = 3.0;

  private static final int WIDTH = 560;
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
  private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
  private static final Color GRID = new Color(0xdddddd);

  /** Points or a polyline: {@code x[i], y[i]}, same length. */
  public record Series(String name, double[] x, double[] y) {
    public Series {
      if (x.length != y.length) {
        throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length
            + " y values");
      }
    }

    public int size() {
      return x.length;
    }
  }

  /** One bar series: a value per category (NaN = no bar) and its error (NaN = no error bar). */
  public record Bars(String name, double[] values, double[] errors) {
    public Bars {
      if (values.length != errors.length) {
        throw new IllegalArgumentException("bars " + name + ": " + values.length + " values but " + errors.length
            + " errors");
      }
    }
  }

  /** Every how many points to keep so that at most {@link #MAX_POINTS} of {@code n} are drawn (1 = all). */
  public static int thinningStep(int n) {
    return Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
  }

  /** Points {@code 0, step, 2 step, ...} of {@code s} (a new series). */
  public static Series thin(Series s, int step) {
    int n = (s.size() + step - 1) / step;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = s.x()[i * step];
      y[i] = s.y()[i * step];
    }
    return new Series(s.name(), x, y);
  }

  /**
   * A scatter plot of {@code points}, one colour per series; with {@code identity} the line y = x over the range of
   * both axes (grey).
   */
  public static String scatter(String title, String xLabel, String yLabel, List<Series> points, boolean identity) {
    XYSeriesCollection data = new XYSeriesCollection();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : points) {
      data.addSeries(xy(s));
      for (int i = 0; i < s.size(); i++) {
        lo = Math.min(lo, Math.min(s.x()[i], s.y()[i]));
        hi = Math.max(hi, Math.max(s.x()[i], s.y()[i]));
      }
    }
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
    pointStyle(r, 0, points.size());
    XYPlot plot = xyPlot(data, xLabel, yLabel, r);
    if (identity && lo < hi) {
      XYSeriesCollection line = new XYSeriesCollection();
      XYSeries d = new XYSeries("y = x");
      d.add(lo, lo);
      d.add(hi, hi);
      line.addSeries(d);
      XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer(true, false);
      lr.setSeriesPaint(0, Color.GRAY);
      lr.setSeriesStroke(0, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f,
          3f}, 0f));
      lr.setSeriesVisibleInLegend(0, false);
      plot.setDataset(1, line);
      plot.setRenderer(1, lr);
    }
    return svg(chart(title, plot, points.size() > 1), 420);
  }

  /**
   * Lines and points on one plot: {@code lines.get(i)} (solid) and {@code points.get(i)} (squares) share colour
   * {@code i}, e.g. the true and the predicted RUL of one cell.
   */
  public static String linesAndPoints(String title, String xLabel, String yLabel, List<Series> lines,
      List<Series> points) {
    XYSeriesCollection pts = new XYSeriesCollection();
    points.forEach(s -> pts.addSeries(xy(s)));
    XYLineAndShapeRenderer pr = new XYLineAndShapeRenderer(false, true);
    pointStyle(pr, 0, points.size());
    XYPlot plot = xyPlot(pts, xLabel, yLabel, pr);
    XYSeriesCollection ls = new XYSeriesCollection();
    lines.forEach(s -> ls.addSeries(xy(s)));
    XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer(true, false);
    lr.setDrawSeriesLineAsPath(true);
    lr.setLegendLine(new Line2D.Double(-8, 0, 8, 0));
    for (int i = 0; i < lines.size(); i++) {
      lr.setSeriesPaint(i, colour(i));
      lr.setSeriesStroke(i, new BasicStroke(1.5f));
    }
    plot.setDataset(1, ls);
    plot.setRenderer(1, lr);
    return svg(chart(title, plot, true), 420);
  }

  /**
   * Grouped bars: one group per category, one bar per series in its colour, with an error bar (± error) where the
   * error is a number.
   */
  public static String bars(String title, String yLabel, List<String> categories, List<Bars> series) {
    DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
    for (Bars b : series) {
      if (b.values().length != categories.size()) {
        throw new IllegalArgumentException("bars " + b.name() + ": " + b.values().length + " values for "
            + categories.size() + " categories");
      }
      for (int c = 0; c < categories.size(); c++) {
        if (Double.isNaN(b.values()[c])) continue;
        Number err = Double.isNaN(b.errors()[c]) ? null : (Number) b.errors()[c];
        data.add((Number) b.values()[c], err, b.name(), categories.get(c));
      }
    }
    StatisticalBarRenderer r = new StatisticalBarRenderer();
    r.setShadowVisible(false);
    r.setDrawBarOutline(false);
    r.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
    r.setErrorIndicatorPaint(Color.BLACK);
    r.setItemMargin(0.05);
    for (int i = 0; i < series.size(); i++) r.setSeriesPaint(i, colour(i));
    CategoryAxis x = new CategoryAxis(null);
    x.setTickLabelFont(TICK);
    x.setMaximumCategoryLabelLines(2);
    CategoryPlot plot = new CategoryPlot(data, x, valueAxis(yLabel, true), r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(GRID);
    plot.setOutlineVisible(false);
    return svg(chart(title, plot, true), 340);
  }

  /** Writes {@code svg} to {@code file}, creating its folder. */
  public static void write(Path file, String svg) {
    try {
      if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, svg, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot write " + file + ": " + e.getMessage(), null, e);
    }
  }

  public static Color colour(int series) {
    return PALETTE.get(series % PALETTE.size());
  }

  private static XYSeries xy(Series s) {
    XYSeries x = new XYSeries(s.name(), false, true);
    for (int i = 0; i < s.size(); i++) x.add(s.x()[i], s.y()[i]);
    return x;
  }

  private static void pointStyle(XYLineAndShapeRenderer r, int first, int n) {
    double h = POINT_PX / 2;
    Shape point = new Rectangle2D.Double(-h, -h, POINT_PX, POINT_PX);
    Shape legend = new Rectangle2D.Double(-4, -4, 8, 8);
    r.setDrawOutlines(false);
    r.setUseOutlinePaint(false);
    for (int i = 0; i < n; i++) {
      r.setSeriesPaint(i, colour(first + i));
      r.setSeriesShape(i, point);
      r.setLegendShape(i, legend);
    }
  }

  private static NumberAxis valueAxis(String label, boolean includeZero) {
    NumberAxis a = new NumberAxis(label);
    a.setAutoRangeIncludesZero(includeZero);
    a.setLabelFont(LABEL);
    a.setTickLabelFont(TICK);
    return a;
  }

  private static XYPlot xyPlot(XYSeriesCollection data, String xLabel, String yLabel, XYLineAndShapeRenderer r) {
    XYPlot plot = new XYPlot(data, valueAxis(xLabel, false), valueAxis(yLabel, false), r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setOutlineVisible(false);
    return plot;
  }

  private static JFreeChart chart(String title, org.jfree.chart.plot.Plot plot, boolean legend) {
    JFreeChart c = new JFreeChart(title, TITLE, plot, legend);
    c.setBackgroundPaint(Color.WHITE);
    c.setAntiAlias(true);
    c.setTextAntiAlias(true);
    LegendTitle l = c.getLegend();
    if (l != null) {
      l.setItemFont(LABEL);
      l.setPosition(RectangleEdge.BOTTOM);
      l.setFrame(org.jfree.chart.block.BlockBorder.NONE);
    }
    return c;
  }

  private static String svg(JFreeChart chart, int height) {
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, height);
    // fixed ids and one decimal: the same chart gives the same bytes, and the file stays small
    g.setDefsKeyPrefix("c");
    g.setGeomDoubleConverter(v -> num(v, 1));
    g.setTransformDoubleConverter(v -> num(v, 3));
    chart.draw(g, new Rectangle(0, 0, WIDTH, height));
    return mergeGroups(g.getSVGDocument());
  }

  private static final java.util.regex.Pattern ADJACENT = java.util.regex.Pattern.compile(
      "(<g [^>]*>)((?:<path [^>]*/>)+)</g>\\1");

  /**
   * Joins runs of sibling groups with the same attributes ({@code <g a><path/></g><g a><path/></g>} → {@code <g
   * a><path/><path/></g>}): JFreeSVG wraps each point in its own group, which doubles the bytes of a scatter plot.
   * The drawing is unchanged.
   */
  static String mergeGroups(String svg) {
    String prev;
    String out = svg;
    do {
      prev = out;
      out = ADJACENT.matcher(prev).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1)
          + m.group(2)));
    } while (!out.equals(prev));
    return out;
  }

  private static String num(double v, int dp) {
    String s = String.format(Locale.ROOT, "%." + dp + "f", v);
    if (s.indexOf('.') >= 0) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    return s.equals("-0") ? "0" : s;
  }
}
