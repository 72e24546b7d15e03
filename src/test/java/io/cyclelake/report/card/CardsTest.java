package io.cyclelake.report.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigLoader;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.eval.Wilcoxon;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.Markdown;
import io.cyclelake.report.html.Block;
import io.cyclelake.report.html.Html;
import io.cyclelake.report.html.Section;
import io.cyclelake.schema.Tables;
import io.cyclelake.sweep.SweepJob;
import io.cyclelake.testkit.TestSpark;
import io.cyclelake.train.TrainJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data sheet, model cards and compare on one tiny lake: the raw files and PROVENANCE.md of a SYNTHETIC fleet of 3
 * cells × 12 cycles, the ingest tables written by hand for them (cycles from its metadata.csv, the manifest with the
 * files' real SHA-256, quarantine rows under two rules, and rows of another reader that must be left out), summary
 * features for its discharges (a fade the models can learn), and one LOCO sweep of two ridge specs. Every table of a
 * sheet or card is checked cell by cell against an independent query of the Delta tables.
 */
class CardsTest {
  @TempDir static Path dir;
  static Path data;
  static Lake lake;
  static Config config;
  static SweepJob.Result sweepA;
  static Path out;
  static Path results;
  static List<CardFiles.Written> written;
  static TrainJob.Result train;
  static CardFiles.Written trainCard;
  static final List<String> TRAIN_FEATURES = List.of("cycle_index", "ambient_temperature_c", "voltage_mean_v",
      "temperature_mean_c");
  static final int CELLS = 3;
  static final int CYCLES = 12;

  @BeforeAll
  static void lake() throws IOException {
    data = dir.resolve("fleet");
    SyntheticFleet.Summary fleet = SyntheticFleet.write(new FleetSpec(CELLS, CYCLES, List.of(4.0, 24.0, 43.0), 120.0,
        11L), data);
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    long t = System.nanoTime();
    writeIngestTables(fleet);
    config = TestSpark.config();
    writeFeatures(ConfigRender.hash(config, "cyclelake.features"), 0L);
    System.out.printf("CardsTest: lake %.1f s%n", (System.nanoTime() - t) / 1e9);
    long t0 = System.nanoTime();
    sweepA = SweepJob.run(lake, withModels("a", "[0.1, 10.0]"), Progress.quiet());
    long t1 = System.nanoTime();
    out = dir.resolve("cards");
    results = dir.resolve("docs/results.md");
    Files.createDirectories(results.getParent());
    Files.writeString(results, "# Results\n\nHand-written text stays.\n");
    written = CardFiles.writeSweep(lake, sweepA.sweepId(), out, results);
    System.out.printf("CardsTest: sweep %.1f s, cards %.1f s%n", (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
    long t2 = System.nanoTime();
    train = TrainJob.run(lake, config, new TrainJob.Request("soh", "xgboost", "chronological", List.of(),
        TRAIN_FEATURES, 7L), Progress.quiet());
    long t3 = System.nanoTime();
    trainCard = CardFiles.writeRun(lake, train.runId(), out);
    System.out.printf("CardsTest: train %.1f s, run card %.1f s%n", (t3 - t2) / 1e9, (System.nanoTime() - t3) / 1e9);
    // The tables as the test's own queries see them (the lake is complete from here on).
    for (String table : List.of(Tables.FILES, Tables.CYCLES, Tables.QUARANTINE, Tables.FOLD_METRICS,
        Tables.PREDICTIONS, Tables.FEATURE_IMPORTANCE, Tables.FEATURES_SUMMARY, Tables.RUNS)) {
      lake.spark().read().format("delta").load(lake.path(table)).createOrReplaceTempView(table);
    }
  }

  /**
   * What an ingest of the fleet writes, by hand (an ingest in a test costs more than the rest of the test): cycles
   * from the fleet's metadata.csv (one discharge without a capacity, 2 quarantined rows on one operation), the
   * manifest with each generated file's real size and SHA-256, and quarantine rows under two rules; plus one file and
   * one quarantine row of another reader, which the sheet of "nasa" must leave out.
   */
  static void writeIngestTables(SyntheticFleet.Summary fleet) throws IOException {
    java.sql.Timestamp t0 = java.sql.Timestamp.valueOf("2026-01-01 00:00:00");
    List<Row> cycles = new ArrayList<>();
    List<String> meta = Files.readAllLines(data.resolve("metadata.csv"));
    for (String line : meta.subList(1, meta.size())) {
      String[] f = line.split(",");
      // type,start_time,ambient_temperature,battery_id,test_id,uid,filename,Capacity,Re,Rct
      boolean discharge = f[0].equals("discharge");
      int cycle = Integer.parseInt(f[4]);
      Double cap = discharge && !(f[3].equals("S0001") && cycle == 5) ? Double.valueOf(f[7]) : null;
      long quarantined = f[3].equals("S0002") && cycle == 3 ? 2L : 0L;
      cycles.add(RowFactory.create(f[3], cycle, f[0], Double.valueOf(f[2]), t0, cap, null, null, null, 3600.0,
          30L + cycle, quarantined, "nasa", f[5], data.resolve("metadata.csv").toString()));
    }
    lake.overwrite(TestSpark.get().createDataFrame(cycles, Tables.CYCLES_SCHEMA), Tables.CYCLES);
    List<Row> files = new ArrayList<>();
    try (var paths = Files.walk(data)) {
      for (Path p : paths.filter(x -> x.toString().endsWith(".csv") || x.toString().endsWith(".csv.gz")).sorted()
          .toList()) {
        String cell = p.getFileName().toString().startsWith("S") ? p.getFileName().toString().substring(0, 5)
            : String.join(",", fleet.cellIds());
        long q = p.toString().contains("S0002_discharge") ? 2 : 0;
        files.add(RowFactory.create("nasa", p.toString(), cell.contains(",") ? "listing" : "data", Files.size(p), t0,
            DataSheet.sha256(Files.readAllBytes(p)), cell, "ok", 100L + q, 100L, q, null, t0));
      }
    }
    files.add(RowFactory.create("arbin", "/elsewhere/x.csv", "data", 1L, t0, "00", "X1", "failed", 1L, 0L, 1L,
        "broken", t0));
    lake.overwrite(TestSpark.get().createDataFrame(files, Tables.FILES_SCHEMA), Tables.FILES);
    String gz = data.resolve("timeseries/discharge/S0002_discharge.csv.gz").toString();
    List<Row> q = List.of(
        RowFactory.create("nasa", gz, 40L, 2, "Voltage_measured", "S0002", 3, "number", "not a number: 'x3.5'",
            "9,x3.5,-2.0"),
        RowFactory.create("nasa", gz, 41L, 2, "voltage_v", "S0002", 3, "voltage-range", "42.0 > 10.0", "9,42.0,-2.0"),
        RowFactory.create("arbin", "/elsewhere/x.csv", 2L, null, null, "X1", null, "field-count", "1 field", "1"));
    lake.overwrite(TestSpark.get().createDataFrame(q, Tables.QUARANTINE_SCHEMA), Tables.QUARANTINE);
  }

  static Config withModels(String name, String alphas) {
    return ConfigLoader.load(Path.of("does-not-exist"), List.of(), List.of("spark.master=\"local[2]\"",
        "spark.conf.\"spark.sql.shuffle.partitions\"=2", "sweep.name=" + name, "sweep.split=loco",
        "split.loco.validation-cells=1", "sweep.save-models=false",
        "sweep.features=[cycle_index, ambient_temperature_c, voltage_mean_v, temperature_mean_c]",
        "sweep.models=[{model=ridge, grid{alpha=" + alphas + "}}]"));
  }

  /** One features_summary row per ingested discharge: capacity fading linearly, mean voltage falling with it. */
  static void writeFeatures(String hash, long tsVersion) {
    StructType schema = new StructType()
        .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
        .add("cycle_type", DataTypes.StringType).add("capacity_counter_ah", DataTypes.DoubleType)
        .add("ambient_temperature_c", DataTypes.DoubleType).add("voltage_mean_v", DataTypes.DoubleType)
        .add("temperature_mean_c", DataTypes.DoubleType).add("current_mean_a", DataTypes.DoubleType)
        .add(Tables.FEATURE_HASH, DataTypes.StringType).add(Tables.INPUT_VERSION, DataTypes.LongType);
    List<Row> rows = new ArrayList<>();
    List<Row> ops = lake.read(Tables.CYCLES, "ingest").where("cycle_type = 'discharge'")
        .select("cell_id", "cycle_index", "ambient_temperature_c").orderBy("cell_id", "cycle_index").collectAsList();
    Map<String, Integer> k = new LinkedHashMap<>();
    for (Row o : ops) {
      int n = k.merge(o.getString(0), 1, Integer::sum) - 1;
      int c = Integer.parseInt(o.getString(0).substring(1)) - 1;
      double cap = 2.0 * (1 - (0.01 + 0.001 * c) * n);
      rows.add(RowFactory.create(o.getString(0), o.getInt(1), "discharge", cap, o.getDouble(2),
          3.4 + 0.1 * cap / 2 + 0.002 * Math.sin(n), o.getDouble(2) + 5, -2.0, hash, tsVersion));
    }
    lake.overwrite(TestSpark.get().createDataFrame(rows, schema), Tables.FEATURES_SUMMARY);
  }

  // ---- data sheet ----

  @Test
  void theDataSheetsCountsEqualTheTables() throws IOException {
    Section s = DataSheet.build(lake, new DataSheet.Options("nasa", 2, Map.of("validation.voltage-v.max", "10")));
    // quarantine by rule == the quarantine table (two planted rows, two rules)
    List<List<String>> q = sql("select rule, count(*) as rows, count(distinct source_file), count(distinct cell_id) "
        + "from quarantine where source = 'nasa' group by rule order by rows desc, rule");
    assertEquals(3, lake.read(Tables.QUARANTINE, "ingest").count(), "one row of another reader is left out");
    assertEquals(2, q.size());
    assertEquals(q, table(s, "datasheet-quarantine"));
    assertTrue(table(s, "datasheet-quarantine").stream().map(r -> r.get(0)).toList()
        .containsAll(List.of("number", "voltage-range")));
    // files with checksums == the manifest, and each checksum is the file's real SHA-256
    List<List<String>> files = sql("select path, role, status, size_bytes, sha256, rows_read, rows_accepted, "
        + "rows_quarantined, error from files where source = 'nasa' order by path");
    assertEquals(files, table(s, "datasheet-files"));
    assertEquals(1 + 2 * CELLS, files.size());
    // cells: counts per type == cycles, and == the fleet that was generated
    List<List<String>> cells = sql("select cell_id, min(ambient_temperature_c), "
        + "count(case when cycle_type = 'charge' then 1 end), count(case when cycle_type = 'discharge' then 1 end), "
        + "count(case when cycle_type = 'impedance' then 1 end), "
        + "count(case when cycle_type = 'discharge' and capacity_ah is null then 1 end), "
        + "min(case when cycle_type = 'discharge' then capacity_ah end), "
        + "max(case when cycle_type = 'discharge' then capacity_ah end), sum(n_samples), sum(n_quarantined) "
        + "from cycles group by cell_id order by cell_id");
    List<List<String>> sheetCells = table(s, "datasheet-cells").stream().map(r -> r.subList(0, 10)).toList();
    assertEquals(cells, sheetCells);
    for (List<String> c : sheetCells) assertEquals(String.valueOf(CYCLES), c.get(3));
    // the summary's counts
    String summary = paragraphs(s).get(0);
    List<String> totals = sql("select count(distinct cell_id), count(*), sum(n_samples) from cycles").get(0);
    assertTrue(summary.contains(totals.get(0) + " cells, " + totals.get(1) + " operations"), summary);
    assertTrue(summary.contains(totals.get(2) + " accepted samples"), summary);
    assertTrue(summary.contains("2 quarantined rows, " + files.size() + " raw files (0 not read cleanly)"), summary);
    // quirks: the one discharge without a capacity
    assertEquals(sql("select 'missing capacity', count(*) from cycles where cycle_type = 'discharge' and "
        + "capacity_ah is null").get(0), table(s, "datasheet-quirks").get(0).subList(0, 2));
    assertEquals("1", table(s, "datasheet-quirks").get(0).get(1));
    // versions read == the tables' versions
    for (List<String> v : table(s, "datasheet-versions")) {
      assertEquals(String.valueOf(lake.version(v.get(0))), v.get(1), v.get(0));
    }
    // sign convention from the data: every discharge has a negative mean current
    assertEquals(List.of(List.of("discharge", String.valueOf(CELLS * CYCLES), "0", String.valueOf(CELLS * CYCLES))),
        table(s, "datasheet-sign"));
    // provenance: the fleet's PROVENANCE.md, verbatim
    String provenance = Files.readString(data.resolve("PROVENANCE.md"));
    assertTrue(s.blocks().stream().anyMatch(b -> b instanceof Block.Preformatted p && p.text().equals(provenance)));
    assertTrue(provenance.startsWith("# SYNTHETIC"));
    // Markdown and HTML carry the same tables
    String md = Markdown.render("sheet", Map.of(), List.of(s));
    assertTrue(md.contains("| number | 1 | 1 | 1 |") && md.contains("| voltage-range | 1 | 1 | 1 |"), md);
    Document html = Jsoup.parse(new io.cyclelake.report.html.HtmlPage("sheet").add(s).render());
    assertEquals(q, htmlTable(html, "datasheet-quarantine"));
    assertEquals(files, htmlTable(html, "datasheet-files"));
    // an unknown dataset names the known ones
    CycleLakeException e = assertThrows(CycleLakeException.class,
        () -> DataSheet.build(lake, new DataSheet.Options("maccor", 2, Map.of())));
    assertTrue(e.getMessage().contains("no dataset 'maccor'") && e.getMessage().contains("[arbin, nasa]"),
        e.getMessage());
  }

  // ---- model cards ----

  @Test
  void everyTableOfAModelCardEqualsTheLake() throws IOException {
    List<ModelCard.Spec> specs = ModelCard.specs(lake, sweepA.sweepId());
    assertEquals(2, specs.size());
    ModelCard.Spec spec = specs.get(1);
    assertEquals("ridge", spec.model());
    assertEquals(CELLS, spec.runIds().size());
    // The card as written: every table of the HTML file is compared with the lake.
    Document s = Jsoup.parse(written.get(1).html().toFile(), "UTF-8");
    String md = Files.readString(written.get(1).markdown());
    String runs = "'" + String.join("','", spec.runIds()) + "'";
    assertEquals(sql("select fold, part, n, mae, rmse, r2, max_error, within_5pct, interval_level, coverage "
        + "from fold_metrics where cell_id = '*' and run_id in (" + runs + ") order by part desc, fold"),
        htmlTable(s, "card-fold-metrics"));
    assertEquals(sql("select cell_id, fold, n, mae, rmse, max_error, interval_level, coverage from fold_metrics "
        + "where cell_id != '*' and part = 'test' and run_id in (" + runs + ") order by cell_id, fold"),
        htmlTable(s, "card-cell-metrics"));
    assertEquals(sql("select cell_id, fold, mae, max_error, coverage from fold_metrics where cell_id != '*' "
        + "and part = 'test' and run_id in (" + runs + ") order by mae desc, cell_id limit 3"),
        htmlTable(s, "card-worst-cells"));
    assertEquals(sql("select feature, kind, avg(importance) as m, stddev_samp(importance), count(*) "
        + "from feature_importance where run_id in (" + runs + ") group by feature, kind order by m desc, feature"),
        htmlTable(s, "card-importance"));
    // fold membership: the test cell and test n of each fold == predictions
    List<List<String>> folds = htmlTable(s, "card-folds");
    assertEquals(CELLS, folds.size());
    for (List<String> f : folds) {
      List<List<String>> p = sql("select concat_ws(',', array_sort(collect_set(cell_id))), count(*) from "
          + "predictions where part = 'test' and run_id = '" + f.get(1) + "'");
      assertEquals(p.get(0), List.of(f.get(7), f.get(8)));
      assertTrue(f.get(0).startsWith("test=" + f.get(7) + ","), f.get(0));
    }
    // training data: label range per part == predictions, temperatures from features_summary
    List<List<String>> dataRows = htmlTable(s, "card-data");
    List<List<String>> expected = sql("select part, count(distinct cell_id), count(distinct cell_id, cycle_index), "
        + "min(actual), max(actual) from predictions where run_id in (" + runs + ") group by part "
        + "order by case part when 'train' then 0 when 'validation' then 1 else 2 end");
    assertEquals(expected, dataRows.stream().map(r -> List.of(r.get(0), r.get(1), r.get(2), r.get(4), r.get(5)))
        .toList());
    assertEquals("4.0, 24.0, 43.0", dataRows.get(0).get(3));
    // files of the cells, with checksums == the manifest
    assertEquals(sql("select path, role, status, sha256 from files where source = 'nasa' order by path"),
        htmlTable(s, "card-files"), "the other reader's file holds none of the card's cells");
    // test predictions by temperature, recomputed from predictions + features_summary
    assertEquals(sql("select f.ambient_temperature_c, count(*), avg(abs(p.predicted - p.actual)) as m, "
        + "max(abs(p.predicted - p.actual)), avg(case when p.actual between p.lower and p.upper then 1D else 0D "
        + "end) from predictions p join features_summary f using (cell_id, cycle_index) where p.part = 'test' and "
        + "p.run_id in (" + runs + ") group by f.ambient_temperature_c order by m desc"),
        htmlTable(s, "card-worst-temperatures"));
    assertTrue(md.contains("jobs/cyclelake sweep --conf " + out.resolve(sweepA.sweepId()).resolve(
        sweepA.sweepId() + ".conf")), md);
    // the Markdown carries the same fold metrics as the HTML
    for (List<String> r : htmlTable(s, "card-fold-metrics")) {
      assertTrue(md.contains("| " + String.join(" | ", r) + " |"), String.join(" | ", r));
    }
    assertTrue(md.contains("alpha"), md);
    // settings quoted from runs.config
    assertTrue(md.contains("(train.soh.reference = initial)"), md);
    assertTrue(htmlTable(s, "card-model").contains(List.of("interval level (sweep.interval-level)", "0.9")));
  }

  @Test
  void cardsAreWrittenPerSpecAndLinkedFromTheIndexFile() throws IOException {
    assertEquals(List.of("s0-ridge", "s1-ridge"), written.stream().map(CardFiles.Written::label).toList());
    for (CardFiles.Written x : written) {
      assertTrue(Files.size(x.markdown()) > 0 && Files.size(x.html()) > 0);
      Document h = Jsoup.parse(x.html().toFile(), "UTF-8");
      assertNotNull(h.getElementById("card-fold-metrics"));
    }
    Path conf = out.resolve(sweepA.sweepId()).resolve(sweepA.sweepId() + ".conf");
    Config stored = com.typesafe.config.ConfigFactory.parseFile(conf.toFile());
    assertEquals("a", stored.getString("cyclelake.sweep.name"));
    assertEquals(0.9, stored.getDouble("cyclelake.sweep.interval-level"));
    // linking the same sweep again replaces its line; another sweep adds one; the hand-written text stays
    CardFiles.link(results, sweepA.sweepId(), out.resolve(sweepA.sweepId()).resolve("index.md"), written);
    CardFiles.link(results, "other-sweep", out.resolve("other-sweep/index.md"), List.of());
    String idx = Files.readString(results);
    assertTrue(idx.startsWith("# Results\n\nHand-written text stays.\n"), idx);
    assertEquals(1, count(idx, "- sweep `" + sweepA.sweepId() + "`"), idx);
    assertEquals(1, count(idx, "- sweep `other-sweep`"), idx);
    assertTrue(idx.contains("](../cards/" + sweepA.sweepId() + "/s0-ridge.md)"), idx);
    String sweepIndex = Files.readString(out.resolve(sweepA.sweepId()).resolve("index.md"));
    Row mean = lake.spark().sql("select avg(mae) from delta.`" + lake.path(Tables.FOLD_METRICS) + "` where run_id "
        + "like '" + sweepA.sweepId() + "-s0-%' and part = 'test' and cell_id = '*'").first();
    assertTrue(sweepIndex.contains("| " + Html.format(mean.get(0)) + " |"), sweepIndex);
  }

  // ---- model card of a train run ----

  @Test
  void everyNumberOfATrainRunsCardEqualsTheLake() throws IOException {
    String id = train.runId();
    Document s = Jsoup.parse(trainCard.html().toFile(), "UTF-8");
    String md = Files.readString(trainCard.markdown());
    assertEquals(out.resolve("run-" + id + ".md").toAbsolutePath().normalize(), trainCard.markdown());
    // metrics per part: the runs rows, with the largest error of the part's predictions; no intervals recorded
    List<List<String>> parts = sql("select r.split, r.part, r.n, r.mae, r.rmse, r.r2, p.mx, r.within_5pct, null, "
        + "null from runs r join (select part, max(abs(predicted - actual)) as mx from predictions where run_id = '"
        + id + "' group by part) p using (part) where r.run_id = '" + id + "' order by r.part desc");
    assertEquals(3, parts.size(), "train, validation and test parts");
    assertEquals(parts, htmlTable(s, "card-fold-metrics"));
    // per test cell, counted from predictions
    String perCell = "select cell_id, 'chronological', count(*), avg(abs(predicted - actual)) as m, "
        + "sqrt(avg(pow(predicted - actual, 2))), max(abs(predicted - actual)), null, null from predictions "
        + "where run_id = '" + id + "' and part = 'test' group by cell_id";
    assertEquals(sql(perCell + " order by cell_id"), htmlTable(s, "card-cell-metrics"));
    assertEquals(CELLS, htmlTable(s, "card-cell-metrics").size(), "the chronological split tests every cell");
    assertEquals(sql("select cell_id, 'chronological', avg(abs(predicted - actual)) as m, max(abs(predicted - "
        + "actual)), null from predictions where run_id = '" + id + "' and part = 'test' group by cell_id "
        + "order by m desc, cell_id limit 3"), htmlTable(s, "card-worst-cells"));
    // the one "fold": cells and rows per part == predictions
    List<List<String>> folds = htmlTable(s, "card-folds");
    assertEquals(1, folds.size());
    List<String> membership = new ArrayList<>(List.of("chronological", id, "ok"));
    for (String part : List.of("train", "validation", "test")) {
      membership.addAll(sql("select concat_ws(',', array_sort(collect_set(cell_id))), count(*) from predictions "
          + "where run_id = '" + id + "' and part = '" + part + "'").get(0));
    }
    membership.add("");
    assertEquals(membership, folds.get(0));
    // training data per part: cells, discharges, label range == predictions; temperatures from features_summary
    List<List<String>> dataRows = htmlTable(s, "card-data");
    assertEquals(sql("select part, count(distinct cell_id), count(distinct cell_id, cycle_index), min(actual), "
        + "max(actual) from predictions where run_id = '" + id + "' group by part "
        + "order by case part when 'train' then 0 when 'validation' then 1 else 2 end"),
        dataRows.stream().map(r -> List.of(r.get(0), r.get(1), r.get(2), r.get(4), r.get(5))).toList());
    assertEquals(sql("select concat_ws(', ', transform(array_sort(collect_set(f.ambient_temperature_c)), "
        + "x -> cast(x as string))) "
        + "from predictions p join features_summary f using (cell_id, cycle_index) where p.run_id = '" + id
        + "' and p.part = 'train'").get(0).get(0), dataRows.get(0).get(3));
    assertEquals(sql("select path, role, status, sha256 from files where source = 'nasa' order by path"),
        htmlTable(s, "card-files"));
    // table versions: the features_summary version the run read (runs.features_version)
    String version = sql("select first(features_version), first(feature_config_hash_used) from runs where run_id = '"
        + id + "'").get(0).get(0);
    assertTrue(md.contains("features_summary version " + version + ", feature_config_hash "), md);
    // test predictions by temperature; coverage empty: a train run records no intervals
    assertEquals(sql("select f.ambient_temperature_c, count(*), avg(abs(p.predicted - p.actual)) as m, "
        + "max(abs(p.predicted - p.actual)), avg(case when p.lower is null then null when p.actual between p.lower "
        + "and p.upper then 1D else 0D end) from predictions p join features_summary f using (cell_id, cycle_index) "
        + "where p.part = 'test' and p.run_id = '" + id + "' group by f.ambient_temperature_c order by m desc"),
        htmlTable(s, "card-worst-temperatures"));
    assertEquals(sql("select cell_id, cycle_index, actual, predicted, abs(predicted - actual) as e, run_id from "
        + "predictions where run_id = '" + id + "' and part = 'test' order by e desc, cell_id, cycle_index limit 5"),
        htmlTable(s, "card-worst-predictions"));
    // model, hyperparameters and seed quoted from runs.config; no importance, no intervals, and the card says so
    List<List<String>> model = htmlTable(s, "card-model");
    assertTrue(model.contains(List.of("model", "xgboost")), model.toString());
    assertTrue(model.contains(List.of("seed (train.seed)", config.getString("cyclelake.train.seed"))),
        model.toString());
    assertTrue(model.get(1).get(0).equals("hyperparameters (model.xgboost)")
        && model.get(1).get(1).contains("\"max-depth\""), model.toString());
    assertTrue(model.contains(List.of("features", String.join(",", TRAIN_FEATURES))), model.toString());
    assertTrue(model.contains(List.of("preprocessing", "none: the model takes the raw features (missing = NaN)")),
        model.toString());
    assertTrue(model.contains(List.of("interval level", "none: the run records no intervals")), model.toString());
    assertTrue(md.contains("feature_importance has no rows for these runs"), md);
    assertTrue(md.contains("The run records no prediction intervals"), md);
    // out-of-scope temperatures: the range seen in training
    List<String> range = sql("select min(f.ambient_temperature_c), max(f.ambient_temperature_c) from predictions p "
        + "join features_summary f using (cell_id, cycle_index) where p.run_id = '" + id + "' and p.part = 'train'")
        .get(0);
    assertTrue(md.contains("ambient temperatures outside " + range.get(0) + " – " + range.get(1) + " °C"), md);
    // the command that reruns it, with the stored configuration beside the card
    Path conf = out.resolve("run-" + id + ".conf").toAbsolutePath().normalize();
    assertTrue(md.contains("jobs/cyclelake train --conf " + conf + " --task soh --model xgboost --split "
        + "chronological --cells S0001,S0002,S0003"), md);
    Config stored = com.typesafe.config.ConfigFactory.parseFile(conf.toFile());
    assertEquals(config.getLong("cyclelake.train.seed"), stored.getLong("cyclelake.train.seed"));
    // Markdown and HTML: the same tables
    for (Element t : s.select("table[id]")) assertRowsInMarkdown(md, t.id(), htmlTable(s, t.id()));
    // a run of a sweep has its spec's card, written by `cards --sweep`
    String sweepRun = sweepA.sweepId() + "-s1-f0";
    assertEquals("model-card-s1-ridge", ModelCard.forRun(lake, sweepRun, null).id());
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> CardFiles.writeRun(lake, sweepRun, out));
    assertTrue(e.getMessage().contains("cyclelake cards --sweep " + sweepA.sweepId()), e.getMessage());
  }

  @Test
  void theRunReportCarriesTheTrainRunsCard() throws IOException {
    Document report = Jsoup.parse(io.cyclelake.report.RunReport.build(lake, train.runId()).render());
    Element section = report.getElementById("model-card-run");
    assertNotNull(section, "the run report has a model card section");
    assertTrue(section.selectFirst("h2").text().startsWith("Model card"), section.selectFirst("h2").text());
    Document card = Jsoup.parse(trainCard.html().toFile(), "UTF-8");
    String md = Files.readString(trainCard.markdown());
    List<String> ids = card.select("table[id]").stream().map(Element::id).toList();
    assertEquals(ids, section.select("table[id]").stream().map(Element::id).toList());
    assertTrue(ids.containsAll(List.of("card-model", "card-folds", "card-data", "card-files", "card-fold-metrics",
        "card-cell-metrics", "card-worst-cells", "card-worst-temperatures", "card-worst-predictions")), ids.toString());
    for (String t : ids) {
      List<List<String>> rows = htmlTable(report, t);
      assertEquals(htmlTable(card, t), rows, t);
      assertRowsInMarkdown(md, t, rows);
    }
  }

  // ---- compare ----

  @Test
  void compareGivesPerFoldDifferencesAndTheWilcoxonTest() {
    List<Comparison.Result> same = Comparison.compare(lake, sweepA.sweepId(), sweepA.sweepId(), "mae", "test",
        0.05);
    assertEquals(2, same.size(), "a sweep shares both its specs with itself");
    for (Comparison.Result x : same) {
      assertEquals(CELLS, x.folds().size());
      assertTrue(x.verdict().startsWith("identical"), x.verdict());
    }

    Comparison.Result r = Comparison.compare(lake, sweepA.sweepId() + "/s0", sweepA.sweepId() + "/s1", "mae",
        "test", 0.05).get(0);
    List<Row> fm = lake.spark().sql("select fold, run_id, mae from delta.`" + lake.path(Tables.FOLD_METRICS)
        + "` where sweep_id = '" + sweepA.sweepId() + "' and part = 'test' and cell_id = '*' order by fold, run_id")
        .collectAsList();
    double[] d = new double[CELLS];
    for (int i = 0; i < CELLS; i++) {
      Comparison.FoldDiff f = r.folds().get(i);
      Row a = fm.get(2 * i);
      Row b = fm.get(2 * i + 1);
      assertEquals(a.getString(0), f.fold());
      assertTrue(a.getString(1).contains("-s0-") && b.getString(1).contains("-s1-"));
      assertEquals(a.getDouble(2), f.a(), 0);
      assertEquals(b.getDouble(2), f.b(), 0);
      d[i] = b.getDouble(2) - a.getDouble(2);
    }
    Wilcoxon.Result t = Wilcoxon.test(d);
    assertEquals(t.p(), r.test().p(), 0);
    assertEquals(0.25, r.test().minP(), 1e-12, "3 pairs: 2 of 8 sign patterns are as extreme as all-same-sign");
    assertTrue(r.verdict().startsWith("within noise") && r.verdict().contains("more folds are needed"),
        r.verdict());
    assertThrows(CycleLakeException.class, () -> Comparison.compare(lake, sweepA.sweepId(), sweepA.sweepId()
        + "/s0", "mae", "test", 0.05));
    assertThrows(CycleLakeException.class, () -> Comparison.compare(lake, sweepA.sweepId(), sweepA.sweepId(),
        "accuracy", "test", 0.05));
  }

  // ---- helpers ----

  /** Rows of a Spark SQL query over the lake's tables, formatted as the cards format cells. */
  static List<List<String>> sql(String query) {
    List<List<String>> out = new ArrayList<>();
    for (Row r : lake.spark().sql(query).collectAsList()) {
      List<String> v = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) v.add(Html.format(r.get(i)));
      out.add(v);
    }
    return out;
  }

  static List<List<String>> table(Section s, String id) {
    for (Block b : s.blocks()) {
      if (b instanceof Block.Table t && t.id().equals(id)) {
        return t.rows().stream().map(r -> r.stream().map(Html::format).toList()).toList();
      }
    }
    throw new AssertionError("no table " + id + " in section " + s.id());
  }

  static List<String> paragraphs(Section s) {
    return s.blocks().stream().filter(b -> b instanceof Block.Paragraph).map(b -> ((Block.Paragraph) b).text())
        .toList();
  }

  static List<List<String>> htmlTable(Document d, String id) {
    Element t = d.getElementById(id);
    assertNotNull(t, id);
    List<List<String>> out = new ArrayList<>();
    for (Element tr : t.select("tbody tr")) out.add(tr.select("td").stream().map(Element::text).toList());
    return out;
  }

  /** Each row of table {@code id} is a row of a Markdown table in {@code md}. */
  static void assertRowsInMarkdown(String md, String id, List<List<String>> rows) {
    assertTrue(!rows.isEmpty() || id.equals("card-importance"), "table " + id + " has rows");
    for (List<String> r : rows) {
      String row = "| " + String.join(" | ", r.stream().map(Markdown::cell).toList()) + " |";
      assertTrue(md.contains(row), id + ": " + row);
    }
  }

  static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) n++;
    return n;
  }
}
