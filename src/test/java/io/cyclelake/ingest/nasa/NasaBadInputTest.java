package io.cyclelake.ingest.nasa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.ImpedanceRecord;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.SampleRecord;
import io.cyclelake.testkit.CollectingSink;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Struct;

/**
 * A corpus of bad inputs for the {@code nasa} reader (and {@code nasa-mat} where it applies), each generated here and
 * each with its exact outcome. Decisions recorded by these tests:
 *
 * <ul>
 *   <li>A UTF-8 BOM and an Excel {@code sep=,} first line are accepted and skipped (line numbers stay those of the
 *       file); {@code sep=} with another delimiter, or a header in another delimiter, fails at line 1.</li>
 *   <li>A .gz that cannot be read to its end (truncated, bad CRC) delivers every line before the damage, quarantines
 *       the line the damage cut (rule {@code truncated}) and then fails with {@code INPUT_MALFORMED} at the line the
 *       error struck; IngestJob records such a file as failed. A file that is not gzip fails at line 1.</li>
 *   <li>The reader is not the validator: time going backwards, repeated timestamps and absurd magnitudes are passed
 *       on unchanged (sampleIndex follows the file order); the validation layer judges them.</li>
 *   <li>A uid is matched as written ({@code 011}, {@code 11.0} are unknown). A uid of another cell in this cell's
 *       file is accepted and belongs to the uid's cell (metadata.csv decides, not the file name).</li>
 *   <li>A uid listed twice in metadata.csv: the first listing is kept, later ones are quarantined ({@code duplicate}).
 *   </li>
 * </ul>
 *
 * Every file-level case checks that each data line (non-empty, after the header) ended in exactly one sample,
 * impedance point or quarantine row.
 */
class NasaBadInputTest {
  static final String META_HEADER =
      "type,start_time,ambient_temperature,battery_id,test_id,uid,filename,Capacity,Re,Rct";
  static final String DISCHARGE =
      "uid,Voltage_measured,Current_measured,Temperature_measured,Current_load,Voltage_load,Time";
  static final String CHARGE =
      "uid,Voltage_measured,Current_measured,Temperature_measured,Current_charge,Voltage_charge,Time";
  static final String IMPEDANCE =
      "uid,Sense_current,Battery_current,Current_ratio,Battery_impedance,Rectified_impedance";
  static final String ROW = "11,4.19,-2.01,24.3,1.9982,3.06,18.7";

  final NasaReader reader = new NasaReader();
  @TempDir Path dir;
  Map<String, Operation> ops;

  /** uid 10 charge, 11 discharge, 12 impedance of B0005; uid 21 discharge of B0006. */
  @BeforeEach
  void metadata() throws IOException {
    IngestPlan p = plan(dir, META_HEADER + "\n"
        + "charge,[2010 7 21 15 0 0],24,B0005,0,10,00010.csv,,,\n"
        + "discharge,[2010 7 21 18 0 0],24,B0005,1,11,00011.csv,1.85,,\n"
        + "impedance,[2010 7 21 21 0 0],24,B0005,2,12,00012.csv,,0.05,0.2\n"
        + "discharge,[2010 7 21 18 0 0],24,B0006,0,21,00021.csv,2.03,,\n");
    assertEquals(4, p.operations().size());
    ops = CollectingSink.byId(p);
  }

  // ---------------------------------------------------------------- gzip and whole-file problems

  @Test
  void truncatedGzipInsideALine() throws IOException {
    String kept = DISCHARGE + "\n" + ROW + "\n" + "11,4.10,-2.01,24.4,1.9982,3.05,28.1\n" + "11,4.0";
    Path f = truncatedGz("B0005_discharge.csv.gz", kept, "5,-2.01,24.5,1.9982,3.04,37.5\n" + ROW + "\n");
    CollectingSink c = new CollectingSink();
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> parseInto(f, "discharge", c));
    assertMalformed(e, f, 4, null, "Unexpected end of ZLIB input stream", "lines before it were read");
    assertEquals(List.of(2L, 3L), c.samples.stream().map(SampleRecord::sourceLine).toList());
    assertEquals(1, c.rejected.size());
    QuarantineRecord cut = c.rejected.get(0);
    assertQuarantined(cut, "truncated", 4, null, null, "the file ends in the middle of this line");
    assertEquals("11,4.0", cut.raw());
    assertAccounted(dataLines(kept, 1), c);
  }

  @Test
  void truncatedGzipRightAfterALineBreakKeepsTheLastLine() throws IOException {
    String kept = DISCHARGE + "\n" + ROW + "\n" + "11,4.10,-2.01,24.4,1.9982,3.05,28.1\n";
    Path f = truncatedGz("B0005_discharge.csv.gz", kept, ROW + "\n");
    CollectingSink c = new CollectingSink();
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> parseInto(f, "discharge", c));
    assertMalformed(e, f, 4, null, "Unexpected end of ZLIB input stream");
    assertEquals(2, c.samples.size(), "the line before the cut ended with its line break: it is whole");
    assertEquals(List.of(), c.rejected);
    assertAccounted(dataLines(kept, 1), c);
  }

  @Test
  void truncatedGzipInsideTheHeader() throws IOException {
    Path f = truncatedGz("B0005_discharge.csv.gz", "uid,Voltage_meas", "ured\n" + ROW + "\n");
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> parse(f, "discharge"));
    assertMalformed(e, f, 1, null, "the file ends inside its header", "Unexpected end of ZLIB input stream");
  }

  @Test
  void gzipWithABadCrcDeliversItsLinesThenFails() throws IOException {
    String text = DISCHARGE + "\n" + ROW + "\n" + ROW.replace("18.7", "28.1") + "\n";
    byte[] b = gzipBytes(text);
    b[b.length - 8] ^= 0x55; // the CRC-32 in the trailer; the data decodes, its check fails at the end
    Path f = write("B0005_discharge.csv.gz", b);
    CollectingSink c = new CollectingSink();
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> parseInto(f, "discharge", c));
    assertMalformed(e, f, 4, null, "Corrupt GZIP trailer");
    assertEquals(2, c.samples.size(), "gzip checks the CRC only after the data: the lines are delivered first");
    assertAccounted(dataLines(text, 1), c);
  }

  @Test
  void plainTextNamedGzIsNotGzip() throws IOException {
    Path f = write("B0005_discharge.csv.gz", (DISCHARGE + "\n" + ROW + "\n").getBytes(StandardCharsets.UTF_8));
    CollectingSink c = new CollectingSink();
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> parseInto(f, "discharge", c));
    assertMalformed(e, f, 1, null, "Not in GZIP format");
    assertEquals(0, c.samples.size() + c.rejected.size());
  }

  @Test
  void gzipHeaderFollowedByGarbage() throws IOException {
    byte[] b = new byte[10 + 64];
    byte[] head = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    System.arraycopy(head, 0, b, 0, head.length);
    Arrays.fill(b, 10, b.length, (byte) 0xff); // deflate block type 3 does not exist
    Path f = write("B0005_discharge.csv.gz", b);
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> parse(f, "discharge"));
    assertMalformed(e, f, 1, null, "ZipException", "invalid block type");
  }

  @Test
  void zeroByteGzAndEmptyFiles() throws IOException {
    Path zero = write("B0005_discharge.csv.gz", new byte[0]);
    assertMalformed(assertThrows(CycleLakeException.class, () -> parse(zero, "discharge")), zero, 1, null,
        "the file is empty (0 bytes)");
    Path emptyGz = write("B0006_discharge.csv.gz", gzipBytes(""));
    assertMalformed(assertThrows(CycleLakeException.class, () -> parse(emptyGz, "discharge")), emptyGz, 1, null,
        "the file is empty", "Voltage_measured");
    Path emptyCsv = write("B0007_discharge.csv", new byte[0]);
    assertMalformed(assertThrows(CycleLakeException.class, () -> parse(emptyCsv, "discharge")), emptyCsv, 1, null,
        "the file is empty");
  }

  @Test
  void headerOnlyIsAFileWithoutSamples() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(0, c.samples.size() + c.points.size() + c.rejected.size());
    assertAccounted(f, 1, c);
  }

  @Test
  void utf8BomOnTheHeaderIsAccepted() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", "\uFEFF" + DISCHARGE + "\n" + ROW + "\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(1, c.samples.size());
    assertEquals(4.19, c.samples.get(0).voltageV());
    assertAccounted(f, 1, c);
  }

  /** Excel's "sep=," line names the delimiter; it is accepted and skipped, the header is line 2. */
  @Test
  void excelSepLineIsAcceptedAndSkipped() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", "\uFEFFsep=,\n" + DISCHARGE + "\n" + ROW + "\n" + "11,x,,,,,\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(1, c.samples.size());
    assertEquals(3L, c.samples.get(0).sourceLine(), "line numbers stay those of the file");
    assertQuarantined(c.rejected.get(0), "number", 4, 2, "Voltage_measured", "'x' is not a number");
    assertAccounted(f, 2, c);
  }

  @Test
  void excelSepLineWithAnotherDelimiterIsAClearError() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", "sep=;\n" + DISCHARGE.replace(',', ';') + "\n");
    assertMalformed(assertThrows(CycleLakeException.class, () -> parse(f, "discharge")), f, 1, null,
        "declares the delimiter ';'", "comma-separated");
  }

  @Test
  void semicolonSeparatedFileIsAClearError() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE.replace(',', ';') + "\n" + ROW.replace(',', ';') + "\n");
    assertMalformed(assertThrows(CycleLakeException.class, () -> parse(f, "discharge")), f, 1, null,
        "the header is not comma-separated", "';'");
  }

  @Test
  void semicolonRowsUnderACommaHeaderAreFieldCountRows() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n" + ROW + "\n" + ROW.replace(',', ';') + "\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(1, c.samples.size());
    assertQuarantined(c.rejected.get(0), "field-count", 3, null, null,
        "expected 7 fields as in the header, found 1");
    assertAccounted(f, 1, c);
  }

  /** With ',' as the delimiter, "4,19" is two fields: the row has the wrong field count. Quoted, it is no number. */
  @Test
  void decimalCommas() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n"
        + "11,4,19,-2,01,24,3,1,9982,3,06,18,7\n"
        + "11,\"4,19\",-2.01,24.3,1.9982,3.06,18.7\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(0, c.samples.size());
    assertQuarantined(c.rejected.get(0), "field-count", 2, null, null, "expected 7 fields as in the header, found 13");
    assertQuarantined(c.rejected.get(1), "number", 3, 2, "Voltage_measured", "'4,19' is not a number");
    assertAccounted(f, 1, c);
  }

  /** Units glued to values are text, including the Java suffixes parseDouble would take (25F, 4.19d, 0x1p3). */
  @Test
  void unitsAndTextInNumericColumns() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n"
        + "11,4.19 V,-2.01,24.3,1.9982,3.06,18.7\n"
        + "11,4.19,-2.01A,24.3,1.9982,3.06,18.7\n"
        + "11,4.19,-2.01,25F,1.9982,3.06,18.7\n"
        + "11,4.19d,-2.01,24.3,1.9982,3.06,18.7\n"
        + "11,4.19,-2.01,24.3,0x1p3,3.06,18.7\n"
        + "11,4.19,-2.01,24.3,1.9982,abc,18.7\n"
        + "11,4.19,-2.01,24.3,1.9982,3.06,--\n"
        + "11,4.19,-2.01,24.3,1.9982,3.06,1_000\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(0, c.samples.size());
    List<QuarantineRecord> q = c.rejected;
    assertQuarantined(q.get(0), "number", 2, 2, "Voltage_measured", "'4.19 V' is not a number");
    assertQuarantined(q.get(1), "number", 3, 3, "Current_measured", "'-2.01A' is not a number");
    assertQuarantined(q.get(2), "number", 4, 4, "Temperature_measured", "'25F' is not a number");
    assertQuarantined(q.get(3), "number", 5, 2, "Voltage_measured", "'4.19d' is not a number");
    assertQuarantined(q.get(4), "number", 6, 5, "Current_load", "'0x1p3' is not a number");
    assertQuarantined(q.get(5), "number", 7, 6, "Voltage_load", "'abc' is not a number");
    assertQuarantined(q.get(6), "number", 8, 7, "Time", "'--' is not a number");
    assertQuarantined(q.get(7), "number", 9, 7, "Time", "'1_000' is not a number");
    q.forEach(r -> assertEquals("B0005", r.cellId()));
    q.forEach(r -> assertEquals(1, r.cycleIndex()));
    assertAccounted(f, 1, c);
  }

  @Test
  void infinitiesFailTheFiniteRule() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n"
        + "11,inf,-2.01,24.3,1.9982,3.06,18.7\n"
        + "11,4.19,-inf,24.3,1.9982,3.06,18.7\n"
        + "11,4.19,-2.01,Infinity,1.9982,3.06,18.7\n"
        + "11,4.19,-2.01,24.3,1.9982,3.06,1e999\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(0, c.samples.size());
    assertQuarantined(c.rejected.get(0), "finite", 2, 2, "Voltage_measured", "'inf' is not a finite number");
    assertQuarantined(c.rejected.get(1), "finite", 3, 3, "Current_measured", "'-inf' is not a finite number");
    assertQuarantined(c.rejected.get(2), "finite", 4, 4, "Temperature_measured", "'Infinity' is not a finite number");
    assertQuarantined(c.rejected.get(3), "finite", 5, 7, "Time", "'1e999' is not a finite number");
    assertAccounted(f, 1, c);
  }

  @Test
  void nanAndEmptyFieldsAreMissingValues() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n"
        + "11,nan,-2.01,24.3,1.9982,3.06,18.7\n"
        + "11,4.19,NaN,,1.9982,3.06,28.1\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(List.of(), c.rejected);
    assertNull(c.samples.get(0).voltageV());
    assertNull(c.samples.get(1).currentA());
    assertNull(c.samples.get(1).temperatureC());
    assertEquals(28.1, c.samples.get(1).timeS());
    assertAccounted(f, 1, c);
  }

  /** The reader is not the validator: the order and values of Time are passed on unchanged. */
  @Test
  void timeGoingBackwardsAndRepeatedTimestampsAreAcceptedUnchanged() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n"
        + "11,4.19,-2.01,24.3,1.9982,3.06,10.0\n"
        + "11,4.18,-2.01,24.3,1.9982,3.06,20.0\n"
        + "11,4.17,-2.01,24.3,1.9982,3.06,20.0\n"
        + "11,4.16,-2.01,24.3,1.9982,3.06,5.0\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(List.of(), c.rejected);
    assertEquals(List.of(10.0, 20.0, 20.0, 5.0), c.samples.stream().map(SampleRecord::timeS).toList());
    assertEquals(List.of(0, 1, 2, 3), c.samples.stream().map(SampleRecord::sampleIndex).toList(), "file order");
    assertAccounted(f, 1, c);
  }

  /** Absurd magnitudes are not the reader's business either (validation is a later layer). */
  @Test
  void absurdMagnitudesAreAcceptedUnchanged() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n" + "11,-50,2000,1e6,-2000,1e300,-5\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(List.of(), c.rejected);
    SampleRecord s = c.samples.get(0);
    assertEquals(-50.0, s.voltageV());
    assertEquals(2000.0, s.currentA());
    assertEquals(1e6, s.temperatureC());
    assertEquals(-2000.0, s.instrumentCurrentA());
    assertEquals(1e300, s.instrumentVoltageV());
    assertEquals(-5.0, s.timeS());
    assertAccounted(f, 1, c);
  }

  /** The uid is matched as written: 011 or 11.0 is not uid 11. A repeated header is a row with uid 'uid'. */
  @Test
  void uidsNotInMetadataAreUnknownOperations() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n"
        + ROW.replaceFirst("11", "99") + "\n"
        + ROW.replaceFirst("11", "011") + "\n"
        + ROW.replaceFirst("11", "11.0") + "\n"
        + ROW.replaceFirst("11", "") + "\n"
        + DISCHARGE + "\n"
        + ROW + "\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(1, c.samples.size());
    assertEquals(7L, c.samples.get(0).sourceLine());
    String[] uids = {"99", "011", "11.0", "", "uid"};
    for (int i = 0; i < uids.length; i++) {
      QuarantineRecord q = c.rejected.get(i);
      assertQuarantined(q, "unknown-operation", i + 2, 1, "uid", "uid '" + uids[i] + "' is not listed in metadata.csv");
      assertNull(q.cellId());
    }
    assertAccounted(f, 1, c);
  }

  /** metadata.csv decides whose a uid is: uid 21 (B0006) in B0005's file is accepted as B0006's sample. */
  @Test
  void uidOfAnotherCellIsAcceptedAsThatCellsSample() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n" + ROW + "\n" + ROW.replaceFirst("11", "21") + "\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(List.of(), c.rejected);
    SampleRecord foreign = c.samples.get(1);
    assertEquals("B0006", foreign.cellId());
    assertEquals(0, foreign.cycleIndex());
    assertEquals(0, foreign.sampleIndex(), "sample indexes count per uid");
    assertEquals("B0005", c.samples.get(0).cellId());
    assertAccounted(f, 1, c);
  }

  @Test
  void operationOfAnotherTypeIsQuarantined() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n" + ROW.replaceFirst("11", "10") + "\n"
        + ROW.replaceFirst("11", "12") + "\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(0, c.samples.size());
    QuarantineRecord charge = c.rejected.get(0);
    assertQuarantined(charge, "operation-type", 2, 1, "uid",
        "uid 10 is a charge operation in metadata.csv but sits in a discharge file");
    assertEquals("B0005", charge.cellId());
    assertEquals(0, charge.cycleIndex());
    assertQuarantined(c.rejected.get(1), "operation-type", 3, 1, "uid", "uid 12 is an impedance operation in metadata.csv but sits in a discharge file");
    assertAccounted(f, 1, c);
  }

  @Test
  void missingColumnIsNamed() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE.replace(",Temperature_measured", "") + "\n"
        + "11,4.19,-2.01,1.9982,3.06,18.7\n");
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> parse(f, "discharge"));
    assertMalformed(e, f, 1, "Temperature_measured", "the header has no column 'Temperature_measured'");
    assertTrue(e.getMessage().contains(f + ":1 (Temperature_measured)"), e.getMessage());
  }

  @Test
  void extraAndReorderedColumnsAreAcceptedAndIgnored() throws IOException {
    Path f = gz("B0005_discharge.csv.gz",
        "Note,uid,Time,Voltage_measured,Current_measured,Temperature_measured,Current_load,Voltage_load,Extra\n"
            + "first,11,18.7,4.19,-2.01,24.3,1.9982,3.06,not a number\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(List.of(), c.rejected);
    SampleRecord s = c.samples.get(0);
    assertEquals(List.of(18.7, 4.19, -2.01, 24.3, 1.9982, 3.06),
        List.of(s.timeS(), s.voltageV(), s.currentA(), s.temperatureC(), s.instrumentCurrentA(),
            s.instrumentVoltageV()));
    assertAccounted(f, 1, c);
  }

  @Test
  void tooFewAndTooManyFields() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n" + "11,4.19,-2.01\n" + ROW + ",1\n" + "   \n");
    CollectingSink c = parse(f, "discharge");
    assertQuarantined(c.rejected.get(0), "field-count", 2, null, null, "expected 7 fields as in the header, found 3");
    assertQuarantined(c.rejected.get(1), "field-count", 3, null, null, "expected 7 fields as in the header, found 8");
    assertQuarantined(c.rejected.get(2), "field-count", 4, null, null, "found 1");
    assertEquals("   ", c.rejected.get(2).raw(), "a blank-looking line is a data line; only empty lines are skipped");
    assertAccounted(f, 1, c);
  }

  @Test
  void crlfLineEndingsQuotesAndEmptyLines() throws IOException {
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\r\n" + ROW + "\r\n" + "\r\n"
        + "\"11\",\"4.10\",-2.01,24.4,1.9982,3.05,\"28.1\"\r\n"
        + "11,\"4.0,-2.01,24.4,1.9982,3.05,37.5\r\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(List.of(2L, 4L), c.samples.stream().map(SampleRecord::sourceLine).toList());
    assertEquals(18.7, c.samples.get(0).timeS(), "no CR left in the last field");
    assertEquals(28.1, c.samples.get(1).timeS());
    assertQuarantined(c.rejected.get(0), "field-count", 5, null, null, "found 2"); // the quote is never closed
    assertAccounted(f, 1, c);
  }

  /** A 1 MB line is one quarantine row; its raw text is cut to 1000 characters and its message stays short. */
  @Test
  void enormousLines() throws IOException {
    String hugeField = "11," + "9".repeat(10) + "x".repeat(1 << 20) + ",-2.01,24.3,1.9982,3.06,18.7";
    String hugeCount = "11" + ",".repeat(1 << 20);
    Path f = gz("B0005_discharge.csv.gz", DISCHARGE + "\n" + hugeField + "\n" + hugeCount + "\n" + ROW + "\n");
    CollectingSink c = parse(f, "discharge");
    assertEquals(1, c.samples.size());
    QuarantineRecord field = c.rejected.get(0);
    assertQuarantined(field, "number", 2, 2, "Voltage_measured", "is not a number");
    assertTrue(field.message().length() < 100, field.message());
    assertEquals(hugeField.substring(0, 1000), field.raw());
    QuarantineRecord count = c.rejected.get(1);
    assertQuarantined(count, "field-count", 3, null, null, "found " + ((1 << 20) + 1));
    assertEquals(1000, count.raw().length());
    assertAccounted(f, 1, c);
  }

  /** A Latin-1 degree sign (byte 0xB0) is no UTF-8: it decodes to U+FFFD and fails the number rule, no crash. */
  @Test
  void nonUtf8BytesInANumericField() throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    text.writeBytes((DISCHARGE + "\n" + "11,4.19,-2.01,24.3").getBytes(StandardCharsets.UTF_8));
    text.write(0xB0);
    text.writeBytes((",1.9982,3.06,18.7\n" + ROW + "\n").getBytes(StandardCharsets.UTF_8));
    Path f = write("B0005_discharge.csv.gz", gzipBytes(text.toByteArray()));
    CollectingSink c = parse(f, "discharge");
    assertEquals(1, c.samples.size());
    assertQuarantined(c.rejected.get(0), "number", 2, 4, "Temperature_measured", "'24.3\uFFFD' is not a number");
    assertAccounted(f, 1, c);
  }

  @Test
  void impedanceFileWithBadComplexValues() throws IOException {
    Path f = gz("B0005_impedance.csv.gz", IMPEDANCE + "\n"
        + "12,(-1+1j),(-1+1j),(1+0j),(-0.438-0.107j),(0.070-0.00048j)\n"
        + "12,(1+xj),(-1+1j),(1+0j),(-0.438-0.107j),\n"
        + "12,(-1+1j),(1f+2j),(1+0j),(-0.438-0.107j),\n"
        + "12,(-1+1j),(-1+1j),inf,(-0.438-0.107j),\n"
        + "12,(-1+1j),(-1+1j),(1+0j),0.5 Ohm,\n"
        + ROW.replaceFirst("11", "12") + "\n");
    CollectingSink c = parse(f, "impedance");
    assertEquals(1, c.points.size());
    List<QuarantineRecord> q = c.rejected;
    assertQuarantined(q.get(0), "complex", 3, 2, "Sense_current", "'(1+xj)' is not a complex number");
    assertQuarantined(q.get(1), "complex", 4, 3, "Battery_current", "'(1f+2j)' is not a complex number");
    assertQuarantined(q.get(2), "finite", 5, 4, "Current_ratio", "'inf' is not a finite number");
    assertQuarantined(q.get(3), "number", 6, 5, "Battery_impedance", "'0.5 Ohm' is not a number");
    assertQuarantined(q.get(4), "field-count", 7, null, null, "expected 6 fields as in the header, found 7");
    assertAccounted(f, 1, c);
  }

  @Test
  void chargeFileAccountingOverAMixOfProblems() throws IOException {
    Path f = gz("B0005_charge.csv.gz", CHARGE + "\n"
        + "10,3.9,1.5,24.1,1.5,4.2,0.0\n"
        + "10,3.9,-4.03,24.1,-4.03,4.2,2.8\n"
        + ",,,24.1,0.02,4.2,5.6\n"
        + "10,,,,0.02,4.2,8.4\n"
        + "11,3.9,1.5,24.1,1.5,4.2,11.2\n"
        + "10,3.9,1.5,24.1,1.5,4.2\n");
    CollectingSink c = parse(f, "charge");
    assertEquals(3, c.samples.size());
    assertEquals(List.of("unknown-operation", "operation-type", "field-count"),
        c.rejected.stream().map(QuarantineRecord::rule).toList());
    assertEquals(List.of(4L, 6L, 7L), c.rejected.stream().map(QuarantineRecord::sourceLine).toList());
    assertAccounted(f, 1, c);
  }

  // ---------------------------------------------------------------- metadata.csv

  @Test
  void metadataRowProblemsEachWithRuleAndColumn() throws IOException {
    Path m = dir.resolve("meta");
    IngestPlan p = plan(m, META_HEADER + "\n"
        + "discharge,[2010 7 21 18 0 0],24,B0005,1,11,00011.csv,1.85,,\n" // 2 ok
        + "discharge,2010-07-21 18:00:00,24,B0005,2,13,00013.csv,1.8,,\n" // 3 start_time
        + "discharge,[2010 13 21 18 0 0],24,B0005,3,14,00014.csv,1.8,,\n" // 4 month 13
        + "sleep,[2010 7 21 18 0 0],24,B0005,4,15,00015.csv,,,\n" // 5 type
        + "discharge,[2010 7 21 18 0 0],24,B0005,5,16\n" // 6 field count
        + "discharge,[2010 7 21 18 0 0],24,B0005,6,17,00017.csv,[],,\n" // 7 [] capacity: ok, null
        + "discharge,[2010 7 21 18 0 0],24,B0005,7,18,00018.csv,[1.8],,\n" // 8 capacity in brackets
        + "discharge,[2010 7 21 18 0 0],24 C,B0005,8,19,00019.csv,1.8,,\n" // 9 ambient with unit
        + "discharge,[2010 7 21 18 0 0],24,,9,20,00020.csv,1.8,,\n" // 10 no cell
        + "discharge,[2010 7 21 18 0 0],24,B0005,1.5,22,00022.csv,1.8,,\n" // 11 test_id
        + "discharge,[2010 7 21 18 0 0],24,B0005,11,,00023.csv,1.8,,\n" // 12 uid empty
        + "impedance,[2010 7 21 18 0 0],24,B0005,12,24,00024.csv,,abc,\n" // 13 Re
        + "discharge,[2010 7 21 18 0 0],24,B0005,13,11,00011.csv,1.84,,\n" // 14 duplicate uid
        + "discharge,[2010 7 21 18 0 0],inf,B0005,14,25,00025.csv,1.8,,\n"); // 15 ambient inf
    assertEquals(List.of("11", "17"), p.operations().stream().map(Operation::sourceOperationId).toList());
    assertNull(p.operations().get(1).capacityAh(), "[] is a missing capacity");
    assertEquals(1.85, p.operations().get(0).capacityAh(), "the first listing of a duplicated uid is kept");
    List<QuarantineRecord> q = p.quarantined();
    assertEquals(12, q.size());
    assertQuarantined(q.get(0), "date-vector", 3, 2, "start_time", "is not a date vector like [2010 7 21 20 31 5]");
    assertQuarantined(q.get(1), "date-vector", 4, 2, "start_time", "is not a valid date and time");
    assertQuarantined(q.get(2), "value", 5, 1, "type", "'sleep' is not one of [charge, discharge, impedance]");
    assertQuarantined(q.get(3), "field-count", 6, null, null, "expected 10 fields as in the header, found 6");
    assertQuarantined(q.get(4), "number", 8, 8, "Capacity", "'[1.8]' is not a number");
    assertQuarantined(q.get(5), "number", 9, 3, "ambient_temperature", "'24 C' is not a number");
    assertQuarantined(q.get(6), "required", 10, 4, "battery_id", "the cell id is empty");
    assertQuarantined(q.get(7), "integer", 11, 5, "test_id", "'1.5' is not an integer");
    assertQuarantined(q.get(8), "required", 12, 6, "uid", "the field is empty");
    assertQuarantined(q.get(9), "number", 13, 9, "Re", "'abc' is not a number"); // no 'j': read as a real
    assertQuarantined(q.get(10), "duplicate", 14, 6, "uid", "uid 11 is already listed on line 2");
    assertQuarantined(q.get(11), "finite", 15, 3, "ambient_temperature", "'inf' is not a finite number");
    assertEquals(14, p.listingLines());
    assertEquals(p.listingLines(), p.operations().size() + q.size(), "every listing line is accounted for");
  }

  /** Files.newBufferedReader threw MalformedInputException on such a byte and failed the whole plan. */
  @Test
  void metadataWithANonUtf8ByteQuarantinesThatRowOnly() throws IOException {
    Path m = dir.resolve("meta");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes((META_HEADER + "\n" + "discharge,[2010 7 21 18 0 0],24").getBytes(StandardCharsets.UTF_8));
    b.write(0xB0);
    b.writeBytes((",B0005,1,11,00011.csv,1.85,,\n" + "discharge,[2010 7 21 18 0 0],24,B0005,2,13,00013.csv,1.8,,\n")
        .getBytes(StandardCharsets.UTF_8));
    Files.createDirectories(m);
    Files.write(m.resolve("metadata.csv"), b.toByteArray());
    IngestPlan p = reader.plan(m, settings(), Set.of());
    assertEquals(List.of("13"), p.operations().stream().map(Operation::sourceOperationId).toList());
    assertQuarantined(p.quarantined().get(0), "number", 2, 3, "ambient_temperature", "'24\uFFFD' is not a number");
    assertEquals(2, p.listingLines());
  }

  @Test
  void metadataWithBomAndExcelSepLineIsAccepted() throws IOException {
    IngestPlan p = plan(dir.resolve("meta"), "\uFEFFsep=,\n" + META_HEADER + "\n"
        + "discharge,[2010 7 21 18 0 0],24,B0005,1,11,00011.csv,1.85,,\n" + "discharge,bad,24,B0005,2,13,x,1.8,,\n");
    assertEquals(1, p.operations().size());
    assertQuarantined(p.quarantined().get(0), "date-vector", 4, 2, "start_time", "'bad' is not a date vector");
    assertEquals(2, p.listingLines());
  }

  @Test
  void metadataHeaderProblems() throws IOException {
    Path m = dir.resolve("meta");
    CycleLakeException missing = assertThrows(CycleLakeException.class,
        () -> plan(m, META_HEADER.replace(",uid", "") + "\n"));
    assertMalformed(missing, m.resolve("metadata.csv"), 1, "uid", "the header has no column 'uid'");
    CycleLakeException empty = assertThrows(CycleLakeException.class, () -> plan(m, ""));
    assertMalformed(empty, m.resolve("metadata.csv"), 1, null, "the file is empty");
    CycleLakeException semicolons = assertThrows(CycleLakeException.class,
        () -> plan(m, META_HEADER.replace(',', ';') + "\n"));
    assertMalformed(semicolons, m.resolve("metadata.csv"), 1, null, "the header is not comma-separated");
  }

  // ---------------------------------------------------------------- nasa-mat

  @Test
  void matTruncatedHandMadeFileNamesTheFile() throws IOException {
    Path whole = writeMat("B0098", 2000);
    byte[] all = Files.readAllBytes(whole);
    Path f = write(dir.resolve("cut"), "B0098.mat", Arrays.copyOf(all, all.length / 2));
    NasaMatReader mat = new NasaMatReader();
    assertEquals(1, mat.plan(whole, ConfigFactory.empty(), Set.of()).operations().size(), "the whole file is fine");
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> mat.plan(f, ConfigFactory.empty(), Set.of()));
    assertMalformed(e, f, 0, null, "cannot be read as a MAT v5 file; it is truncated or corrupt");
    CycleLakeException p = assertThrows(CycleLakeException.class,
        () -> mat.parse(new InputFile(f.toString(), "mat"), Map.of(), new CollectingSink()));
    assertMalformed(p, f, 0, null, "truncated or corrupt");
  }

  @Test
  void matV73HdfFileSaysSo() throws IOException {
    byte[] b = new byte[1024];
    byte[] text = "MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 ."
        .getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(text, 0, b, 0, text.length);
    byte[] sig = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    System.arraycopy(sig, 0, b, 512, sig.length); // where MATLAB puts the HDF5 superblock
    Path f = write(dir.resolve("mat"), "B0097.mat", b);
    CycleLakeException e = assertThrows(CycleLakeException.class,
        () -> new NasaMatReader().plan(f, ConfigFactory.empty(), Set.of()));
    assertMalformed(e, f, 0, null, "MATLAB v7.3 MAT-file (HDF5)", "-v7");
  }

  @Test
  void matEmptyOrNotAMatFile() throws IOException {
    NasaMatReader mat = new NasaMatReader();
    Path empty = write(dir.resolve("mat"), "B0096.mat", new byte[0]);
    assertMalformed(assertThrows(CycleLakeException.class, () -> mat.plan(empty, ConfigFactory.empty(), Set.of())),
        empty, 0, null, "is 0 bytes long, too short");
    Path text = write(dir.resolve("mat"), "B0095.mat", (DISCHARGE + "\n" + ROW + "\n").repeat(20)
        .getBytes(StandardCharsets.UTF_8));
    assertMalformed(assertThrows(CycleLakeException.class, () -> mat.plan(text, ConfigFactory.empty(), Set.of())),
        text, 0, null, "has no MAT v5 header");
  }

  // ---------------------------------------------------------------- helpers

  private static com.typesafe.config.Config settings() {
    return ConfigFactory.parseString("metadata-file = metadata.csv, timeseries-dir = timeseries");
  }

  private IngestPlan plan(Path input, String metadata) throws IOException {
    Files.createDirectories(input);
    Files.writeString(input.resolve("metadata.csv"), metadata);
    return reader.plan(input, settings(), Set.of());
  }

  private CollectingSink parse(Path f, String kind) throws IOException {
    CollectingSink c = new CollectingSink();
    parseInto(f, kind, c);
    return c;
  }

  private void parseInto(Path f, String kind, CollectingSink c) throws IOException {
    reader.parse(new InputFile(f.toString(), kind), ops, c);
  }

  /** A file under timeseries/<kind>/ (the kind is the part of the name after '_'). */
  private Path write(String name, byte[] bytes) throws IOException {
    String kind = name.substring(name.indexOf('_') + 1, name.indexOf('.'));
    return write(dir.resolve("timeseries").resolve(kind), name, bytes);
  }

  private static Path write(Path folder, String name, byte[] bytes) throws IOException {
    Files.createDirectories(folder);
    return Files.write(folder.resolve(name), bytes);
  }

  private Path gz(String name, String text) throws IOException {
    return write(name, gzipBytes(text));
  }

  private static byte[] gzipBytes(String text) throws IOException {
    return gzipBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] gzipBytes(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  /**
   * A .gz cut right after the compressed form of {@code kept}: a sync flush makes those bytes decode to exactly
   * {@code kept}, and the stream then ends without its final block and trailer.
   */
  private Path truncatedGz(String name, String kept, String lost) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GZIPOutputStream z = new GZIPOutputStream(out, true);
    z.write(kept.getBytes(StandardCharsets.UTF_8));
    z.flush();
    int cutAt = out.size();
    z.write(lost.getBytes(StandardCharsets.UTF_8));
    z.close();
    return write(name, Arrays.copyOf(out.toByteArray(), cutAt));
  }

  /** The 1-based numbers of the data lines of {@code text}: after the header lines, not empty (as the reader). */
  private static List<Long> dataLines(String text, int headerLines) throws IOException {
    List<Long> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new StringReader(text))) {
      String line;
      long n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (n > headerLines && !line.isEmpty()) out.add(n);
      }
    }
    return out;
  }

  /** The rows-accounting invariant over a whole file, read here independently of the reader. */
  private static void assertAccounted(Path f, int headerLines, CollectingSink c) throws IOException {
    byte[] b = Files.readAllBytes(f);
    if (f.toString().endsWith(".gz")) {
      try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(f))) {
        b = in.readAllBytes();
      }
    }
    assertAccounted(dataLines(new String(b, StandardCharsets.UTF_8), headerLines), c);
  }

  /** Every data line ended in exactly one sample, impedance point or quarantine row. */
  private static void assertAccounted(List<Long> dataLines, CollectingSink c) {
    List<Long> seen = Stream.of(c.samples.stream().map(SampleRecord::sourceLine),
            c.points.stream().map(ImpedanceRecord::sourceLine), c.rejected.stream().map(QuarantineRecord::sourceLine))
        .flatMap(s -> s).sorted().toList();
    assertEquals(dataLines, seen, "data lines = samples + impedance points + quarantined rows, line by line");
  }

  private static void assertQuarantined(QuarantineRecord q, String rule, long line, Integer column, String columnName,
      String message) {
    String what = q.toString();
    assertEquals("nasa", q.source(), what);
    assertEquals(rule, q.rule(), what);
    assertEquals(line, q.sourceLine(), what);
    assertEquals(column, q.column(), what);
    assertEquals(columnName, q.columnName(), what);
    assertTrue(q.message().contains(message), () -> "message '" + q.message() + "' should say '" + message + "'");
  }

  private static void assertMalformed(CycleLakeException e, Path file, long line, String field, String... says) {
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code(), e.getMessage());
    SourceLocation at = e.where().orElseThrow();
    assertEquals(file.toString(), at.file());
    assertEquals(line, at.line(), e.getMessage());
    assertEquals(field, at.field(), e.getMessage());
    for (String s : says) assertTrue(e.getMessage().contains(s), () -> "'" + e.getMessage() + "' should say '" + s + "'");
  }

  /** A MAT v5 file with one discharge of {@code n} samples, as NASA lays it out. */
  private Path writeMat(String cell, int n) throws IOException {
    double[] t = new double[n];
    for (int i = 0; i < n; i++) t[i] = 10.0 * i;
    Struct data = Mat5.newStruct();
    for (String name : List.of("Voltage_measured", "Current_measured", "Temperature_measured", "Current_load",
        "Voltage_load")) {
      data.set(name, row(t));
    }
    data.set("Time", row(t));
    data.set("Capacity", Mat5.newScalar(1.8));
    Struct cycle = Mat5.newStruct(1, 1);
    cycle.set("type", 0, Mat5.newString("discharge"));
    cycle.set("ambient_temperature", 0, Mat5.newScalar(24));
    cycle.set("time", 0, row(2010, 7, 21, 15, 0, 35.093));
    cycle.set("data", 0, data);
    Struct top = Mat5.newStruct();
    top.set("cycle", cycle);
    Path f = dir.resolve("mat").resolve(cell + ".mat");
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
