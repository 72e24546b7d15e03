package io.cyclelake.ingest.mapped;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.QuarantineRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More bad files for the mapped-CSV core, read through the bdf mapping: each is read with the damage tolerated, or
 * yields quarantine rows or an error naming file and line, and the rows add up.
 */
class MappedBadInputTest {
  @TempDir Path dir;

  static final CsvMapping BDF = BdfReader.mapping("*.csv*", CsvMapping.SignPolicy.FAIL);
  static final String HEADER = "Test Time / s,Voltage / V,Current / A,Cycle Count / 1";

  static List<String> lines() {
    List<String> out = new ArrayList<>();
    for (Profile.Row r : Profile.cycles(2)) {
      out.add(String.format(Locale.ROOT, "%s,%s,%s,%d", r.timeS(), r.voltageV(), r.currentA(), r.cycle()));
    }
    return out;
  }

  record Read(List<MappedRow> rows, List<QuarantineRecord> rejected, MappedCsvFile.Summary summary) {}

  Read read(Path f) throws IOException {
    List<MappedRow> rows = new ArrayList<>();
    List<QuarantineRecord> q = new ArrayList<>();
    MappedCsvFile.Summary s = MappedCsvFile.read(f, BDF, "bdf", "C", rows::add, q::add);
    assertEquals(s.dataLines(), rows.size() + q.size(), "rows read = accepted + quarantined");
    return new Read(rows, q, s);
  }

  @Test
  void byteOrderMarkAndExcelSepLineAreTolerated() throws IOException {
    Path f = dir.resolve("bom.csv");
    Files.writeString(f, "\uFEFFsep=,\n" + HEADER + "\n" + String.join("\n", lines()) + "\n");
    Read r = read(f);
    assertEquals(lines().size(), r.rows().size());
    assertEquals(3, r.rows().get(0).line(), "the sep= line and the header come first");
  }

  @Test
  void nanAndBlankLines() throws IOException {
    List<String> l = lines();
    l.set(2, "120.0,NaN,1.0,1");
    l.add(5, "");
    Path f = dir.resolve("nan.csv");
    Files.writeString(f, HEADER + "\n" + String.join("\n", l) + "\n");
    Read r = read(f);
    assertEquals(1, r.rejected().size());
    assertEquals("required", r.rejected().get(0).rule());
    assertEquals(4, r.rejected().get(0).sourceLine());
    assertEquals(l.size() - 1, r.summary().dataLines(), "a blank line is no data");
  }

  @Test
  void aTruncatedGzipKeepsItsRowsQuarantinesTheCutLineAndThrows() throws IOException {
    byte[] whole;
    try (var b = new java.io.ByteArrayOutputStream(); OutputStream z = new GZIPOutputStream(b)) {
      z.write((HEADER + "\n" + String.join("\n", lines()) + "\n").getBytes(StandardCharsets.UTF_8));
      z.close();
      whole = b.toByteArray();
    }
    Path f = dir.resolve("cut.csv.gz");
    Files.write(f, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
    List<MappedRow> rows = new ArrayList<>();
    List<QuarantineRecord> q = new ArrayList<>();
    CycleLakeException e = assertThrows(CycleLakeException.class,
        () -> MappedCsvFile.read(f, BDF, "bdf", "C", rows::add, q::add));
    assertTrue(e.getCause() instanceof java.io.EOFException, e.toString());
    assertEquals(f.toString(), e.where().orElseThrow().file());
    assertTrue(rows.size() > 10, rows.size() + " rows before the cut");
    assertEquals(List.of("truncated"), q.stream().map(QuarantineRecord::rule).toList());
    assertEquals(rows.size() + 2L, q.get(0).sourceLine());
  }

  @Test
  void emptyFileAndAColumnNamedTwiceFailWithFileAndLine() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.csv"), "");
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> read(empty));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertEquals(empty.toString(), e.where().orElseThrow().file());
    Path twice = Files.writeString(dir.resolve("twice.csv"), HEADER + ",Voltage / V\n1,2,3,4,5\n");
    e = assertThrows(CycleLakeException.class, () -> read(twice));
    assertEquals(1, e.where().orElseThrow().line());
    assertEquals(5, e.where().orElseThrow().column());
  }

  @Test
  void unknownColumnsAreIgnoredAndOptionalOnesMayBeMissing() throws IOException {
    Path f = Files.writeString(dir.resolve("extra.csv"), "Vendor / 1,Test Time / s,Voltage / V,Current / A\n"
        + "x,0,3.7,1.5\n");
    Read r = read(f);
    assertEquals(1, r.rows().size());
    assertEquals(null, r.rows().get(0).cycle());
    assertEquals(1.5, r.rows().get(0).currentA());
  }

  @Test
  void theReaderNamesAFileThatIsNotCsvAtAll() throws IOException {
    Files.write(dir.resolve("binary.csv"), new byte[] {0x50, 0x4b, 0x03, 0x04, 0, 1, 2, 3});
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> new BdfReader()
        .configured(com.typesafe.config.ConfigFactory.empty()).plan(dir, com.typesafe.config.ConfigFactory.empty(),
            java.util.Set.of()));
    assertTrue(e.getMessage().contains("no file could be read"), e.getMessage());
    assertTrue(e.where().orElseThrow().file().endsWith("binary.csv"));
  }
}
