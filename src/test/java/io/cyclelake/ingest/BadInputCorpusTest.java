package io.cyclelake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.telemetry.TelemetryReader;
import io.cyclelake.ingest.telemetry.TelemetryReaders;
import io.cyclelake.ingest.telemetry.TelemetrySample;
import io.cyclelake.ingest.telemetry.TelemetrySink;
import io.cyclelake.ingest.xlsx.Workbooks;
import io.cyclelake.testkit.CollectingSink;
import io.cyclelake.testkit.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Struct;

/**
 * The bad-input corpus across all readers (issue 12): one generated input per kind of defect, each with its exact
 * outcome, run the way {@link IngestJob} runs a reader (plan, then each file parsed through the {@link Validator} with
 * the default rules; a file whose parse throws is a failed file) but without Spark, so the whole corpus takes a
 * second or two. Outcomes are one of: quarantine rows with their rule, line and column; a failed file whose error
 * names the file and line (the other files of the input are still ingested); or an ingest that fails before anything
 * is written, naming the file. For every file read, the data lines equal samples + impedance points + quarantined
 * rows, line by line. The kinds and outcomes are listed in docs/reliability.md; the cases that need the Delta tables
 * (a file changing while read, links out of the input, the manifest's counts) are in {@code IngestReliabilityTest}.
 */
class BadInputCorpusTest {
  @TempDir Path dir;

  static Stream<Arguments> corpus() {
    return Stream.of(
        of("gzip-truncated", "nasa", BadInputCorpusTest::gzipTruncated),
        of("gzip-corrupt-crc", "battery-archive", BadInputCorpusTest::gzipCorruptCrc),
        of("gzip-not-gzip", "inverter", BadInputCorpusTest::gzipNotGzip),
        of("gzip-truncated-telemetry", "inverter", BadInputCorpusTest::gzipTruncatedTelemetry),
        of("mat-truncated", "nasa-mat", BadInputCorpusTest::matTruncated),
        of("xlsx-truncated", "arbin", BadInputCorpusTest::xlsxTruncated),
        of("xlsx-broken-xml", "arbin", BadInputCorpusTest::xlsxBrokenXml),
        of("empty-file", "bdf", BadInputCorpusTest::emptyFile),
        of("parquet-truncated", "bdf", BadInputCorpusTest::parquetTruncated),
        of("parquet-corrupt-row-group", "bdf", BadInputCorpusTest::parquetCorruptRowGroup),
        of("empty-gzip", "arbin", BadInputCorpusTest::emptyGzip),
        of("header-only", "arbin", BadInputCorpusTest::headerOnly),
        of("bom", "battery-archive", BadInputCorpusTest::bom),
        of("sep-line", "mapped", BadInputCorpusTest::sepLine),
        of("wrong-delimiter", "arbin", BadInputCorpusTest::wrongDelimiter),
        of("decimal-comma", "battery-archive", BadInputCorpusTest::decimalComma),
        of("decimal-mark-mismatch", "inverter", BadInputCorpusTest::decimalMarkMismatch),
        of("unit-in-value", "arbin", BadInputCorpusTest::unitInValue),
        of("text-in-numeric", "bdf", BadInputCorpusTest::textInNumeric),
        of("nan-and-inf", "battery-archive", BadInputCorpusTest::nanAndInf),
        of("time-out-of-order", "nasa", BadInputCorpusTest::timeOutOfOrder),
        of("time-duplicated", "nasa", BadInputCorpusTest::timeDuplicated),
        of("time-gap", "nasa", BadInputCorpusTest::timeGap),
        of("time-backwards-across-sessions", "arbin", BadInputCorpusTest::timeBackwardsAcrossSessions),
        of("time-backwards-within-file", "arbin", BadInputCorpusTest::timeBackwardsWithinFile),
        of("current-sign-flipped", "battery-archive", BadInputCorpusTest::currentSignFlipped),
        of("cycle-with-one-sample", "battery-archive", BadInputCorpusTest::cycleWithOneSample),
        of("cell-mixed-into-another-cells-file", "nasa", BadInputCorpusTest::cellMixedIn),
        of("unknown-columns", "bdf", BadInputCorpusTest::unknownColumns),
        of("missing-column", "battery-archive", BadInputCorpusTest::missingColumn),
        of("column-named-twice", "bdf", BadInputCorpusTest::columnNamedTwice),
        of("absurd-magnitude", "battery-archive", BadInputCorpusTest::absurdMagnitude),
        of("enormous-line", "nasa", BadInputCorpusTest::enormousLine),
        of("non-utf8-bytes", "battery-archive", BadInputCorpusTest::nonUtf8),
        of("field-count", "mapped", BadInputCorpusTest::fieldCount),
        of("unknown-unit-in-value", "inverter", BadInputCorpusTest::unknownUnitInValue),
        of("symlink-out-of-input", "nasa", BadInputCorpusTest::symlinkOutOfInput),
        of("symlink-same-file-twice", "bdf", BadInputCorpusTest::symlinkSameFileTwice),
        of("path-traversal-in-listing", "nasa", BadInputCorpusTest::pathTraversalInListing));
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("corpus")
  void corpusKind(String kind, String reader, ThrowingConsumer<Path> body) throws Throwable {
    body.accept(dir);
  }

  private static Arguments of(String kind, String reader, ThrowingConsumer<Path> body) {
    return Arguments.of(kind, reader, body);
  }

  // ================================================================ cases: gzip, mat, xlsx

  /** A .gz cut inside line 4: lines 2-3 are samples, line 4 is quarantined `truncated`, the file fails at line 4. */
  static void gzipTruncated(Path dir) throws IOException {
    Path in = nasaInput(dir);
    String kept = NASA_DISCHARGE + "\n" + nasaRow(0) + "\n" + nasaRow(10) + "\n" + "11,4.0";
    Path f = write(in.resolve("timeseries/discharge/B0005_discharge.csv.gz"),
        truncatedGzip(kept, "5,-2.01,24.5,1.99,3.04,20\n" + nasaRow(30) + "\n"));
    Run r = Run.ingest("nasa", in);
    r.assertFailed(f, 4, "Unexpected end of ZLIB input stream");
    r.assertLines(f, 2, 3, 4);
    r.assertQ(r.rejected(f).get(0), "truncated", 4, null, null, "the file ends in the middle of this line");
    assertEquals(2, r.samples(f).size());
  }

  /** A .gz whose CRC is wrong: every line is delivered first, then the file fails after its last line. */
  static void gzipCorruptCrc(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    byte[] b = gzip(ba(BA_HEADER, baCycle(1, 0)));
    b[b.length - 8] ^= 0x55;
    Path f = write(in.resolve("C1_timeseries.csv.gz"), b);
    Run r = Run.ingest("battery-archive", in, "ingest.battery-archive.files=\"*_timeseries.csv.gz\"");
    r.assertFailed(f, 10, "Corrupt GZIP trailer");
    r.assertLines(f, range(2, 9));
    assertEquals(8, r.samples(f).size());
  }

  /** A plain-text file named .gz fails at line 1 with the gzip error; the device's other file is read. */
  static void gzipNotGzip(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path good = write(in.resolve("INV1_a.csv"), inv(INV_HEADER, invRow(0, "650.0", "45.0"), invRow(1, "651.0", "45.5")));
    Path f = write(in.resolve("INV1_b.csv.gz"), inv(INV_HEADER, invRow(2, "650.0", "45.0")));
    Telemetry t = Telemetry.ingest(in);
    t.assertFailed(f, 1, "Not in GZIP format");
    assertEquals(2, t.samples(good));
    assertEquals(0, t.samples(f) + t.rejected(f).size());
  }

  /**
   * A telemetry .gz cut inside line 3. Before this corpus the inverter reader quarantined the cut line and stopped
   * there, so the file was recorded `ok`: now it fails at line 3, after line 2's sample.
   */
  static void gzipTruncatedTelemetry(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    String kept = INV_HEADER + "\n" + invRow(0, "650.0", "45.0") + "\n" + "2026-07-01 10:00:01,65";
    Path f = write(in.resolve("INV1_a.csv.gz"), truncatedGzip(kept, "1.0,45.5\n" + invRow(2, "650.0", "45.0") + "\n"));
    Telemetry t = Telemetry.ingest(in);
    t.assertFailed(f, 3, "Unexpected end of ZLIB input stream");
    assertEquals(1, t.samples(f));
    assertEquals(List.of("truncated"), t.rejected(f).stream().map(QuarantineRecord::rule).toList());
    assertEquals(3, t.rejected(f).get(0).sourceLine());
  }

  /** A .mat cut in half: the ingest stops before anything is written, naming the file. */
  static void matTruncated(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path whole = writeMat(dir.resolve("whole.mat"), "B0098", 2000);
    byte[] all = Files.readAllBytes(whole);
    Path f = write(in.resolve("B0098.mat"), Arrays.copyOf(all, all.length / 2));
    Run r = Run.ingest("nasa-mat", in);
    r.assertPlanFailed(f, 0, "cannot be read as a MAT v5 file; it is truncated or corrupt");
  }

  /** A workbook cut in half is not a zip any more: that session fails, naming the file; the cell's CSV session is read. */
  static void xlsxTruncated(Path dir) throws IOException {
    Path cell = Files.createDirectories(dir.resolve("in/CELLA"));
    Path good = write(cell.resolve("s1.channel.csv"), arbin(ARBIN_HEADER, arbinSession(40000.0, 0, 2)));
    byte[] wb = Files.readAllBytes(Workbooks.write(dir.resolve("whole.xlsx"),
        Map.of("Channel_1-008", sheet(ARBIN_HEADER, arbinSession(40001.0, 0, 1)))));
    Path f = write(cell.resolve("s2.xlsx"), Arrays.copyOf(wb, wb.length / 2));
    Run r = Run.ingest("arbin", dir.resolve("in"));
    r.assertFailed(f, 0, "not an .xlsx workbook (not a zip archive");
    r.assertLines(good, range(2, 13));
    assertEquals(12, r.samples(good).size());
  }

  /** Broken XML in the sheet after row 3: rows 2-3 are read, the file fails at row 4. */
  static void xlsxBrokenXml(Path dir) throws IOException {
    Path cell = Files.createDirectories(dir.resolve("in/CELLA"));
    List<String> rows = arbinSession(40000.0, 0, 1);
    Path whole = Workbooks.write(dir.resolve("whole.xlsx"), Map.of("Channel_1-008", sheet(ARBIN_HEADER, rows)));
    Path f = cell.resolve("s1.xlsx");
    rewriteZipEntry(whole, f, "xl/worksheets/sheet1.xml", x -> x.replace("<row r=\"4\">", "<row r=\"4\"><c><oops>"));
    Run r = Run.ingest("arbin", dir.resolve("in"));
    r.assertFailed(f, 4, "broken worksheet XML after row 3");
    r.assertLines(f, 2, 3);
  }

  // ================================================================ cases: empty, header only, BOM, sep=, delimiters

  /** A 0-byte BDF file fails at line 1; the other file of the input is ingested. */
  static void emptyFile(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path good = write(in.resolve("C1.bdf.csv"), ba(BDF_HEADER, bdfCycle(0)));
    Path f = write(in.resolve("C2.bdf.csv"), new byte[0]);
    Run r = Run.ingest("bdf", in);
    r.assertFailed(f, 1, "the file ends before its header line 1");
    assertEquals(8, r.samples(good).size());
    r.assertLines(f);
  }

  /** A .bdf.parquet cut in half (no footer): the file fails at line 1, naming it; the other cell's file is read. */
  static void parquetTruncated(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path good = bdfParquet(in.resolve("C1.bdf.parquet"), bdfCycle(0));
    byte[] whole = Files.readAllBytes(bdfParquet(dir.resolve("whole.bdf.parquet"), bdfCycle(0)));
    Path f = write(in.resolve("C2.bdf.parquet"), Arrays.copyOf(whole, whole.length / 2));
    Run r = Run.ingest("bdf", in);
    r.assertFailed(f, 1, "the file cannot be read as Parquet", "truncated or corrupt");
    r.assertLines(f);
    r.assertOk(good);
    r.assertLines(good, range(2, 9));
    assertEquals(8, r.samples(good).size());
  }

  /**
   * A .bdf.parquet of one row per row group whose fifth row group's page header is zeroed: rows 1-4 (lines 2-5) are
   * samples, the file fails at line 6 (row 5), naming the row.
   */
  static void parquetCorruptRowGroup(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path f = bdfParquet(in.resolve("C1.bdf.parquet"), bdfCycle(0));
    long at;
    try (var footer = org.apache.parquet.hadoop.ParquetFileReader.open(
        new io.cyclelake.ingest.parquet.LocalParquetFile(f))) {
      assertEquals(8, footer.getRowGroups().size(), "one row per row group");
      at = footer.getRowGroups().get(4).getStartingPos();
    }
    try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[8]), at);
    }
    Run r = Run.ingest("bdf", in);
    r.assertFailed(f, 6, "the file cannot be read from this line on", "in row 5 of " + f);
    r.assertLines(f, range(2, 5));
    assertEquals(4, r.samples(f).size());
  }

  /** BDF rows ({@link #bdfCycle} CSV lines) as a Parquet file of DOUBLE columns, one row per row group. */
  static Path bdfParquet(Path f, List<String> rows) throws IOException {
    List<String> labels = List.of(BDF_HEADER.split(","));
    var schema = org.apache.parquet.schema.Types.buildMessage();
    for (String l : labels) {
      schema.optional(org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE).named(l);
    }
    var type = schema.named("bdf");
    var groups = new org.apache.parquet.example.data.simple.SimpleGroupFactory(type);
    try (var w = org.apache.parquet.hadoop.example.ExampleParquetWriter
        .builder(new io.cyclelake.ingest.parquet.LocalParquetFile(f)).withType(type).withRowGroupSize(1)
        .withMinRowCountForPageSizeCheck(1).withMaxRowCountForPageSizeCheck(1).build()) {
      for (String row : rows) {
        var g = groups.newGroup();
        String[] x = row.split(",");
        for (int i = 0; i < x.length; i++) g.add(i, Double.parseDouble(x[i]));
        w.write(g);
      }
    }
    return f;
  }

  /** A 0-byte .csv.gz session: the file fails at line 1 saying it is empty; the cell's other session is read. */
  static void emptyGzip(Path dir) throws IOException {
    Path cell = Files.createDirectories(dir.resolve("in/CELLA"));
    Path good = write(cell.resolve("s1.channel.csv"), arbin(ARBIN_HEADER, arbinSession(40000.0, 0, 1)));
    Path f = write(cell.resolve("s2.channel.csv.gz"), new byte[0]);
    Run r = Run.ingest("arbin", dir.resolve("in"));
    r.assertFailed(f, 1, "the file is empty (0 bytes)");
    assertEquals(6, r.samples(good).size());
  }

  /** A session with a header and no rows is a file without samples (ok, 0 rows); the other session is read. */
  static void headerOnly(Path dir) throws IOException {
    Path cell = Files.createDirectories(dir.resolve("in/CELLA"));
    Path good = write(cell.resolve("s1.channel.csv"), arbin(ARBIN_HEADER, arbinSession(40000.0, 0, 1)));
    Path f = write(cell.resolve("s2.channel.csv"), arbin(ARBIN_HEADER, List.of()));
    Run r = Run.ingest("arbin", dir.resolve("in"));
    r.assertOk(f);
    r.assertLines(f);
    assertEquals(6, r.samples(good).size());
  }

  /** A UTF-8 byte-order mark before the header is dropped: every row is a sample. */
  static void bom(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path f = write(in.resolve("C1_timeseries.csv"), "\uFEFF" + ba(BA_HEADER, baCycle(1, 0)));
    Run r = Run.ingest("battery-archive", in);
    r.assertOk(f);
    r.assertLines(f, range(2, 9));
    assertEquals(8, r.samples(f).size());
    assertEquals(List.of(), r.rejected(f));
  }

  /** Excel's "sep=;" first line is skipped; line numbers stay the file's (the header is line 2). */
  static void sepLine(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path f = write(in.resolve("C1_run.csv"), "sep=;\n" + mappedText(List.of("0;3500;1000", "10;3600;1000", "20;x;1000")));
    Run r = Run.ingest("mapped", in, mapping(dir));
    r.assertOk(f);
    r.assertLines(f, 3, 4, 5);
    assertEquals(3.5, r.samples(f).get(0).voltageV(), 1e-12);
    assertEquals(1.0, r.samples(f).get(0).currentA(), 1e-12);
    r.assertQ(r.rejected(f).get(0), "number", 5, 2, "U", "'x' is not a number");
  }

  /** A semicolon-separated Arbin export fails at its header line, saying so; the cell's other session is read. */
  static void wrongDelimiter(Path dir) throws IOException {
    Path cell = Files.createDirectories(dir.resolve("in/CELLA"));
    write(cell.resolve("s1.channel.csv"), arbin(ARBIN_HEADER, arbinSession(40000.0, 0, 1)));
    List<String> semi = arbinSession(40001.0, 0, 1).stream().map(l -> l.replace(',', ';')).toList();
    Path f = write(cell.resolve("s2.channel.csv"), arbin(ARBIN_HEADER.replace(',', ';'), semi));
    Run r = Run.ingest("arbin", dir.resolve("in"));
    r.assertFailed(f, 1, "the header is not comma-separated", "';'");
  }

  /** Decimal commas in a comma-separated file: unquoted they split the row (field-count), quoted they are no number. */
  static void decimalComma(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    List<String> rows = new ArrayList<>(baCycle(1, 0));
    rows.set(1, "10,1,1.0,3,6,0.01,0");
    rows.set(2, "20,1,1.0,\"3,7\",0.02,0");
    Path f = write(in.resolve("C1_timeseries.csv"), ba(BA_HEADER, rows));
    Run r = Run.ingest("battery-archive", in);
    r.assertLines(f, range(2, 9));
    r.assertQ(r.rejected(f).get(0), "field-count", 3, null, null, "expected 6 fields as in the header");
    r.assertQ(r.rejected(f).get(1), "number", 4, 4, "Voltage (V)", "'3,7' is not a number");
    assertEquals(6, r.samples(f).size());
  }

  /** A ';' logger file has decimal commas: a value with a decimal point is quarantined `number`, naming the mark. */
  static void decimalMarkMismatch(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path f = write(in.resolve("INV1_a.csv"), "Timestamp;DC Bus Voltage [V];IGBT Temp [°C]\n"
        + "2026-07-01 10:00:00;650,5;45,0\n" + "2026-07-01 10:00:01;650.5;45,0\n");
    Telemetry t = Telemetry.ingest(in);
    t.assertOk(f);
    assertEquals(1, t.samples(f));
    QuarantineRecord q = t.rejected(f).get(0);
    assertRecord(q, "inverter", "number", 3, 2, "DC Bus Voltage", "has the decimal mark '.'; this file's is ','");
  }

  // ================================================================ cases: values

  /** Units glued to values are text, not numbers (rule `number`, with the column). */
  static void unitInValue(Path dir) throws IOException {
    Path cell = Files.createDirectories(dir.resolve("in/CELLA"));
    List<String> rows = new ArrayList<>(arbinSession(40000.0, 0, 1));
    rows.set(1, rows.get(1).replace(",3.6,", ",3.6V,"));
    rows.set(2, rows.get(2).replace(",1.0,3.6,", ",1.0A,3.6,"));
    Path f = write(cell.resolve("s1.channel.csv"), arbin(ARBIN_HEADER, rows));
    Run r = Run.ingest("arbin", dir.resolve("in"));
    r.assertOk(f);
    r.assertLines(f, range(2, 7));
    r.assertQ(r.rejected(f).get(0), "number", 3, 8, "Voltage(V)", "'3.6V' is not a number");
    r.assertQ(r.rejected(f).get(1), "number", 4, 7, "Current(A)", "'1.0A' is not a number");
  }

  /** Text in a numeric column: rule `number` with the column as the file names it. */
  static void textInNumeric(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    List<String> rows = new ArrayList<>(bdfCycle(0));
    rows.set(3, "30,abc,1.0");
    rows.set(4, "40,3.9,--");
    Path f = write(in.resolve("C1.bdf.csv"), ba(BDF_HEADER, rows));
    Run r = Run.ingest("bdf", in);
    r.assertLines(f, range(2, 9));
    r.assertQ(r.rejected(f).get(0), "number", 5, 2, "Voltage / V", "'abc' is not a number");
    r.assertQ(r.rejected(f).get(1), "number", 6, 3, "Current / A", "'--' is not a number");
  }

  /** NaN in a required column is a missing value (`required`); inf and 1e999 break `finite`. */
  static void nanAndInf(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    List<String> rows = new ArrayList<>(baCycle(1, 0));
    rows.set(1, "10,1,1.0,NaN,0.01,0");
    rows.set(2, "20,1,inf,3.7,0.02,0");
    rows.set(3, "30,1,1.0,1e999,0.03,0");
    Path f = write(in.resolve("C1_timeseries.csv"), ba(BA_HEADER, rows));
    Run r = Run.ingest("battery-archive", in);
    r.assertLines(f, range(2, 9));
    r.assertQ(r.rejected(f).get(0), "required", 3, 4, "Voltage (V)", "the voltage field is empty");
    r.assertQ(r.rejected(f).get(1), "finite", 4, 3, "Current (A)", "'inf' is not a finite number");
    r.assertQ(r.rejected(f).get(2), "finite", 5, 4, "Voltage (V)", "'1e999' is not a finite number");
  }

  /** A sample earlier than its operation's previous one breaks `time-monotonic` (Validator, any reader). */
  static void timeOutOfOrder(Path dir) throws IOException {
    Path in = nasaInput(dir);
    Path f = write(in.resolve("timeseries/discharge/B0005_discharge.csv.gz"),
        gzip(NASA_DISCHARGE + "\n" + nasaRow(0) + "\n" + nasaRow(10) + "\n" + nasaRow(5) + "\n" + nasaRow(20) + "\n"));
    Run r = Run.ingest("nasa", in);
    r.assertOk(f);
    r.assertLines(f, 2, 3, 4, 5);
    QuarantineRecord q = r.rejected(f).get(0);
    r.assertQ(q, "time-monotonic", 4, null, "time_s", "time_s 5.0 is earlier than 10.0");
    assertEquals("B0005", q.cellId());
    assertEquals(1, q.cycleIndex());
  }

  /** A repeated time stamp is kept by default (duplicate-time off) and quarantined when the rule is on. */
  static void timeDuplicated(Path dir) throws IOException {
    Path in = nasaInput(dir);
    Path f = write(in.resolve("timeseries/discharge/B0005_discharge.csv.gz"),
        gzip(NASA_DISCHARGE + "\n" + nasaRow(0) + "\n" + nasaRow(10) + "\n" + nasaRow(10) + "\n"));
    Run byDefault = Run.ingest("nasa", in);
    assertEquals(3, byDefault.samples(f).size());
    Run strict = Run.ingest("nasa", in, "validation.duplicate-time=true");
    strict.assertLines(f, 2, 3, 4);
    strict.assertQ(strict.rejected(f).get(0), "duplicate-time", 4, null, "time_s",
        "time_s 10.0 repeats the operation's previous sample's");
  }

  /**
   * A jump in time within an operation is kept by default (max-gap-s = 0); with a limit, the sample after the gap is
   * quarantined as `max-gap` and the samples after it are accepted.
   */
  static void timeGap(Path dir) throws IOException {
    Path in = nasaInput(dir);
    Path f = write(in.resolve("timeseries/discharge/B0005_discharge.csv.gz"), gzip(NASA_DISCHARGE + "\n" + nasaRow(0)
        + "\n" + nasaRow(10) + "\n" + nasaRow(7210) + "\n" + nasaRow(7220) + "\n" + nasaRow(7230) + "\n"));
    Run byDefault = Run.ingest("nasa", in);
    assertEquals(5, byDefault.samples(f).size());
    Run limited = Run.ingest("nasa", in, "validation.max-gap-s=3600");
    limited.assertOk(f);
    limited.assertLines(f, 2, 3, 4, 5, 6);
    limited.assertQ(limited.rejected(f).get(0), "max-gap", 4, null, "time_s",
        "time_s 7210.0 is 7200.0 s after 10.0 of the operation's previous sample, a gap above the maximum 3600.0 s");
    assertEquals(4, limited.samples(f).size());
  }

  /**
   * Two sessions of one cell whose Test_Time both start at 0, the later session sorting first by file name: sessions
   * are ordered by their first Date_Time, cycles numbered on across them, and every row is accepted.
   */
  static void timeBackwardsAcrossSessions(Path dir) throws IOException {
    Path cell = Files.createDirectories(dir.resolve("in/CELLA"));
    Path later = write(cell.resolve("a-later.channel.csv"), arbin(ARBIN_HEADER, arbinSession(40010.0, 0, 1)));
    Path earlier = write(cell.resolve("b-earlier.channel.csv"), arbin(ARBIN_HEADER, arbinSession(40000.0, 0, 1)));
    Run r = Run.ingest("arbin", dir.resolve("in"));
    r.assertOk(later);
    r.assertOk(earlier);
    assertEquals(List.of(0, 1), r.samples(earlier).stream().map(SampleRecord::cycleIndex).distinct().toList());
    assertEquals(List.of(2, 3), r.samples(later).stream().map(SampleRecord::cycleIndex).distinct().toList());
    assertEquals(0, r.sink.rejected.size());
  }

  /** Within one Arbin session Test_Time going back is quarantined by the reader (`time-order`). */
  static void timeBackwardsWithinFile(Path dir) throws IOException {
    Path cell = Files.createDirectories(dir.resolve("in/CELLA"));
    List<String> rows = new ArrayList<>(arbinSession(40000.0, 0, 1));
    String[] f3 = rows.get(2).split(",");
    f3[1] = "1.0"; // Test_Time(s)
    rows.set(2, String.join(",", f3));
    Path f = write(cell.resolve("s1.channel.csv"), arbin(ARBIN_HEADER, rows));
    Run r = Run.ingest("arbin", dir.resolve("in"));
    r.assertLines(f, range(2, 7));
    r.assertQ(r.rejected(f).get(0), "time-order", 4, 2, "Test_Time(s)", "Test_Time(s) 1.0 is earlier than 20.0");
  }

  /**
   * Current positive while the voltage falls (and negative while it rises) in 12 of 12 pairs: the file fails with the
   * evidence (on-sign-mismatch = fail, the default), and none of its rows is ingested under the wrong sign.
   */
  static void currentSignFlipped(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    List<String> rows = new ArrayList<>();
    for (String row : baCycle(1, 0, 7)) {
      String[] x = row.split(",");
      x[2] = Double.toString(-Double.parseDouble(x[2]));
      rows.add(String.join(",", x));
    }
    Path f = write(in.resolve("C1_timeseries.csv"), ba(BA_HEADER, rows));
    Path good = write(in.resolve("C2_timeseries.csv"), ba(BA_HEADER, baCycle(1, 0)));
    Run r = Run.ingest("battery-archive", in);
    r.assertFailed(f, 0, "the current sign contradicts the voltage", "on-sign-mismatch = flip");
    r.assertLines(f);
    assertEquals(8, r.samples(good).size());
  }

  /** A cycle of one row is an operation with one sample (features judge whether it is usable). */
  static void cycleWithOneSample(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    List<String> rows = new ArrayList<>(baCycle(1, 0));
    rows.add("100,2,1.0,3.6,0.01,0");
    rows.addAll(baCycle(3, 200));
    Path f = write(in.resolve("C1_timeseries.csv"), ba(BA_HEADER, rows));
    Run r = Run.ingest("battery-archive", in);
    r.assertOk(f);
    r.assertLines(f, range(2, 18));
    Map<Integer, Long> perOp = new TreeMap<>();
    r.samples(f).forEach(s -> perOp.merge(s.cycleIndex(), 1L, Long::sum));
    assertEquals(Map.of(0, 4L, 1, 4L, 2, 1L, 4, 4L, 5, 4L), perOp);
    assertEquals(5, r.plan.operations().size(), "cycle 2 has a charge only");
  }

  /** A row of B0006 (uid 21) in B0005's file belongs to B0006: metadata.csv decides, not the file name. */
  static void cellMixedIn(Path dir) throws IOException {
    Path in = nasaInput(dir);
    Path f = write(in.resolve("timeseries/discharge/B0005_discharge.csv.gz"),
        gzip(NASA_DISCHARGE + "\n" + nasaRow(0) + "\n" + nasaRow(10).replaceFirst("11", "21") + "\n"
            + nasaRow(10).replaceFirst("11", "99") + "\n"));
    Run r = Run.ingest("nasa", in);
    r.assertLines(f, 2, 3, 4);
    assertEquals(List.of("B0005", "B0006"), r.samples(f).stream().map(SampleRecord::cellId).toList());
    r.assertQ(r.rejected(f).get(0), "unknown-operation", 4, 1, "uid", "uid '99' is not listed in metadata.csv");
  }

  /** Columns nobody mapped are ignored; the mapped ones are found by name wherever they are. */
  static void unknownColumns(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    List<String> rows = bdfCycle(0).stream().map(l -> "x," + l + ",y").toList();
    Path f = write(in.resolve("C1.bdf.csv"), ba("Vendor Column / 1," + BDF_HEADER + ",Comment", rows));
    Run r = Run.ingest("bdf", in);
    r.assertOk(f);
    r.assertLines(f, range(2, 9));
    assertEquals(8, r.samples(f).size());
  }

  /** A required column missing from the header fails the file at line 1, naming the column. */
  static void missingColumn(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path good = write(in.resolve("C2_timeseries.csv"), ba(BA_HEADER, baCycle(1, 0)));
    List<String> rows = baCycle(1, 0).stream().map(l -> {
      List<String> x = new ArrayList<>(List.of(l.split(",")));
      x.remove(3); // Voltage (V)
      return String.join(",", x);
    }).toList();
    String header = "Test_Time (s),Cycle_Index,Current (A),Charge_Capacity (Ah),Discharge_Capacity (Ah)";
    Path f = write(in.resolve("C1_timeseries.csv"), ba(header, rows));
    Run r = Run.ingest("battery-archive", in);
    r.assertFailed(f, 1, "the header has no column 'Voltage (V)'");
    assertEquals("Voltage (V)", r.failures.get(f.toString()).where().orElseThrow().field());
    assertEquals(8, r.samples(good).size());
  }

  /** A column named twice fails at the header, naming both positions. */
  static void columnNamedTwice(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path good = write(in.resolve("C1.bdf.csv"), ba(BDF_HEADER, bdfCycle(0)));
    Path f = write(in.resolve("C2.bdf.csv"), ba(BDF_HEADER + ",Voltage / V", bdfCycle(0).stream()
        .map(l -> l + ",1").toList()));
    Run r = Run.ingest("bdf", in);
    r.assertFailed(f, 1, "the header names 'Voltage / V' twice (columns 2 and 4)");
    assertEquals(8, r.samples(good).size());
  }

  /** mA written as A (2000 "A"), mV as V (3600 "V"): outside the validation ranges, with the limit in the message. */
  static void absurdMagnitude(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    List<String> rows = new ArrayList<>(baCycle(1, 0));
    rows.set(1, "10,1,2000.0,3.6,0.01,0");
    rows.set(2, "20,1,1.0,3700.0,0.02,0");
    Path f = write(in.resolve("C1_timeseries.csv"), ba(BA_HEADER, rows));
    Run r = Run.ingest("battery-archive", in);
    r.assertLines(f, range(2, 9));
    r.assertQ(r.rejected(f).get(0), "current-range", 3, null, "current_a",
        "current_a 2000.0 is above the maximum 1000.0 (cyclelake.validation.current-a.max)");
    r.assertQ(r.rejected(f).get(1), "voltage-range", 4, null, "voltage_v",
        "voltage_v 3700.0 is above the maximum 10.0 (cyclelake.validation.voltage-v.max)");
  }

  /** A 4 MB line (no delimiter in it) is one quarantined row; its raw text is kept to 1000 characters. */
  static void enormousLine(Path dir) throws IOException {
    Path in = nasaInput(dir);
    String huge = "11," + "9".repeat(4 << 20);
    Path f = write(in.resolve("timeseries/discharge/B0005_discharge.csv.gz"),
        gzip(NASA_DISCHARGE + "\n" + nasaRow(0) + "\n" + huge + "\n" + nasaRow(20) + "\n"));
    Run r = Run.ingest("nasa", in);
    r.assertOk(f);
    r.assertLines(f, 2, 3, 4);
    QuarantineRecord q = r.rejected(f).get(0);
    r.assertQ(q, "field-count", 3, null, null, "expected 7 fields as in the header, found 2");
    assertEquals(1000, q.raw().length());
  }

  /** A Latin-1 byte in a value decodes to U+FFFD and fails `number` for that row only. */
  static void nonUtf8(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    List<String> rows = baCycle(1, 0);
    b.writeBytes((BA_HEADER + "\n" + rows.get(0) + "\n").getBytes(StandardCharsets.UTF_8));
    b.writeBytes("10,1,1.0,3.6".getBytes(StandardCharsets.UTF_8));
    b.write(0xB0); // a Latin-1 degree sign
    b.writeBytes((",0.01,0\n" + String.join("\n", rows.subList(2, rows.size())) + "\n").getBytes(StandardCharsets.UTF_8));
    Path f = write(in.resolve("C1_timeseries.csv"), b.toByteArray());
    Run r = Run.ingest("battery-archive", in);
    r.assertLines(f, range(2, 9));
    r.assertQ(r.rejected(f).get(0), "number", 3, 4, "Voltage (V)", "'3.6\uFFFD' is not a number");
  }

  /** Too few or too many fields for the header: `field-count`, the row kept in raw. */
  static void fieldCount(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path f = write(in.resolve("C1_run.csv"), mappedText(List.of("0;3500;1000", "10;3600", "20;3700;1000;7")));
    Run r = Run.ingest("mapped", in, mapping(dir));
    r.assertLines(f, 2, 3, 4);
    r.assertQ(r.rejected(f).get(0), "field-count", 3, null, null, "expected 3 fields as in the header (delimiter ';'), found 2");
    r.assertQ(r.rejected(f).get(1), "field-count", 4, null, null, "found 4");
    assertEquals("20;3700;1000;7", r.rejected(f).get(1).raw());
  }

  /** A value's unit of another quantity, or unknown: rule `unit`. */
  static void unknownUnitInValue(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path f = write(in.resolve("INV1_a.csv"), inv(INV_HEADER, invRow(0, "650.0 V", "45.0 °C"),
        invRow(1, "650.0 A", "45.0"), invRow(2, "650.0", "45.0 furlongs")));
    Telemetry t = Telemetry.ingest(in);
    t.assertOk(f);
    assertEquals(1, t.samples(f));
    assertRecord(t.rejected(f).get(0), "inverter", "unit", 3, 2, "DC Bus Voltage",
        "the unit 'A' of '650.0 A' is a current unit; the column holds a voltage");
    assertRecord(t.rejected(f).get(1), "inverter", "unit", 4, 3, "IGBT Temp", "the unit 'furlongs'");
  }

  // ================================================================ cases: paths

  /** A data file that is a link to a file outside --input: the ingest stops before reading anything, naming it. */
  static void symlinkOutOfInput(Path dir) throws IOException {
    Path in = nasaInput(dir);
    write(in.resolve("timeseries/discharge/B0005_discharge.csv.gz"), gzip(NASA_DISCHARGE + "\n" + nasaRow(0) + "\n"));
    Path outside = write(dir.resolve("elsewhere/secret.csv.gz"), gzip(NASA_DISCHARGE + "\n"));
    Path link = Files.createSymbolicLink(in.resolve("timeseries/discharge/B0006_discharge.csv.gz"), outside);
    Run r = Run.ingest("nasa", in);
    r.assertPlanFailed(link, 0, "outside the input folder", "(it is a symbolic link)", outside.toRealPath().toString());
  }

  /** Two names for one file (a link next to its target) would ingest its rows twice: the ingest stops, naming both. */
  static void symlinkSameFileTwice(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path f = write(in.resolve("C1.bdf.csv"), ba(BDF_HEADER, bdfCycle(0)));
    Path link = Files.createSymbolicLink(in.resolve("C2.bdf.csv"), f);
    Run r = Run.ingest("bdf", in);
    r.assertPlanFailed(link, 0, "is the same file as " + f, "ingested twice");
  }

  /**
   * metadata.csv's {@code filename} column says "../../etc/passwd": no reader opens a path written inside a file
   * (nasa reads the timeseries folder's own listing), so the row is an ordinary listing row and nothing outside
   * --input is read.
   */
  static void pathTraversalInListing(Path dir) throws IOException {
    Path in = nasaInput(dir);
    Files.writeString(in.resolve("metadata.csv"), NASA_META.replace("00011.csv", "../../../../etc/passwd"));
    Path f = write(in.resolve("timeseries/discharge/B0005_discharge.csv.gz"),
        gzip(NASA_DISCHARGE + "\n" + nasaRow(0) + "\n"));
    Run r = Run.ingest("nasa", in);
    r.assertOk(f);
    r.assertLines(f, 2);
    assertEquals(List.of(f.toString()), r.plan.files().stream().map(InputFile::path).toList());
  }

  // ================================================================ harness

  /** What an ingest would do with an input, without Spark: plan, then each file through the Validator. */
  static final class Run {
    final CollectingSink sink = new CollectingSink();
    final Map<String, CycleLakeException> failures = new LinkedHashMap<>();
    CycleLakeException planError;
    IngestPlan plan;

    static Run ingest(String source, Path input, String... sets) throws IOException {
      Config config = TestSpark.config(sets);
      Config settings = config.hasPath("cyclelake.ingest." + source)
          ? config.getConfig("cyclelake.ingest." + source) : com.typesafe.config.ConfigFactory.empty();
      SourceReader reader = SourceReaders.byName(source).configured(settings);
      ValidationRules rules = ValidationRules.from(config);
      Run run = new Run();
      try {
        run.plan = reader.plan(input, settings, Set.of());
        Set<String> paths = new java.util.LinkedHashSet<>();
        run.plan.files().forEach(f -> paths.add(f.path()));
        run.plan.operations().forEach(o -> paths.add(o.sourceFile()));
        InputPaths.check(input, paths);
      } catch (CycleLakeException e) {
        run.planError = e;
        return run;
      }
      Map<String, Operation> ops = CollectingSink.byId(run.plan);
      for (InputFile f : run.plan.files()) {
        try {
          reader.parse(f, ops, new Validator(run.sink, rules, reader.name()));
        } catch (CycleLakeException e) {
          run.failures.put(f.path(), e);
        } catch (IOException e) {
          fail(f.path() + " failed with a bare " + e + ", which names neither file nor line");
        }
      }
      return run;
    }

    List<SampleRecord> samples(Path f) {
      return sink.samples.stream().filter(s -> s.sourceFile().equals(f.toString())).toList();
    }

    List<QuarantineRecord> rejected(Path f) {
      return sink.rejected.stream().filter(s -> s.sourceFile().equals(f.toString())).toList();
    }

    /** The file's data lines ended in exactly these samples + impedance points + quarantine rows. */
    void assertLines(Path f, long... lines) {
      assertNull(planError, () -> "the plan failed: " + planError);
      String p = f.toString();
      List<Long> seen = Stream.of(sink.samples.stream().filter(s -> s.sourceFile().equals(p))
                  .map(SampleRecord::sourceLine),
              sink.points.stream().filter(s -> s.sourceFile().equals(p)).map(ImpedanceRecord::sourceLine),
              sink.rejected.stream().filter(s -> s.sourceFile().equals(p)).map(QuarantineRecord::sourceLine))
          .flatMap(s -> s).sorted().toList();
      assertEquals(Arrays.stream(lines).boxed().toList(), seen,
          "lines read = samples + impedance points + quarantined, line by line, in " + f.getFileName());
    }

    void assertOk(Path f) {
      assertNull(planError, () -> "the plan failed: " + planError);
      assertTrue(plan.files().stream().anyMatch(x -> x.path().equals(f.toString())), f + " was not planned");
      assertNull(failures.get(f.toString()), () -> f + " failed: " + failures.get(f.toString()));
    }

    void assertFailed(Path f, long line, String... says) {
      assertNull(planError, () -> "the plan failed: " + planError);
      CycleLakeException e = failures.get(f.toString());
      assertNotNull(e, f + " should have failed; failures: " + failures.keySet());
      assertLocated(e, f, line, says);
      assertEquals(failures.size(), 1, "only the bad file fails: " + failures.keySet());
    }

    void assertPlanFailed(Path f, long line, String... says) {
      assertNotNull(planError, "the ingest should fail before reading any file");
      assertLocated(planError, f, line, says);
    }

    void assertQ(QuarantineRecord q, String rule, long line, Integer column, String columnName, String message) {
      assertRecord(q, q.source(), rule, line, column, columnName, message);
    }
  }

  /** The same for the telemetry (inverter) reader. */
  static final class Telemetry {
    final Map<String, Integer> samples = new TreeMap<>();
    final List<QuarantineRecord> rejected = new ArrayList<>();
    final Map<String, CycleLakeException> failures = new LinkedHashMap<>();

    static Telemetry ingest(Path input) throws IOException {
      Config settings = TestSpark.config().getConfig("cyclelake.ingest.inverter");
      TelemetryReader reader = TelemetryReaders.byName("inverter").configured(settings);
      Telemetry t = new Telemetry();
      List<InputFile> files = reader.plan(input);
      reader.notes(files);
      for (InputFile f : files) {
        try {
          reader.parse(f, new TelemetrySink() {
            @Override
            public void sample(TelemetrySample s) {
              t.samples.merge(s.sourceFile(), 1, Integer::sum);
            }

            @Override
            public void quarantine(QuarantineRecord q) {
              t.rejected.add(q);
            }
          });
        } catch (CycleLakeException e) {
          t.failures.put(f.path(), e);
        } catch (IOException e) {
          fail(f.path() + " failed with a bare " + e + ", which names neither file nor line");
        }
      }
      return t;
    }

    int samples(Path f) {
      return samples.getOrDefault(f.toAbsolutePath().normalize().toString(), 0);
    }

    List<QuarantineRecord> rejected(Path f) {
      String p = f.toAbsolutePath().normalize().toString();
      return rejected.stream().filter(q -> q.sourceFile().equals(p)).toList();
    }

    void assertOk(Path f) {
      assertNull(failures.get(f.toAbsolutePath().normalize().toString()));
    }

    void assertFailed(Path f, long line, String... says) {
      CycleLakeException e = failures.get(f.toAbsolutePath().normalize().toString());
      assertNotNull(e, f + " should have failed; failures: " + failures.keySet());
      assertLocated(e, f.toAbsolutePath().normalize(), line, says);
    }
  }

  static void assertLocated(CycleLakeException e, Path f, long line, String... says) {
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code(), e.getMessage());
    SourceLocation at = e.where().orElseThrow(() -> new AssertionError("no location: " + e.getMessage()));
    assertEquals(f.toString(), at.file(), e.getMessage());
    assertEquals(line, at.line(), e.getMessage());
    for (String s : says) {
      assertTrue(e.getMessage().contains(s), () -> "'" + e.getMessage() + "' should say '" + s + "'");
    }
  }

  static void assertRecord(QuarantineRecord q, String source, String rule, long line, Integer column,
      String columnName, String message) {
    String what = q.toString();
    assertEquals(source, q.source(), what);
    assertEquals(rule, q.rule(), what);
    assertEquals(line, q.sourceLine(), what);
    assertEquals(column, q.column(), what);
    assertEquals(columnName, q.columnName(), what);
    assertTrue(q.message().contains(message), () -> "message '" + q.message() + "' should say '" + message + "'");
  }

  static long[] range(long from, long to) {
    return LongStream.rangeClosed(from, to).toArray();
  }

  // ================================================================ fixtures

  static final String NASA_META = "type,start_time,ambient_temperature,battery_id,test_id,uid,filename,Capacity,Re,Rct\n"
      + "discharge,[2010 7 21 18 0 0],24,B0005,1,11,00011.csv,1.85,,\n"
      + "discharge,[2010 7 21 18 0 0],24,B0006,0,21,00021.csv,2.03,,\n";
  static final String NASA_DISCHARGE =
      "uid,Voltage_measured,Current_measured,Temperature_measured,Current_load,Voltage_load,Time";

  static Path nasaInput(Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.createDirectories(in.resolve("timeseries/discharge"));
    Files.writeString(in.resolve("metadata.csv"), NASA_META);
    return in;
  }

  static String nasaRow(double t) {
    return "11,4.19,-2.01,24.3,1.9982,3.06," + t;
  }

  /** BatteryArchive columns (Date_Time and the energies are optional and left out). */
  static final String BA_HEADER = "Test_Time (s),Cycle_Index,Current (A),Voltage (V),Charge_Capacity (Ah),"
      + "Discharge_Capacity (Ah)";

  static List<String> baCycle(int cycle, double t0) {
    return baCycle(cycle, t0, 4);
  }

  /** {@code n} charge rows at 1 A with the voltage rising, then {@code n} discharge rows at -1 A with it falling. */
  static List<String> baCycle(int cycle, double t0, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(String.format(Locale.ROOT, "%s,%d,1.0,%s,%s,0", t0 + 10 * i, cycle, 3.5 + 0.05 * i, 0.01 * (i + 1)));
    }
    for (int i = 0; i < n; i++) {
      out.add(String.format(Locale.ROOT, "%s,%d,-1.0,%s,0,%s", t0 + 10 * (n + i), cycle, 4.0 - 0.05 * i,
          0.01 * (i + 1)));
    }
    return out;
  }

  static final String BDF_HEADER = "Test Time / s,Voltage / V,Current / A";

  static List<String> bdfCycle(double t0) {
    return baCycle(1, t0).stream().map(l -> {
      String[] x = l.split(",");
      return x[0] + "," + x[3] + "," + x[2];
    }).toList();
  }

  static String ba(String header, List<String> rows) {
    return header + "\n" + String.join("\n", rows) + (rows.isEmpty() ? "" : "\n");
  }

  static final String ARBIN_HEADER = "Data_Point,Test_Time(s),Date_Time,Step_Time(s),Step_Index,Cycle_Index,"
      + "Current(A),Voltage(V),Charge_Capacity(Ah),Discharge_Capacity(Ah),Charge_Energy(Wh),Discharge_Energy(Wh)";

  /** {@code cycles} Arbin cycles of 3 charge rows (1 A) and 3 discharge rows (-1 A), 10 s apart, from {@code t0}. */
  static List<String> arbinSession(double startSerial, double t0, int cycles) {
    List<String> out = new ArrayList<>();
    double t = t0;
    double qc = 0;
    double qd = 0;
    int point = 0;
    for (int c = 1; c <= cycles; c++) {
      for (int phase = 0; phase < 2; phase++) {
        double current = phase == 0 ? 1.0 : -1.0;
        for (int i = 1; i <= 3; i++) {
          t += 10;
          if (phase == 0) qc += 10 / 3600.0;
          else qd += 10 / 3600.0;
          out.add(String.format(Locale.ROOT, "%d,%s,%s,%s,%d,%d,%s,3.6,%s,%s,%s,%s", ++point, t,
              startSerial + t / 86400, 10.0 * i, phase + 2, c, current, qc, qd, qc * 3.6, qd * 3.6));
        }
      }
    }
    return out;
  }

  static String arbin(String header, List<String> rows) {
    return ba(header, rows);
  }

  static List<List<String>> sheet(String header, List<String> rows) {
    List<List<String>> out = new ArrayList<>();
    out.add(List.of(header.split(",")));
    rows.forEach(r -> out.add(List.of(r.split(","))));
    return out;
  }

  /** A mapping file for the `mapped` reader: ';', t in s, U in mV, I in mA, the cell before '_' in the name. */
  static String mapping(Path dir) throws IOException {
    Path m = dir.resolve("mapping.conf");
    Files.writeString(m, "files = \"*.csv\"\ndelimiter = \";\"\ndecimal = \",\"\n"
        + "columns {\n  time { header = \"t\", unit = \"s\" }\n  voltage { header = \"U\", unit = \"mV\" }\n"
        + "  current { header = \"I\", unit = \"mA\" }\n}\ncell { file-name-pattern = \"^(?<cell>[A-Z0-9]+)_\" }\n");
    return "ingest.mapped.mapping=\"" + m + "\"";
  }

  static String mappedText(List<String> rows) {
    return "t;U;I\n" + String.join("\n", rows) + "\n";
  }

  static final String INV_HEADER = "Timestamp,DC Bus Voltage [V],IGBT Temp [°C]";

  static String invRow(int s, String volts, String temp) {
    return String.format(Locale.ROOT, "2026-07-01 10:00:%02d,%s,%s", s, volts, temp);
  }

  static String inv(String header, String... rows) {
    return header + "\n" + String.join("\n", rows) + "\n";
  }

  static Path write(Path f, String text) throws IOException {
    return write(f, text.getBytes(StandardCharsets.UTF_8));
  }

  static Path write(Path f, byte[] bytes) throws IOException {
    Files.createDirectories(f.getParent());
    return Files.write(f, bytes);
  }

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** A .gz that decodes to exactly {@code kept} and then ends without its final block and trailer. */
  static byte[] truncatedGzip(String kept, String lost) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GZIPOutputStream z = new GZIPOutputStream(out, true);
    z.write(kept.getBytes(StandardCharsets.UTF_8));
    z.flush();
    int cutAt = out.size();
    z.write(lost.getBytes(StandardCharsets.UTF_8));
    z.close();
    return Arrays.copyOf(out.toByteArray(), cutAt);
  }

  /** Copies a zip, changing one text entry. */
  static void rewriteZipEntry(Path from, Path to, String entry, java.util.function.UnaryOperator<String> change)
      throws IOException {
    Files.createDirectories(to.getParent());
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(from));
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        byte[] b = in.readAllBytes();
        if (e.getName().equals(entry)) {
          String changed = change.apply(new String(b, StandardCharsets.UTF_8));
          assertTrue(!changed.equals(new String(b, StandardCharsets.UTF_8)), "the change must apply");
          b = changed.getBytes(StandardCharsets.UTF_8);
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(b);
        out.closeEntry();
      }
    }
  }

  /** A MAT v5 file with one discharge of {@code n} samples, as NASA lays it out. */
  static Path writeMat(Path f, String cell, int n) throws IOException {
    double[] t = new double[n];
    for (int i = 0; i < n; i++) t[i] = 10.0 * i;
    Struct data = Mat5.newStruct();
    for (String name : List.of("Voltage_measured", "Current_measured", "Temperature_measured", "Current_load",
        "Voltage_load", "Time")) {
      data.set(name, row(t));
    }
    data.set("Capacity", Mat5.newScalar(1.8));
    Struct cycle = Mat5.newStruct(1, 1);
    cycle.set("type", 0, Mat5.newString("discharge"));
    cycle.set("ambient_temperature", 0, Mat5.newScalar(24));
    cycle.set("time", 0, row(2010, 7, 21, 15, 0, 35.093));
    cycle.set("data", 0, data);
    Struct top = Mat5.newStruct();
    top.set("cycle", cycle);
    Files.createDirectories(f.getParent());
    Mat5.writeToFile(Mat5.newMatFile().addArray(cell, top), f.toFile());
    return f;
  }

  private static Matrix row(double... v) {
    Matrix m = Mat5.newMatrix(1, v.length);
    for (int i = 0; i < v.length; i++) m.setDouble(i, v[i]);
    return m;
  }
}
