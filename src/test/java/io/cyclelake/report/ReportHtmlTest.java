package io.cyclelake.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTML reports of a handwritten lake: sections, embedded data equal to the lake's numbers, nothing external. */
class ReportHtmlTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static Lake lake;
  static Document dataset;
  static Document run;
  static Document sweep;

  @BeforeAll
  static void build() throws Exception {
    lake = ReportFixture.lake();
    Path dir = Path.of(lake.root()).getParent();
    Path d = DatasetReport.build(lake, new DatasetReport.Options(null, "charge", 60, 2, ReportFixture.FEATURE_HASH))
        .write(dir.resolve("dataset.html"));
    Path r = RunReport.build(lake, RunReport.resolve(lake, "latest")).write(dir.resolve("run.html"));
    dataset = Jsoup.parse(Files.readString(d));
    run = Jsoup.parse(Files.readString(r));
    sweep = Jsoup.parse(Files.readString(SweepHtmlReport.build(lake, ReportFixture.SWEEP)
        .write(dir.resolve("sweep.html"))));
  }

  static JsonNode chart(Document doc, String id) throws Exception {
    Element data = doc.getElementById(id + "-data");
    assertNotNull(data, "no data for chart " + id);
    assertNotNull(doc.getElementById(id), "no element for chart " + id);
    return JSON.readTree(data.data());
  }

  static List<String> ids(Document doc, String selector) {
    return doc.select(selector).stream().map(Element::id).toList();
  }

  @Test
  void datasetReportHasItsSectionsAndCharts() {
    assertEquals(List.of("cells", "capacity-fade", "ica", "quarantine", "files"), ids(dataset, "section"));
    assertEquals(List.of("chart-fade", "chart-ica", "chart-quarantine"), ids(dataset, "div.chart"));
    assertEquals(5, dataset.select("nav a").size());
  }

  @Test
  void cellsTableCountsOperationsPerCell() {
    List<List<String>> rows = rows(dataset, "cells-table");
    assertEquals(List.of("A1", "nasa", "24.0", "5", "5", "1", "11", "990", "0"), rows.get(0));
    assertEquals(List.of("A2", "nasa", "4.0", "5", "5", "0", "10", "950", "0"), rows.get(1));
  }

  @Test
  void fadeDataEqualsTheLakesDischargeCapacities() throws Exception {
    JsonNode fade = chart(dataset, "chart-fade");
    assertEquals("line", fade.get("kind").asText());
    assertEquals(2, fade.get("series").size());
    for (JsonNode s : fade.get("series")) {
      String cell = s.get("name").asText();
      List<Row> lakeRows = lake.read(Tables.CYCLES, "ingest")
          .where("cell_id = '" + cell + "' and cycle_type = 'discharge'").orderBy("cycle_index").collectAsList();
      List<double[]> expected = new ArrayList<>();
      for (int i = 0; i < lakeRows.size(); i++) {
        if (!lakeRows.get(i).isNullAt(lakeRows.get(i).fieldIndex("capacity_ah"))) {
          expected.add(new double[] {i + 1, lakeRows.get(i).getAs("capacity_ah")});
        }
      }
      assertEquals(expected.size(), s.get("points").size(), cell);
      for (int i = 0; i < expected.size(); i++) {
        assertArrayEquals(expected.get(i), pair(s.get("points").get(i)), 0.0, cell + " point " + i);
      }
    }
    // A1's 4th discharge has no capacity: its point is left out and the text says so.
    assertEquals(4, fade.get("series").get(0).get("points").size());
    assertTrue(dataset.getElementById("capacity-fade").text().contains("1 discharges without a capacity"));
  }

  @Test
  void icaCurvesAreTheCurrentSettingsCurvesColouredByCycle() throws Exception {
    JsonNode ica = chart(dataset, "chart-ica");
    assertEquals(0, ica.get("colorScale").get("min").asDouble());
    assertEquals(8, ica.get("colorScale").get("max").asDouble());
    assertEquals(5, ica.get("series").size());
    int k = 0;
    for (int c = 0; c < 10; c += 2, k++) {
      JsonNode s = ica.get("series").get(k);
      assertEquals(c, s.get("colorValue").asInt());
      assertEquals(4, s.get("points").size(), "the NaN grid point is not drawn");
      for (int i = 0; i < 4; i++) {
        assertArrayEquals(new double[] {ReportFixture.GRID[i], ReportFixture.icaValue(c, i)},
            pair(s.get("points").get(i)), 0.0);
      }
    }
  }

  @Test
  void icaKeepsAtMostTheConfiguredCurvesEvenlyIncludingFirstAndLast() {
    assertEquals(List.of(0, 5, 9), DatasetReport.evenly(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 3));
    assertEquals(List.of(1, 2), DatasetReport.evenly(List.of(1, 2), 5));
  }

  @Test
  void quarantineCountsByRuleWithExamples() throws Exception {
    JsonNode q = chart(dataset, "chart-quarantine");
    assertEquals(List.of("number", "field-count"), texts(q.get("categories")));
    assertEquals(3, q.get("series").get(0).get("values").get(0).asDouble());
    assertEquals(1, q.get("series").get(0).get("values").get(1).asDouble());
    List<List<String>> ex = rows(dataset, "quarantine-examples");
    assertEquals(3, ex.size(), "2 examples of 'number', 1 of 'field-count'");
    assertEquals(List.of("field-count", "data/A2.csv", "7", "", "", "2 fields, expected 7", "1,2"), ex.get(0));
  }

  @Test
  void fileManifestSummaryAndFailedFiles() {
    List<List<String>> s = rows(dataset, "files-summary");
    assertEquals(3, s.size());
    assertEquals(List.of("nasa", "data", "failed", "1", "500", "31", "30", "1"), s.get(0).subList(0, 8));
    assertEquals(List.of(List.of("/in/A2.csv.gz", "failed", "truncated gzip at line 32")), rows(dataset, "files-failed"));
  }

  @Test
  void runReportShowsTheLatestRunsMetrics() {
    assertEquals(List.of("metrics", "predicted-vs-actual", "residuals", "feature-importance", "training-curves",
        "attention", "model-card-run"), ids(run, "section"));
    assertTrue(run.title().endsWith("r2"), run.title());
    List<List<String>> m = rows(run, "metrics-table");
    assertEquals(List.of("train", "test"), m.stream().map(r -> r.get(2)).toList());
    assertEquals("0.005", m.get(0).get(4));
  }

  @Test
  void parityDataAndIntervalsEqualThePredictions() throws Exception {
    JsonNode p = chart(run, "chart-parity");
    assertTrue(p.get("diagonal").asBoolean());
    assertEquals(List.of("test", "train"), p.get("series").findValuesAsText("name"));
    JsonNode test = p.get("series").get(0);
    List<Object[]> expected = ReportFixture.predictions().stream().filter(r -> r[3].equals("test")).toList();
    assertEquals(expected.size(), test.get("points").size());
    for (int i = 0; i < expected.size(); i++) {
      Object[] e = expected.get(i);
      assertArrayEquals(new double[] {(double) e[4], (double) e[5]}, pair(test.get("points").get(i)), 0.0);
      JsonNode iv = test.get("intervals").get(i);
      assertArrayEquals(new double[] {(double) e[4], (double) e[6], (double) e[7]},
          new double[] {iv.get(0).asDouble(), iv.get(1).asDouble(), iv.get(2).asDouble()}, 0.0);
    }
    // A2 cycle 1 (train) has no interval: drawn as a point without an error bar.
    JsonNode train = p.get("series").get(1);
    assertEquals(3, train.get("points").size());
    assertEquals(2, train.get("intervals").size());
  }

  @Test
  void residualsByCellAreQuantilesOfPredictedMinusActual() throws Exception {
    JsonNode box = chart(run, "chart-residuals-cell");
    assertEquals(List.of("A1", "A2"), texts(box.get("categories")));
    // A2: residuals 0.0, 0.03, -0.03 -> sorted -0.03, 0, 0.03
    JsonNode a2 = box.get("series").get(0).get("boxes").get(1);
    double[] expected = {0.95 - 0.98, (0.95 - 0.98) / 2, 0.0, (1.02 - 0.99) / 2, 1.02 - 0.99};
    for (int i = 0; i < 5; i++) assertEquals(expected[i], a2.get(i).asDouble(), 1e-12, "box value " + i);
    JsonNode byCycle = chart(run, "chart-residuals-cycle");
    assertEquals(3, byCycle.get("series").get(0).get("points").size());
    assertArrayEquals(new double[] {5, 0.93 - 0.95}, pair(byCycle.get("series").get(0).get("points").get(2)), 1e-15);
  }

  @Test
  void featureImportanceLargestFirst() throws Exception {
    JsonNode fi = chart(run, "chart-importance");
    assertTrue(fi.get("horizontal").asBoolean());
    assertEquals(List.of("cycle_index", "voltage_mean_v"), texts(fi.get("categories")));
    assertEquals(0.8, fi.get("series").get(0).get("values").get(0).asDouble(), 1e-12);
    assertEquals(0.5, fi.get("series").get(0).get("values").get(1).asDouble(), 1e-12);
  }

  @Test
  void lossCurveDataEqualTheRunsTrainingCurves() throws Exception {
    JsonNode loss = chart(run, "chart-loss");
    assertEquals("line", loss.get("kind").asText());
    assertEquals(List.of("train", "validation"), loss.get("series").findValuesAsText("name"));
    List<Row> rows = lake.read(Tables.TRAINING_CURVES, "sweep").where("run_id = 'r2'").orderBy("epoch")
        .collectAsList();
    assertEquals(3, rows.size());
    List<double[]> train = new ArrayList<>();
    List<double[]> val = new ArrayList<>();
    for (Row r : rows) {
      train.add(new double[] {r.<Integer>getAs("epoch"), r.<Double>getAs("train_loss")});
      if (!r.isNullAt(r.fieldIndex("val_loss"))) val.add(new double[] {r.<Integer>getAs("epoch"), r.getAs("val_loss")});
    }
    assertPoints(train, loss.get("series").get(0).get("points"), "train");
    assertPoints(val, loss.get("series").get(1).get("points"), "validation");
    assertEquals(2, val.size(), "epoch 3 was not evaluated: no validation point");
    assertTrue(run.getElementById("training-curves").text().contains("kept the weights of epoch 2"),
        run.getElementById("training-curves").text());
  }

  @Test
  void attentionHeatMapCellsEqualTheStoredWeights() throws Exception {
    JsonNode h = chart(run, "chart-attention");
    assertEquals("heatmap", h.get("kind").asText());
    List<Row> rows = lake.read(Tables.ATTENTION_WEIGHTS, "sweep").where("run_id = 'r2'")
        .orderBy("part", "cell_id", "cycle_index").collectAsList();
    List<String> labels = new ArrayList<>();
    List<double[]> cells = new ArrayList<>();
    int width = 0;
    for (int y = 0; y < rows.size(); y++) {
      Row r = rows.get(y);
      labels.add(r.getAs("cell_id") + " #" + r.getAs("cycle_index") + " (" + r.getAs("part") + ")");
      int steps = r.getAs("steps");
      width = Math.max(width, steps);
      List<Double> w = r.getList(r.fieldIndex("weight"));
      for (int k = 0; k < steps; k++) cells.add(new double[] {k, y, w.get(k)});
    }
    assertEquals(List.of("A1 #5 (test)", "A2 #3 (test)"), labels);
    assertEquals(labels, texts(h.get("categories")));
    assertEquals(width, h.get("xCategories").size(), "one column per valid step of the longest sequence");
    JsonNode drawn = h.get("series").get(0).get("cells");
    assertEquals(7, cells.size(), "padded steps are not drawn");
    assertEquals(cells.size(), drawn.size());
    for (int i = 0; i < cells.size(); i++) {
      assertArrayEquals(cells.get(i), new double[] {drawn.get(i).get(0).asDouble(), drawn.get(i).get(1).asDouble(),
          drawn.get(i).get(2).asDouble()}, 0.0, "cell " + i);
    }
    assertEquals(0.1, h.get("colorScale").get("min").asDouble());
    assertEquals(0.5, h.get("colorScale").get("max").asDouble());
  }

  @Test
  void sweepReportHasTheFoldBySpecTableBestSettingsBarsAndCurves() {
    assertEquals(List.of("fold-metrics", "best-settings", "comparison", "training-curves"), ids(sweep, "section"));
    assertEquals(List.of("chart-mae", "chart-rmse", "chart-loss-0", "chart-loss-1"), ids(sweep, "div.chart"));
    assertEquals(List.of("fold", "mlp #1", "mlp #2", "ridge"), sweep.getElementById("fold-spec-table")
        .select("thead th").eachText());
    List<List<String>> m = rows(sweep, "fold-spec-table");
    List<Row> test = sweepTestRows();
    assertEquals(2, m.size());
    for (List<String> r : m) {
      for (int s = 0; s < ReportFixture.SPECS.length; s++) {
        String fold = r.get(0);
        String model = (String) ReportFixture.SPECS[s][0];
        String params = (String) ReportFixture.SPECS[s][1];
        Double lakeMae = test.stream().filter(x -> x.getAs("fold").equals(fold) && x.getAs("model").equals(model)
            && x.getAs("params").equals(params)).map(x -> x.<Double>getAs("mae")).findFirst().orElse(null);
        if (lakeMae == null) {
          assertEquals("", r.get(1 + s), "the failed run of spec " + s + " in " + fold + " has an empty cell");
        } else {
          assertEquals(lakeMae, Double.parseDouble(r.get(1 + s)), 1e-12, fold + " spec " + s);
        }
      }
    }
    List<List<String>> specs = rows(sweep, "specs-table");
    for (int s = 0; s < ReportFixture.SPECS.length; s++) {
      assertEquals(List.of(List.of("mlp #1", "mlp #2", "ridge").get(s), ReportFixture.SPECS[s][0],
          ReportFixture.SPECS[s][1]), specs.get(s));
    }
    assertEquals(5, rows(sweep, "fold-metrics-table").size(), "one row per run with test metrics");
    List<List<String>> best = rows(sweep, "best-table");
    assertEquals(List.of("mlp #1", "ridge"), best.stream().map(r -> r.get(0)).toList(), "per model, best first");
    assertEquals(List.of("spec", "model", "folds", "failed", "mae_mean", "mae_sd", "rmse_mean", "r2_mean",
        "coverage_mean", "params"), sweep.getElementById("best-table").select("thead th").eachText());
    assertEquals(0.01, Double.parseDouble(best.get(0).get(4)), 1e-12);
    assertEquals(0.04, Double.parseDouble(best.get(1).get(4)), 1e-12);
    assertEquals(ReportFixture.SPECS[0][1], best.get(0).get(9));
    assertEquals(List.of("mlp #1", "mlp #2", "ridge"), rows(sweep, "summary-table").stream().map(r -> r.get(0))
        .toList());
    assertEquals("1", rows(sweep, "summary-table").get(0).get(3), "mlp #1 has one failed run");
  }

  @Test
  void sweepBarsAreFoldMeansWithSampleSdErrorBars() throws Exception {
    List<Row> test = sweepTestRows();
    for (String metric : List.of("mae", "rmse")) {
      JsonNode bars = chart(sweep, "chart-" + metric);
      assertEquals(List.of("mlp #1", "mlp #2", "ridge"), texts(bars.get("categories")));
      JsonNode s = bars.get("series").get(0);
      List<double[]> intervals = new ArrayList<>();
      for (int k = 0; k < ReportFixture.SPECS.length; k++) {
        Object[] spec = ReportFixture.SPECS[k];
        double[] v = test.stream().filter(x -> x.getAs("model").equals(spec[0]) && x.getAs("params").equals(spec[1]))
            .mapToDouble(x -> x.<Double>getAs(metric)).toArray();
        double mean = java.util.Arrays.stream(v).average().orElseThrow();
        assertEquals(mean, s.get("values").get(k).asDouble(), 1e-12, metric + " spec " + k);
        if (v.length > 1) {
          double ss = 0;
          for (double x : v) ss += (x - mean) * (x - mean);
          double sd = Math.sqrt(ss / (v.length - 1));
          intervals.add(new double[] {k, mean - sd, mean + sd});
        }
      }
      assertEquals(2, intervals.size(), "no error bar for the spec with a single fold");
      assertEquals(intervals.size(), s.get("intervals").size());
      for (int i = 0; i < intervals.size(); i++) {
        JsonNode iv = s.get("intervals").get(i);
        assertArrayEquals(intervals.get(i), new double[] {iv.get(0).asDouble(), iv.get(1).asDouble(),
            iv.get(2).asDouble()}, 1e-12, metric + " error bar " + i);
      }
    }
  }

  @Test
  void sweepLossCurvesEqualTheTableOneChartPerSpec() throws Exception {
    for (int k = 0; k < 2; k++) {
      JsonNode c = chart(sweep, "chart-loss-" + k);
      String run0 = ReportFixture.SWEEP + "-s" + k + "-f";
      List<Row> rows = lake.read(Tables.TRAINING_CURVES, "sweep").where("run_id like '" + run0 + "%'")
          .orderBy("run_id", "epoch").collectAsList();
      List<String> names = new ArrayList<>();
      int i = 0;
      for (String fold : List.of("f0", "f1")) {
        List<double[]> train = new ArrayList<>();
        List<double[]> val = new ArrayList<>();
        for (Row r : rows) {
          if (!r.getAs("fold").equals(fold)) continue;
          train.add(new double[] {r.<Integer>getAs("epoch"), r.<Double>getAs("train_loss")});
          if (!r.isNullAt(r.fieldIndex("val_loss"))) {
            val.add(new double[] {r.<Integer>getAs("epoch"), r.<Double>getAs("val_loss")});
          }
        }
        if (train.isEmpty()) continue;
        names.add(fold + " train");
        names.add(fold + " validation");
        assertPoints(train, c.get("series").get(i++).get("points"), "spec " + k + " " + fold + " train");
        assertPoints(val, c.get("series").get(i++).get("points"), "spec " + k + " " + fold + " validation");
      }
      assertEquals(names, c.get("series").findValuesAsText("name"));
      assertEquals(k == 0 ? 2 : 4, names.size(), "mlp #1's second fold failed: no curve");
    }
  }

  @Test
  void anUnknownSweepIsAnErrorThatSaysHowToListSweeps() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.cyclelake.errors.CycleLakeException.class,
        () -> SweepHtmlReport.build(lake, "nope"));
    assertTrue(e.getMessage().contains("select distinct sweep_id from runs"), e.getMessage());
  }

  private static List<Row> sweepTestRows() {
    return lake.read(Tables.FOLD_METRICS, "sweep").where("sweep_id = '" + ReportFixture.SWEEP
        + "' and part = 'test' and cell_id = '*'").collectAsList();
  }

  private static void assertPoints(List<double[]> expected, JsonNode points, String what) {
    assertEquals(expected.size(), points.size(), what);
    for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), pair(points.get(i)), 0.0, what + " " + i);
  }

  @Test
  void nothingIsLoadedFromOutsideTheFile() {
    for (Document doc : List.of(dataset, run, sweep)) {
      assertTrue(doc.select("[src]").isEmpty(), "no element loads a file or address");
      assertTrue(doc.select("link, iframe, object, embed, img, base").isEmpty());
      for (Element a : doc.select("[href]")) assertTrue(a.attr("href").startsWith("#"), a.outerHtml());
      for (Element st : doc.select("style")) {
        assertFalse(st.data().contains("url(") || st.data().contains("@import"), "stylesheet refers to a file");
      }
      assertFalse(doc.select("script:not([type])").isEmpty());
      // The library is inlined: its global is defined by a script of the page itself.
      assertTrue(doc.select("script:not([type])").get(0).data().length() > 500_000);
    }
  }

  @Test
  void aRunIdThatDoesNotExistIsAnErrorNamingTheTable() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.cyclelake.errors.CycleLakeException.class,
        () -> RunReport.resolve(lake, "nope"));
    assertEquals(io.cyclelake.errors.ErrorCode.INPUT_MISSING, e.code());
    assertEquals("r1", RunReport.resolve(lake, "r1"));
  }

  static double[] pair(JsonNode n) {
    return new double[] {n.get(0).asDouble(), n.get(1).asDouble()};
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static List<List<String>> rows(Document doc, String tableId) {
    Element t = doc.getElementById(tableId);
    assertNotNull(t, "no table " + tableId);
    return t.select("tbody tr").stream().map(tr -> tr.select("td").stream().map(Element::text).toList()).toList();
  }
}
