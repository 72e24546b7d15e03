package io.cyclelake.ingest.nasa;

import io.cyclelake.testkit.CollectingSink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.ImpedanceRecord;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.RecordSink;
import io.cyclelake.ingest.SampleRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NASA reader on small hand-written exports, including the quirks listed in PROVENANCE.md. */
class NasaReaderTest {
  static final String META_HEADER = "type,start_time,ambient_temperature,battery_id,test_id,uid,filename,Capacity,Re,Rct";
  final NasaReader reader = new NasaReader();
  @TempDir Path dir;

  private IngestPlan plan(String... metadataLines) throws IOException {
    Files.writeString(dir.resolve("metadata.csv"), META_HEADER + "\n" + String.join("\n", metadataLines) + "\n");
    return reader.plan(dir, ConfigFactory.parseString("metadata-file = metadata.csv, timeseries-dir = timeseries"),
        Set.of());
  }

  private Path gz(String kind, String cell, String... lines) throws IOException {
    Path d = dir.resolve("timeseries").resolve(kind);
    Files.createDirectories(d);
    Path f = d.resolve(cell + "_" + kind + ".csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return f;
  }


  @Test
  void metadataQuirks() throws IOException {
    IngestPlan p = plan(
        "discharge,[2010.       7.      21.      15.       0.      35.093],4,B0050,0,1,00001.csv,[],,",
        "impedance,[2010    7   21   20   31    5],24,B0050,1,2,00002.csv,,(0.0499-0.0292j),0.2",
        "charge,[2010 7 21 21 0 0],24,B0050,2,3,00003.csv,,,",
        "discharge,[2010 7 22 0 0],4,B0050,3,4,00004.csv,1.5,,",
        "discharge,[2010 7 22 0 0 0],4,B0050,4,5",
        "sleep,[2010 7 22 0 0 0],4,B0050,5,6,00006.csv,,,");
    assertEquals(3, p.operations().size());
    assertEquals(6, p.listingLines());
    Operation d = p.operations().get(0);
    assertNull(d.capacityAh(), "[] means missing");
    assertEquals(4.0, d.ambientTemperatureC());
    assertEquals(0.0499, p.operations().get(1).reOhm(), "complex Re keeps its real part");
    List<QuarantineRecord> q = p.quarantined();
    assertEquals(3, q.size());
    assertEquals(List.of(5L, 6L, 7L), q.stream().map(QuarantineRecord::sourceLine).toList());
    assertEquals(List.of("date-vector", "field-count", "value"), q.stream().map(QuarantineRecord::rule).toList());
    assertEquals(2, q.get(0).column(), "start_time is the 2nd column");
    assertEquals("start_time", q.get(0).columnName());
    assertEquals(1, q.get(2).column());
  }

  @Test
  void samplesBadRowsAndForeignOperationsAreAccountedLineByLine() throws IOException {
    IngestPlan p = plan(
        "charge,[2010 7 21 21 0 0],24,B0007,0,10,00010.csv,,,",
        "discharge,[2010 7 21 23 0 0],24,B0007,1,11,00011.csv,1.8,,");
    Path f = gz("discharge", "B0007",
        "uid,Voltage_measured,Current_measured,Temperature_measured,Current_load,Voltage_load,Time",
        "11,4.19,-0.004,24.3,-0.0006,0.0,0.0",
        "11,3.97,-2.01,24.4,1.9982,3.06,18.7",
        "11,3.95,abc,24.5,1.9982,3.05,37.4",
        "11,3.90,-2.01,24.6,1.9982,3.04",
        "10,3.9,1.5,24.6,1.5,4.7,5.5",
        "99,3.9,-2.0,24.6,2.0,3.0,56.1",
        "11,3.85,-2.01,,1.9982,3.00,56.1");
    CollectingSink c = new CollectingSink();
    reader.parse(new io.cyclelake.ingest.InputFile(f.toString(), "discharge"), CollectingSink.byId(p), c);
    assertEquals(3, c.samples.size());
    assertEquals(List.of(0, 1, 2), c.samples.stream().map(SampleRecord::sampleIndex).toList());
    SampleRecord last = c.samples.get(2);
    assertEquals(8L, last.sourceLine());
    assertNull(last.temperatureC(), "an empty field is missing, not a rejected row");
    assertEquals(-2.01, c.samples.get(1).currentA());
    assertEquals(1.9982, c.samples.get(1).instrumentCurrentA());
    assertEquals(18.7, c.samples.get(1).timeS());
    assertEquals(List.of("number", "field-count", "operation-type", "unknown-operation"),
        c.rejected.stream().map(QuarantineRecord::rule).toList());
    QuarantineRecord text = c.rejected.get(0);
    assertEquals(4L, text.sourceLine());
    assertEquals(3, text.column());
    assertEquals("Current_measured", text.columnName());
    assertEquals("B0007", text.cellId());
    assertEquals(1, text.cycleIndex());
    assertEquals("'abc' is not a number", text.message());
    assertEquals(7, c.samples.size() + c.rejected.size(), "every data line is accounted for");
  }

  @Test
  void impedanceKeepsComplexParts() throws IOException {
    IngestPlan p = plan("impedance,[2010 7 21 21 0 0],24,B0005,0,7,00007.csv,,0.05,0.2");
    Path f = gz("impedance", "B0005",
        "uid,Sense_current,Battery_current,Current_ratio,Battery_impedance,Rectified_impedance",
        "7,(-1+1j),(-1+1j),(1+0j),(-0.438-0.107j),(0.070-0.00048j)",
        "7,(820.6-36.2j),(337.1-82.9j),(2.32+0.46j),(0.130-0.197j),");
    CollectingSink c = new CollectingSink();
    reader.parse(new io.cyclelake.ingest.InputFile(f.toString(), "impedance"), CollectingSink.byId(p), c);
    assertEquals(2, c.points.size());
    Double[] first = c.points.get(0).parts();
    assertEquals(-0.438, first[6]);
    assertEquals(-0.107, first[7]);
    assertEquals(-0.00048, first[9]);
    assertNull(c.points.get(1).parts()[8], "Rectified_impedance is shorter than the sweep");
    assertEquals(1, c.points.get(1).pointIndex());
  }

  @Test
  void aFolderThatIsNoExportIsAClearError() {
    var e = assertThrows(CycleLakeException.class, () -> reader.plan(dir.resolve("nothing"),
        ConfigFactory.parseString("metadata-file = metadata.csv, timeseries-dir = timeseries"), Set.of()));
    assertEquals(ErrorCode.INPUT_MISSING, e.code());
  }

  @Test
  void aHeaderWithoutAColumnNamesIt() throws IOException {
    IngestPlan p = plan("discharge,[2010 7 21 23 0 0],24,B0007,1,11,00011.csv,1.8,,");
    Path f = gz("discharge", "B0007", "uid,Voltage_measured,Current_measured,Time", "11,4.1,-2,0");
    var e = assertThrows(CycleLakeException.class,
        () -> reader.parse(new io.cyclelake.ingest.InputFile(f.toString(), "discharge"), CollectingSink.byId(p), new CollectingSink()));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertEquals(1L, e.where().orElseThrow().line());
    assertEquals(f.toString(), e.where().orElseThrow().file());
  }
}
