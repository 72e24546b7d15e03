package io.cyclelake.ingest.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic fleet: NASA layout, internal consistency, the ageing physics, determinism and spec validation. */
class SyntheticFleetTest {
  static final FleetSpec SMALL = new FleetSpec(2, 20, List.of(24.0, 43.0), 10.0, 7L);
  /** 20 s sampling keeps the 200-cycle fleet cheap; only its capacities are used. */
  static final FleetSpec LONG_24 = new FleetSpec(1, 200, List.of(24.0), 20.0, 11L);
  /** The same seed at 24 and 43 °C gives the same cell parameters; ageing spans the spec's cycles, so 60 suffice. */
  static final FleetSpec MID_24 = new FleetSpec(1, 60, List.of(24.0), 10.0, 11L);
  static final FleetSpec MID_43 = new FleetSpec(1, 60, List.of(43.0), 10.0, 11L);

  @TempDir static Path tmp;
  static Path small;
  static SyntheticFleet.Summary smallSummary;
  static List<Meta> smallMeta;
  /** The small fleet's series, keyed by "S0001/charge" etc. */
  static Map<String, Map<Long, List<Sample>>> smallSeries;
  static List<Meta> long24;
  static Fleet mid24;
  static Fleet mid43;

  /** One metadata.csv row. */
  record Meta(String type, String startTime, String ambient, String cell, int testId, long uid, String filename,
      String capacity, String re, String rct) {}

  /** One time-series line: the operation's uid then the six numbers. */
  record Sample(long uid, double v, double i, double temp, double instrI, double instrV, double time) {}

  /** A written fleet read back: metadata plus the samples of each operation, by uid. */
  record Fleet(List<Meta> meta, Map<Long, List<Sample>> discharges) {
    List<Double> capacities() {
      return SyntheticFleetTest.capacities(meta);
    }
  }

  static List<Double> capacities(List<Meta> meta) {
    List<Double> caps = new ArrayList<>();
    for (Meta m : meta) if (m.type().equals("discharge")) caps.add(Double.parseDouble(m.capacity()));
    return caps;
  }

  @BeforeAll
  static void writeFleets() throws IOException {
    small = tmp.resolve("small");
    smallSummary = SyntheticFleet.write(SMALL, small);
    smallMeta = readMetadata(small);
    smallSeries = new LinkedHashMap<>();
    for (String cell : smallSummary.cellIds()) {
      for (String type : List.of("charge", "discharge")) {
        smallSeries.put(cell + "/" + type, readSeries(small, cell, type));
      }
    }
    long24 = readMetadata(SyntheticFleet.write(LONG_24, tmp.resolve("long24")).dir());
    mid24 = readFleet(SyntheticFleet.write(MID_24, tmp.resolve("mid24")).dir(), "S0001");
    mid43 = readFleet(SyntheticFleet.write(MID_43, tmp.resolve("mid43")).dir(), "S0001");
  }

  // 1. Layout, headers and the metadata's bookkeeping.
  @Test
  void layoutHeadersAndMetadataBookkeeping() throws IOException {
    assertEquals(List.of("S0001", "S0002"), smallSummary.cellIds());
    assertEquals(2 * 2 * 20, smallSummary.operations());
    for (String cell : smallSummary.cellIds()) {
      assertTrue(Files.isRegularFile(small.resolve("timeseries/discharge/" + cell + "_discharge.csv.gz")));
      assertTrue(Files.isRegularFile(small.resolve("timeseries/charge/" + cell + "_charge.csv.gz")));
    }
    assertTrue(Files.isRegularFile(small.resolve("PROVENANCE.md")));

    byte[] raw = Files.readAllBytes(small.resolve("metadata.csv"));
    assertFalse(new String(raw, StandardCharsets.UTF_8).contains("\r"), "LF line endings only");
    assertEquals('\n', raw[raw.length - 1], "trailing newline");
    assertEquals(SyntheticFleet.METADATA_HEADER, Files.readAllLines(small.resolve("metadata.csv")).get(0));
    assertEquals("type,start_time,ambient_temperature,battery_id,test_id,uid,filename,Capacity,Re,Rct",
        SyntheticFleet.METADATA_HEADER);
    assertEquals(SMALL.cells() * 2 * SMALL.cyclesPerCell(), smallMeta.size());

    Map<String, Integer> nextTestId = new LinkedHashMap<>();
    for (int k = 0; k < smallMeta.size(); k++) {
      Meta m = smallMeta.get(k);
      assertEquals(k + 1, m.uid(), "uids run 1..N in file order");
      assertEquals(String.format("%05d.csv", m.uid()), m.filename());
      int expected = nextTestId.merge(m.cell(), 1, Integer::sum) - 1;
      assertEquals(expected, m.testId(), "test_id counts the cell's operations from 0");
      assertEquals(expected % 2 == 0 ? "charge" : "discharge", m.type());
      assertEquals(m.cell().equals("S0001") ? "24" : "43", m.ambient());
      assertEquals("", m.re());
      assertEquals("", m.rct());
      if (m.type().equals("charge")) {
        assertEquals("", m.capacity());
      } else {
        double cap = Double.parseDouble(m.capacity());
        assertTrue(cap > 1.0 && cap < 2.1, "plausible capacity " + cap);
      }
      assertTrue(m.startTime().matches("\\[\\d{4}\\.( +\\d+\\.\\d*){5}]"), m.startTime());
    }
    assertEquals(Map.of("S0001", 40, "S0002", 40), nextTestId);
  }

  // 1b. start_time is a numpy date vector advancing by each operation's duration plus 30 minutes of rest.
  @Test
  void startTimesAdvanceByDurationPlusRest() {
    assertEquals("[2010.       7.      21.      15.       0.      35.093]",
        SyntheticFleet.numpyDateVector(LocalDateTime.of(2010, 7, 21, 15, 0, 35, 93_000_000)));
    assertEquals("[2020.    1.    1.    0.    0.    0.]",
        SyntheticFleet.numpyDateVector(LocalDateTime.of(2020, 1, 1, 0, 0)));

    Map<Long, Double> durations = new TreeMap<>();
    for (String cell : smallSummary.cellIds()) {
      for (String type : List.of("charge", "discharge")) {
        for (var e : smallSeries.get(cell + "/" + type).entrySet()) {
          List<Sample> s = e.getValue();
          durations.put(e.getKey(), s.get(s.size() - 1).time());
        }
      }
    }
    for (int k = 0; k < smallMeta.size(); k++) {
      Meta m = smallMeta.get(k);
      LocalDateTime start = parseDateVector(m.startTime());
      if (m.testId() == 0) {
        assertEquals(LocalDateTime.of(2020, 1, 1, 0, 0), start);
      } else {
        LocalDateTime prev = parseDateVector(smallMeta.get(k - 1).startTime());
        double expectedS = durations.get(m.uid() - 1) + 1800.0;
        assertEquals(expectedS, Duration.between(prev, start).toMillis() / 1000.0, 1e-3);
      }
    }
  }

  // 2. Every series line belongs to a metadata operation of the same type; time and current signs behave.
  @Test
  void seriesMatchMetadataTimeAndCurrentSigns() {
    Map<Long, Meta> byUid = new LinkedHashMap<>();
    for (Meta m : smallMeta) byUid.put(m.uid(), m);
    long lines = 0;
    int operations = 0;
    for (String cell : smallSummary.cellIds()) {
      for (String type : List.of("charge", "discharge")) {
        Map<Long, List<Sample>> ops = smallSeries.get(cell + "/" + type);
        assertEquals(SMALL.cyclesPerCell(), ops.size(), cell + " " + type + " operations");
        long previousUid = 0;
        for (var e : ops.entrySet()) {
          Meta m = byUid.get(e.getKey());
          assertNotNull(m, "uid " + e.getKey() + " is in metadata.csv");
          assertEquals(type, m.type());
          assertEquals(cell, m.cell());
          assertTrue(e.getKey() > previousUid, "operations in test_id order");
          previousUid = e.getKey();
          List<Sample> s = e.getValue();
          double ambient = Double.parseDouble(m.ambient());
          assertTrue(s.size() > 50, "enough samples: " + s.size());
          assertEquals(0.0, s.get(0).time());
          for (int k = 0; k < s.size(); k++) {
            Sample x = s.get(k);
            if (k > 0) {
              assertTrue(x.time() > s.get(k - 1).time(), "Time increases strictly");
              assertEquals(SMALL.sampleIntervalS(), x.time() - s.get(k - 1).time(), 1e-9);
            }
            if (type.equals("discharge")) {
              if (k > 0) assertTrue(x.i() <= 0.0, () -> "discharge current <= 0 after the rest sample: " + x);
              else assertEquals(0.0, x.i(), 0.01, "first discharge sample is at rest");
              assertEquals(Math.round(-x.i() * 1e4) / 1e4, x.instrI(), 1e-12, "Current_load = -Current_measured");
            } else {
              assertTrue(x.i() >= 0.0, () -> "charge current >= 0: " + x);
              assertEquals(Math.round(x.i() * 1e4) / 1e4, x.instrI(), 1e-12, "Current_charge = Current_measured");
            }
            assertTrue(x.v() > 2.5 && x.v() < 4.25, () -> "voltage in range: " + x);
            assertTrue(Math.abs(x.temp() - ambient) < 8.0, () -> "temperature near ambient: " + x);
          }
          Sample last = s.get(s.size() - 1);
          if (type.equals("discharge")) {
            assertTrue(last.v() < 2.71, "discharge ends at the 2.7 V cut-off: " + last);
          } else {
            assertEquals(4.2, last.v(), 0.006, "charge ends in CV at 4.2 V");
            assertTrue(last.i() < 0.03, "CV ends near 0.02 A: " + last);
          }
          lines += s.size();
          operations++;
        }
      }
    }
    assertEquals(smallMeta.size(), operations);
    assertEquals(smallSummary.samples(), lines);
  }

  // 3. Capacity is the trapezoid coulomb count of the discharge's own samples.
  @Test
  void capacityIsTheCoulombCountOfTheDischarge() {
    Map<Long, Meta> byUid = new LinkedHashMap<>();
    for (Meta m : smallMeta) byUid.put(m.uid(), m);
    for (String cell : smallSummary.cellIds()) {
      for (var e : smallSeries.get(cell + "/discharge").entrySet()) {
        double expected = coulombCountAh(e.getValue());
        double capacity = Double.parseDouble(byUid.get(e.getKey()).capacity());
        assertEquals(expected, capacity, 1e-9 * expected, "uid " + e.getKey());
      }
    }
  }

  // 4. Fade over 200 cycles at 24 °C, with a knee.
  @Test
  void fadeHasAKnee() {
    List<Double> caps = capacities(long24);
    assertEquals(200, caps.size());
    double ratio = caps.get(199) / caps.get(0);
    assertTrue(ratio > 0.6 && ratio < 0.9, "end/initial capacity " + ratio);
    // Mean fade per cycle over cycles 0..99 and 160..199; each end is a 3-cycle mean against sampling jitter.
    double early = (mean(caps, 0) - mean(caps, 97)) / 97.0;
    double late = (mean(caps, 160) - mean(caps, 197)) / 37.0;
    assertTrue(early > 0, "capacity fades in the first half");
    assertTrue(late >= 2.0 * early, "knee: late fade/cycle " + late + " vs early " + early);
  }

  // 5. The same cell (same seed-derived parameters) fades faster at 43 °C than at 24 °C.
  @Test
  void hotCellFadesFaster() {
    List<Double> c24 = mid24.capacities();
    List<Double> c43 = mid43.capacities();
    assertEquals(c24.get(0), c43.get(0), 0.02 * c24.get(0), "comparable initial capacity");
    double fade24 = 1.0 - c24.get(59) / c24.get(0);
    double fade43 = 1.0 - c43.get(59) / c43.get(0);
    assertTrue(fade43 > 1.2 * fade24, "fade at 43 °C " + fade43 + " vs 24 °C " + fade24);
  }

  // 6. Incremental capacity: the main dQ/dV peak moves to a lower voltage and shrinks with ageing (first vs last
  // discharge of a cell aged over 60 cycles at 24 °C, 10 s sampling).
  @Test
  void icaPeakShiftsDownAndShrinks() {
    List<Long> uids = new ArrayList<>(mid24.discharges().keySet());
    double[] fresh = highestIcaPeak(mid24.discharges().get(uids.get(0)));
    double[] aged = highestIcaPeak(mid24.discharges().get(uids.get(uids.size() - 1)));
    assertTrue(aged[0] < fresh[0], "peak voltage aged " + aged[0] + " < fresh " + fresh[0]);
    assertTrue(aged[1] < fresh[1], "peak height aged " + aged[1] + " < fresh " + fresh[1]);
    assertTrue(fresh[0] > 3.0 && fresh[0] < 3.6, "fresh peak in the plateau: " + fresh[0]);
  }

  // 7. Same spec, same bytes.
  @Test
  void sameSpecGivesIdenticalBytes() throws IOException {
    Path again = tmp.resolve("again");
    SyntheticFleet.write(SMALL, again);
    for (String f : List.of("metadata.csv", "PROVENANCE.md", "timeseries/discharge/S0002_discharge.csv.gz",
        "timeseries/charge/S0001_charge.csv.gz")) {
      assertArrayEquals(Files.readAllBytes(small.resolve(f)), Files.readAllBytes(again.resolve(f)), f);
    }
    SyntheticFleet.write(new FleetSpec(2, 20, List.of(24.0, 43.0), 10.0, 8L), again);
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(small.resolve("metadata.csv")),
        Files.readAllBytes(again.resolve("metadata.csv"))), "another seed gives another fleet");
  }

  // 7b. Rewriting a smaller fleet removes the stale cell files; a foreign data set is never overwritten.
  @Test
  void ownsItsFilesAndLeavesOthersAlone() throws IOException {
    Path dir = tmp.resolve("rewrite");
    SyntheticFleet.write(new FleetSpec(3, 2, List.of(24.0), 10.0, 1L), dir);
    assertTrue(Files.exists(dir.resolve("timeseries/charge/S0003_charge.csv.gz")));
    SyntheticFleet.Summary s = SyntheticFleet.write(new FleetSpec(1, 2, List.of(24.0), 10.0, 1L), dir);
    assertEquals(List.of("S0001"), s.cellIds());
    assertFalse(Files.exists(dir.resolve("timeseries/charge/S0003_charge.csv.gz")));
    assertFalse(Files.exists(dir.resolve("timeseries/discharge/S0002_discharge.csv.gz")));

    Path foreign = tmp.resolve("foreign");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("metadata.csv"), "type,start_time\n");
    assertThrows(FileAlreadyExistsException.class, () -> SyntheticFleet.write(SMALL, foreign));
    assertEquals("type,start_time\n", Files.readString(foreign.resolve("metadata.csv")));
    Path documented = tmp.resolve("documented");
    Files.createDirectories(documented);
    Files.writeString(documented.resolve("PROVENANCE.md"), "# CALCE CS2, measured\n");
    assertThrows(FileAlreadyExistsException.class, () -> SyntheticFleet.write(SMALL, documented));
    assertEquals("# CALCE CS2, measured\n", Files.readString(documented.resolve("PROVENANCE.md")));
  }

  // 8. Invalid specs name the field.
  @Test
  void invalidSpecNamesTheField() {
    assertField("cells", () -> new FleetSpec(0, 20, List.of(24.0), 10.0, 1L));
    assertField("cyclesPerCell", () -> new FleetSpec(1, 1, List.of(24.0), 10.0, 1L));
    assertField("ambientTemperaturesC", () -> new FleetSpec(1, 20, List.of(), 10.0, 1L));
    assertField("ambientTemperaturesC", () -> new FleetSpec(1, 20, null, 10.0, 1L));
    assertField("ambientTemperaturesC", () -> new FleetSpec(1, 20, List.of(24.0, Double.NaN), 10.0, 1L));
    assertField("sampleIntervalS", () -> new FleetSpec(1, 20, List.of(24.0), 0.0, 1L));
    assertField("sampleIntervalS", () -> new FleetSpec(1, 20, List.of(24.0), Double.NaN, 1L));
    FleetSpec demo = FleetSpec.demo();
    assertEquals(new FleetSpec(6, 200, List.of(4.0, 24.0, 43.0), 10.0, 42L), demo);
    assertEquals(4.0, demo.ambientTemperatureC(3));
  }

  // 9. The provenance says what this is.
  @Test
  void provenanceSaysSynthetic() throws IOException {
    String text = Files.readString(small.resolve("PROVENANCE.md"));
    assertTrue(text.contains("SYNTHETIC"));
    assertTrue(text.contains("not measured"));
    assertTrue(text.contains("seed=7"));
    long lines = text.lines().count();
    assertTrue(lines >= 5 && lines <= 15, lines + " lines");
  }

  private static void assertField(String field, org.junit.jupiter.api.function.Executable make) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make);
    assertTrue(e.getMessage().contains(field), "message names " + field + ": " + e.getMessage());
  }

  /** {voltage, height in Ah/V} of the fullest 10 mV bin of charge passed during the CC part of a discharge. */
  private static double[] highestIcaPeak(List<Sample> s) {
    Map<Long, Double> bins = new TreeMap<>();
    for (int k = 2; k < s.size(); k++) {
      double dq = 0.5 * (Math.abs(s.get(k - 1).i()) + Math.abs(s.get(k).i())) * (s.get(k).time() - s.get(k - 1).time())
          / 3600.0;
      bins.merge((long) Math.floor(s.get(k).v() / 0.01), dq, Double::sum);
    }
    long best = -1;
    double height = -1;
    for (var e : bins.entrySet()) {
      if (e.getValue() > height) {
        height = e.getValue();
        best = e.getKey();
      }
    }
    return new double[] {(best + 0.5) * 0.01, height / 0.01};
  }

  private static double mean(List<Double> xs, int from) {
    return (xs.get(from) + xs.get(from + 1) + xs.get(from + 2)) / 3.0;
  }

  private static double coulombCountAh(List<Sample> s) {
    double ah = 0.0;
    for (int k = 1; k < s.size(); k++) {
      ah += 0.5 * (Math.abs(s.get(k - 1).i()) + Math.abs(s.get(k).i())) * (s.get(k).time() - s.get(k - 1).time())
          / 3600.0;
    }
    return ah;
  }

  private static LocalDateTime parseDateVector(String text) {
    String[] p = text.substring(1, text.length() - 1).strip().split("\\s+");
    double sec = Double.parseDouble(p[5]);
    return LocalDateTime.of((int) Double.parseDouble(p[0]), (int) Double.parseDouble(p[1]),
        (int) Double.parseDouble(p[2]), (int) Double.parseDouble(p[3]), (int) Double.parseDouble(p[4]), 0)
        .plusNanos(Math.round(sec * 1e9));
  }

  private static Fleet readFleet(Path dir, String cell) throws IOException {
    return new Fleet(readMetadata(dir), readSeries(dir, cell, "discharge"));
  }

  private static List<Meta> readMetadata(Path dir) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("metadata.csv"));
    List<Meta> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      assertEquals(10, f.length, line);
      out.add(new Meta(f[0], f[1], f[2], f[3], Integer.parseInt(f[4]), Long.parseLong(f[5]), f[6], f[7], f[8],
          f[9]));
    }
    return out;
  }

  /** The samples of one cell's charge or discharge file, by uid in file order; checks the header and line endings. */
  private static Map<Long, List<Sample>> readSeries(Path dir, String cell, String type) throws IOException {
    Path file = dir.resolve("timeseries").resolve(type).resolve(cell + "_" + type + ".csv.gz");
    String text;
    try (var in = new GZIPInputStream(Files.newInputStream(file))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertFalse(text.contains("\r"), "LF line endings in " + file);
    assertTrue(text.endsWith("\n"), "trailing newline in " + file);
    Map<Long, List<Sample>> ops = new LinkedHashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))) {
      String header = r.readLine();
      assertEquals(type.equals("charge") ? SyntheticFleet.CHARGE_HEADER : SyntheticFleet.DISCHARGE_HEADER, header);
      assertEquals(type.equals("charge")
          ? "uid,Voltage_measured,Current_measured,Temperature_measured,Current_charge,Voltage_charge,Time"
          : "uid,Voltage_measured,Current_measured,Temperature_measured,Current_load,Voltage_load,Time", header);
      long lastUid = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split(",", -1);
        assertEquals(7, f.length, line);
        Sample s = new Sample(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
            Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]));
        if (s.uid() < lastUid) throw new AssertionError("operations out of uid order at: " + line);
        lastUid = s.uid();
        ops.computeIfAbsent(s.uid(), u -> new ArrayList<>()).add(s);
      }
    }
    return ops;
  }
}
