package io.cyclelake.ingest.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inverter logger reader on handwritten files (no Spark). */
class LoggerCsvReaderTest {
  @TempDir Path dir;

  static TelemetryReader reader(String... sets) {
    return TelemetryReaders.byName("inverter").configured(TestSpark.config(sets).getConfig("cyclelake.ingest.inverter"));
  }

  record Parsed(List<TelemetrySample> samples, List<QuarantineRecord> quarantined) {}

  static Parsed parse(TelemetryReader r, Path f) throws Exception {
    List<TelemetrySample> s = new ArrayList<>();
    List<QuarantineRecord> q = new ArrayList<>();
    r.parse(new InputFile(f.toString(), "logger-csv"), new TelemetrySink() {
      @Override
      public void sample(TelemetrySample x) {
        s.add(x);
      }

      @Override
      public void quarantine(QuarantineRecord x) {
        q.add(x);
      }
    });
    return new Parsed(s, q);
  }

  static int ch(String name) {
    return Tables.TELEMETRY_CHANNELS.indexOf(name);
  }

  @Test
  void bomSepLineDecimalCommaUnitsInHeadersAndValues() throws Exception {
    Path f = dir.resolve("INV7_20260701_00.csv");
    Files.writeString(f, "\uFEFFsep=;\n"
        + "Timestamp;DC Bus Voltage (V);IGBT Temp (°C);T_coolant [K];DC Bus Current [mA];Ambient Temp [°F];Status\n"
        + "2026-07-01 10:00:00.250;650,5 V;45,3 °C;300,15;12 A;68;RUN\n"
        + "2026-07-01 10:00:00.750;649,0;46,0;301,15 K;;68,0 °F;RUN\n"
        + "2026-07-01 10:00:01.250;649,0;n/a;301,15;;68;RUN\n"
        + "2026-07-01 10:00:01.750;649,0;46.5;301,15;;68;RUN\n"
        + "2026-07-01 10:00:02.250;649,0;47,0 V;301,15;;68;RUN\n"
        + "2026-07-01 10:00:02.750;649,0;47,0;301,15;;68\n"
        + "2026-07-01 10:00:00.500;649,0;47,0;301,15;;68;RUN\n"
        + "2026-07-01 25:00:03.000;649,0;47,0;301,15;;68;RUN\n"
        + "2026-07-01 10:00:03.250;649,0;300;301,15;;68;RUN\n", StandardCharsets.UTF_8);
    TelemetryReader r = reader();
    Parsed p = parse(r, f);
    assertEquals(2, p.samples().size());
    TelemetrySample a = p.samples().get(0);
    assertEquals("INV7", a.deviceId());
    assertEquals(Instant.parse("2026-07-01T10:00:00.250Z").toEpochMilli() * 1000, a.epochMicros());
    assertEquals(650.5, a.channels()[ch("dc_bus_voltage_v")], 1e-12);
    assertEquals(45.3, a.channels()[ch("igbt_temp_c")], 1e-12);
    assertEquals(27.0, a.channels()[ch("coolant_temp_c")], 1e-9);       // 300.15 K
    assertEquals(12.0, a.channels()[ch("dc_bus_current_a")], 1e-12);    // value's own unit A wins over [mA]
    assertEquals(20.0, a.channels()[ch("ambient_temp_c")], 1e-9);       // 68 degF
    assertTrue(Double.isNaN(a.channels()[ch("heatsink_temp_c")]));     // not logged
    assertTrue(Double.isNaN(p.samples().get(1).channels()[ch("dc_bus_current_a")])); // empty field = null
    assertEquals(3, a.sourceLine());
    // one quarantine record per bad line, with line, column and header name
    List<String> got = p.quarantined().stream()
        .map(q -> q.sourceLine() + ":" + q.column() + ":" + q.columnName() + ":" + q.rule()).toList();
    assertEquals(List.of("5:3:IGBT Temp:number", "6:3:IGBT Temp:number", "7:3:IGBT Temp:unit",
        "8:null:null:field-count", "9:1:Timestamp:time-monotonic", "10:1:Timestamp:timestamp", "11:3:IGBT Temp:range"),
        got);
    assertEquals(9, p.samples().size() + p.quarantined().size());
    assertEquals("columns not mapped to a channel (not ingested): [Status]",
        r.notes(List.of(new InputFile(f.toString(), "logger-csv"))).get(f.toString()));
  }

  @Test
  void aUsersLoggerIsReadThroughTheChannelMapping() throws Exception {
    Path f = dir.resolve("site-A_log.txt");
    Files.writeString(f, "time\tTj [degC]\tTsink [degC]\n2026-07-01T10:00:00\t50.5\t40.0\n");
    TelemetryReader r = reader("ingest.inverter.files=\"*.txt\"", "ingest.inverter.timestamp-column=time",
        "ingest.inverter.timestamp-pattern=\"yyyy-MM-dd'T'HH:mm:ss\"",
        "ingest.inverter.device-pattern=\"^(?<device>site-[A-Z])_\"",
        "ingest.inverter.channels.igbt_temp_c=[Tj]", "ingest.inverter.channels.heatsink_temp_c=[Tsink]");
    assertEquals(1, r.plan(dir).size());
    Parsed p = parse(r, f);
    assertEquals(List.of(), p.quarantined());
    assertEquals("site-A", p.samples().get(0).deviceId());
    assertEquals(50.5, p.samples().get(0).channels()[ch("igbt_temp_c")]);
    assertEquals(40.0, p.samples().get(0).channels()[ch("heatsink_temp_c")]);
  }

  @Test
  void theExampleMappingFileReadsItsLayout() throws Exception {
    Path conf = Path.of(System.getProperty("cyclelake.project.dir", ".")).resolve("conf/sources/example-inverter.conf");
    TelemetryReader r = TelemetryReaders.byName("inverter").configured(io.cyclelake.config.ConfigLoader
        .load(Path.of("does-not-exist"), List.of(conf), List.of()).getConfig("cyclelake.ingest.inverter"));
    Path f = dir.resolve("site-B7_2026-07-01.txt");
    Files.writeString(f, "time\tTj [°C]\tTsink\tUdc [kV]\tIdc [A]\n2026-07-01T12:00:00.500\t61.5\t50.25\t0.65\t120\n");
    Parsed p = parse(r, f);
    assertEquals(List.of(), p.quarantined());
    TelemetrySample s = p.samples().get(0);
    assertEquals("site-B7", s.deviceId());
    assertEquals(Instant.parse("2026-07-01T10:00:00.500Z").toEpochMilli() * 1000, s.epochMicros()); // Berlin, CEST
    assertEquals(650.0, s.channels()[ch("dc_bus_voltage_v")], 1e-9);
    assertEquals(50.25, s.channels()[ch("heatsink_temp_c")], 1e-12);
  }

  @Test
  void aWrongHeaderUnitOrMissingTimeColumnFailsTheFileWithItsLocation() throws Exception {
    Path f = dir.resolve("INV1_x.csv");
    Files.writeString(f, "Timestamp,IGBT Temp [V]\n2026-07-01 10:00:00,1\n");
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> parse(reader(), f));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertEquals(1, e.where().orElseThrow().line());
    assertEquals(2, e.where().orElseThrow().column());
    Files.writeString(f, "Time,IGBT Temp\n2026-07-01 10:00:00,1\n");
    assertEquals(ErrorCode.INPUT_MALFORMED, assertThrows(CycleLakeException.class, () -> parse(reader(), f)).code());
    CycleLakeException c = assertThrows(CycleLakeException.class,
        () -> reader("ingest.inverter.channels.igbt_temp=[x]"));
    assertEquals(ErrorCode.CONFIG_INVALID, c.code());
  }
}
