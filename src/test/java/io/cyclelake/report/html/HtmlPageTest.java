package io.cyclelake.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** The page builder without Spark: escaping, embedded JSON that no value can break out of, table checks. */
class HtmlPageTest {
  static final String EVIL = "</script><script>alert(1)</script><!-- \"'&";

  @Test
  void textAndNamesCannotBreakOutOfTheirElements() throws Exception {
    HtmlPage page = new HtmlPage("t " + EVIL).fact("lake", EVIL).add(new Section("s", "S " + EVIL).text(EVIL)
        .table("t", List.of("a", "b"), List.of(Arrays.asList(EVIL, 1.25)))
        .chart(Chart.line("c", EVIL, "x", "y", List.of(Chart.Series.points(EVIL, new double[] {1, 2, Double.NaN},
            new double[] {3, Double.POSITIVE_INFINITY, 5})))));
    Document doc = Jsoup.parse(page.render());
    // Only the page's own two scripts and the chart's JSON: nothing injected.
    assertEquals(3, doc.select("script").size());
    assertEquals(EVIL, doc.select("section p").text());
    assertEquals(EVIL, doc.select("#t td").get(0).text());
    assertEquals("1.25", doc.select("#t td.num").text());
    JsonNode c = new ObjectMapper().readTree(doc.getElementById("c-data").data());
    assertEquals(EVIL, c.get("series").get(0).get("name").asText());
    assertEquals(EVIL, c.get("title").asText());
    // Non-finite pairs are not plotted.
    assertEquals(1, c.get("series").get(0).get("points").size());
    assertEquals(List.of(1.0, 3.0), List.of(c.get("series").get(0).get("points").get(0).get(0).asDouble(),
        c.get("series").get(0).get("points").get(0).get(1).asDouble()));
    assertTrue(doc.select("nav a[href=#s]").size() == 1);
  }

  @Test
  void theChartLibraryIsInlinedFromTheWebJar() {
    ChartLibrary lib = ChartLibrary.echarts();
    assertEquals("5.3.1", lib.version());
    assertTrue(lib.script().contains("echarts"));
    assertTrue(lib.license().contains("Apache License"));
  }

  @Test
  void badShapesAreRejectedWithTheirNames() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Section("s", "S")
        .table("tbl", List.of("a", "b"), List.of(List.of("only one"))));
    assertTrue(e.getMessage().contains("tbl"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Chart.line("Bad Id", "t", "x", "y", List.of()));
    assertThrows(IllegalArgumentException.class, () -> Chart.Series.points("s", new double[2], new double[3]));
    assertThrows(IllegalArgumentException.class, () -> new HtmlPage("p").add(new Section("a", "A"))
        .add(new Section("a", "B")));
  }
}
