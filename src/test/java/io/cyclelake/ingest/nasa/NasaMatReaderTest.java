package io.cyclelake.ingest.nasa;

import io.cyclelake.testkit.CollectingSink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import io.cyclelake.ingest.RecordSink;
import io.cyclelake.ingest.SampleRecord;
import io.cyclelake.ingest.SourceReader;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Struct;

/** The .mat reader: NASA's original B0025.mat against the CSV export of the same cell, and small hand-made files. */
class NasaMatReaderTest {
  static final double REL = 1e-9;
  final NasaMatReader reader = new NasaMatReader();
  @TempDir Path dir;


  private static <T> Map<Integer, List<T>> group(List<T> records, java.util.function.ToIntFunction<T> cycle,
      java.util.function.ToIntFunction<T> index) {
    Map<Integer, List<T>> m = new TreeMap<>();
    for (T t : records) m.computeIfAbsent(cycle.applyAsInt(t), k -> new ArrayList<>()).add(t);
    m.values().forEach(l -> l.sort(Comparator.comparingInt(index)));
    return m;
  }

  /** Largest relative difference seen so far; fails beyond {@link #REL} or on a null mismatch. */
  private static final class Diff {
    double max;
    long values;

    void check(Double mat, Double csv, String what) {
      values++;
      if (mat == null || csv == null) {
        assertEquals(csv, mat, what + ": null in one source only");
        return;
      }
      double scale = Math.max(Math.abs(mat), Math.abs(csv));
      double rel = mat.equals(csv) ? 0 : Math.abs(mat - csv) / scale;
      max = Math.max(max, rel);
      assertTrue(rel <= REL, what + ": .mat " + mat + " vs CSV " + csv);
    }
  }

  /** THE proof: every operation, sample and impedance point of B0025 agrees with the CSV export of the same cell. */
  @Test
  void b0025MatchesTheCsvExport() throws IOException {
    Path nasa = SharedData.require("nasa-pcoe");
    IngestPlan mp = reader.plan(nasa.resolve("original_mat"), ConfigFactory.empty(), Set.of("B0025"));
    NasaReader csvReader = new NasaReader();
    IngestPlan cp = csvReader.plan(nasa,
        ConfigFactory.parseString("metadata-file = metadata.csv, timeseries-dir = timeseries"), Set.of("B0025"));
    assertEquals(List.of(), mp.quarantined());
    assertEquals(List.of(), cp.quarantined());
    assertEquals(1, mp.files().size());
    assertEquals("mat", mp.files().get(0).kind());
    assertEquals(80, mp.operations().size());
    assertEquals(cp.operations().size(), mp.operations().size());
    assertEquals(80, mp.listingLines());

    Map<Integer, Operation> csvOps = new TreeMap<>();
    cp.operations().forEach(o -> csvOps.put(o.cycleIndex(), o));
    Diff diff = new Diff();
    int startDiffers = 0;
    for (Operation m : mp.operations()) {
      Operation c = csvOps.get(m.cycleIndex());
      String at = "B0025 cycle " + m.cycleIndex();
      assertTrue(c != null, at + " is not in the CSV export");
      assertEquals("B0025", m.cellId());
      assertEquals("B0025/" + m.cycleIndex(), m.sourceOperationId());
      assertEquals(c.cycleType(), m.cycleType(), at);
      diff.check(m.ambientTemperatureC(), c.ambientTemperatureC(), at + " ambient");
      diff.check(m.capacityAh(), c.capacityAh(), at + " capacity");
      diff.check(m.reOhm(), c.reOhm(), at + " Re");
      diff.check(m.rctOhm(), c.rctOhm(), at + " Rct");
      Duration d = Duration.between(c.startTime(), m.startTime()).abs();
      if (d.compareTo(Duration.ofMillis(1)) > 0) {
        startDiffers++;
        assertTrue(d.compareTo(Duration.ofSeconds(1)) < 0, at + " start " + m.startTime() + " vs " + c.startTime());
      }
    }
    assertTrue(startDiffers <= 2, startDiffers + " start times differ by more than 1 ms (numpy rounding: <= 2)");

    CollectingSink ms = new CollectingSink();
    reader.parse(mp.files().get(0), CollectingSink.byId(mp), ms);
    CollectingSink cs = CollectingSink.parseAll(csvReader, cp);
    assertEquals(List.of(), ms.rejected);
    assertEquals(List.of(), cs.rejected);
    Map<Integer, List<SampleRecord>> mSamples = group(ms.samples, SampleRecord::cycleIndex, SampleRecord::sampleIndex);
    Map<Integer, List<SampleRecord>> cSamples = group(cs.samples, SampleRecord::cycleIndex, SampleRecord::sampleIndex);
    Map<Integer, List<ImpedanceRecord>> mPoints = group(ms.points, ImpedanceRecord::cycleIndex,
        ImpedanceRecord::pointIndex);
    Map<Integer, List<ImpedanceRecord>> cPoints = group(cs.points, ImpedanceRecord::cycleIndex,
        ImpedanceRecord::pointIndex);
    Map<Integer, Long> chargeRows = chargeRows(nasa);
    long compared = 0;
    long chargeSamples = 0;
    for (Operation m : mp.operations()) {
      int i = m.cycleIndex();
      String at = "B0025 cycle " + i;
      List<SampleRecord> a = mSamples.getOrDefault(i, List.of());
      List<SampleRecord> b = cSamples.getOrDefault(i, List.of());
      List<ImpedanceRecord> pa = mPoints.getOrDefault(i, List.of());
      List<ImpedanceRecord> pb = cPoints.getOrDefault(i, List.of());
      if (m.cycleType().equals("charge")) {
        // B0025's charge series are not placed in the CSV export: compare the count with cycle_checksums.csv.
        assertEquals(List.of(), b, at);
        assertEquals(chargeRows.get(i), (long) a.size(), at + " charge samples vs original_data_rows");
        assertEquals(List.of(), pa, at);
        chargeSamples += a.size();
        for (int k = 0; k < a.size(); k++) {
          assertEquals(k, a.get(k).sampleIndex());
          assertEquals(k + 1L, a.get(k).sourceLine());
        }
        continue;
      }
      assertEquals(b.size(), a.size(), at + " samples");
      assertEquals(pb.size(), pa.size(), at + " impedance points");
      assertTrue(a.size() + pa.size() > 0, at + " has no data");
      for (int k = 0; k < a.size(); k++) {
        SampleRecord x = a.get(k);
        SampleRecord y = b.get(k);
        String w = at + " sample " + k;
        assertEquals(k, x.sampleIndex(), w);
        assertEquals(k + 1L, x.sourceLine(), w);
        assertEquals(y.cycleType(), x.cycleType(), w);
        diff.check(x.timeS(), y.timeS(), w + " time");
        diff.check(x.voltageV(), y.voltageV(), w + " voltage");
        diff.check(x.currentA(), y.currentA(), w + " current");
        diff.check(x.temperatureC(), y.temperatureC(), w + " temperature");
        diff.check(x.instrumentCurrentA(), y.instrumentCurrentA(), w + " instrument current");
        diff.check(x.instrumentVoltageV(), y.instrumentVoltageV(), w + " instrument voltage");
        compared++;
      }
      for (int k = 0; k < pa.size(); k++) {
        ImpedanceRecord x = pa.get(k);
        ImpedanceRecord y = pb.get(k);
        assertEquals(k, x.pointIndex());
        for (int p = 0; p < ImpedanceRecord.PARTS; p++) {
          diff.check(x.parts()[p], y.parts()[p], at + " point " + k + " part " + p);
        }
        compared++;
      }
    }
    assertEquals(cs.samples.size() + cs.points.size(), compared, "every CSV record was matched");
    System.out.printf("nasa-mat vs nasa CSV, B0025: %d operations, %d samples + %d impedance points compared "
            + "(%d values), %d charge samples checked against cycle_checksums.csv, %d start times differ by "
            + "numpy rounding, max rel diff %g%n", mp.operations().size(), cs.samples.size(), cs.points.size(),
        diff.values, chargeSamples, startDiffers, diff.max);
  }

  /** original_data_rows of B0025's charge operations by test_id. */
  private static Map<Integer, Long> chargeRows(Path nasa) throws IOException {
    List<String> lines = Files.readAllLines(nasa.resolve("cycle_checksums.csv"));
    List<String> h = List.of(lines.get(0).split(","));
    Map<Integer, Long> rows = new HashMap<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      if (f[h.indexOf("battery_id")].equals("B0025") && f[h.indexOf("type")].equals("charge")) {
        rows.put(Integer.parseInt(f[h.indexOf("test_id")]), Long.parseLong(f[h.indexOf("original_data_rows")]));
      }
    }
    return rows;
  }

  @Test
  void truncatedFileIsMalformed() throws IOException {
    Path nasa = SharedData.require("nasa-pcoe");
    byte[] all = Files.readAllBytes(nasa.resolve("original_mat/B0025.mat"));
    Path f = dir.resolve("B0025.mat");
    Files.write(f, Arrays.copyOf(all, all.length / 2));
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> reader.plan(dir, ConfigFactory.empty(),
        Set.of()));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertEquals(f.toString(), e.where().orElseThrow().file());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    CycleLakeException p = assertThrows(CycleLakeException.class,
        () -> reader.parse(new InputFile(f.toString(), "mat"), Map.of(), new CollectingSink()));
    assertEquals(ErrorCode.INPUT_MALFORMED, p.code());
    assertEquals(f.toString(), p.where().orElseThrow().file());
  }

  @Test
  void hdf5FileSaysV73IsNotSupported() throws IOException {
    Path f = dir.resolve("B0099.mat");
    byte[] b = new byte[1024];
    byte[] sig = "\u0089HDF\r\n\u001a\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    System.arraycopy(sig, 0, b, 0, sig.length);
    Files.write(f, b);
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> reader.plan(f, ConfigFactory.empty(),
        Set.of()));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertEquals(f.toString(), e.where().orElseThrow().file());
    assertTrue(e.getMessage().contains("v7.3") && e.getMessage().contains("HDF5"), e.getMessage());
  }

  @Test
  void emptyFolderAndRegistration() {
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> reader.plan(dir, ConfigFactory.empty(),
        Set.of()));
    assertEquals(ErrorCode.INPUT_MISSING, e.code());
    assertInstanceOf(NasaMatReader.class, SourceReaders.byName("nasa-mat"));
  }

  // ---- small hand-made files (no shared data needed) ----

  private static Matrix row(double... v) {
    Matrix m = Mat5.newMatrix(1, v.length);
    for (int i = 0; i < v.length; i++) m.setDouble(i, v[i]);
    return m;
  }

  private static Matrix complexColumn(int n, double re0, double im0) {
    Matrix m = Mat5.newComplex(n, 1);
    for (int i = 0; i < n; i++) {
      m.setDouble(i, re0 + i);
      m.setImaginaryDouble(i, im0 - i);
    }
    return m;
  }

  private static Struct data(Object... nameValue) {
    Struct s = Mat5.newStruct();
    for (int i = 0; i < nameValue.length; i += 2) s.set((String) nameValue[i], (Array) nameValue[i + 1]);
    return s;
  }

  private static void cycle(Struct c, int i, String type, Matrix time, Struct data) {
    c.set("type", i, Mat5.newString(type));
    c.set("ambient_temperature", i, Mat5.newScalar(24));
    c.set("time", i, time);
    c.set("data", i, data);
  }

  private Path write(String cell, Struct cycles) throws IOException {
    Struct top = Mat5.newStruct();
    top.set("cycle", cycles);
    MatFile mat = Mat5.newMatFile().addArray(cell, top);
    Path f = dir.resolve(cell + ".mat");
    Mat5.writeToFile(mat, f.toFile());
    return f;
  }

  private static Struct dischargeData(Array capacity, double... volts) {
    int n = volts.length;
    double[] t = new double[n];
    for (int i = 0; i < n; i++) t[i] = 10.0 * i;
    return data("Voltage_measured", row(volts), "Current_measured", row(filled(n, -2)),
        "Temperature_measured", row(filled(n, 25)), "Current_load", row(filled(n, 2)),
        "Voltage_load", row(filled(n, 3)), "Time", row(t), "Capacity", capacity);
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  @Test
  void handMadeFileQuirks() throws IOException {
    Struct c = Mat5.newStruct(1, 5);
    Matrix date = row(2010, 7, 21, 15, 0, 35.093);
    cycle(c, 0, "discharge", date, dischargeData(Mat5.EMPTY_MATRIX, 4.1, Double.NaN, 3.9));
    Matrix re = Mat5.newComplexScalar(0.0499, -0.0292);
    cycle(c, 1, "impedance", row(2010, 7, 21, 20, 31, 5), data("Sense_current", complexColumn(4, 1, 0),
        "Battery_current", complexColumn(4, 2, 0), "Current_ratio", complexColumn(4, 3, 0),
        "Battery_impedance", complexColumn(4, 4, 0), "Rectified_Impedance", complexColumn(2, 5, 0),
        "Re", re, "Rct", Mat5.newScalar(0.2)));
    cycle(c, 2, "sleep", date, data());
    cycle(c, 3, "discharge", row(2010, 7, 22, 0, 0), dischargeData(Mat5.newScalar(1.5), 4.0, 3.8));
    cycle(c, 4, "discharge", date, dischargeData(Mat5.newScalar(1.4), 4.0, Double.POSITIVE_INFINITY, 3.7));
    Path f = write("B0099", c);

    IngestPlan p = reader.plan(f, ConfigFactory.empty(), Set.of()); // a single file works as input too
    assertEquals(5, p.listingLines());
    assertEquals(List.of(0, 1, 4), p.operations().stream().map(Operation::cycleIndex).toList());
    Operation d = p.operations().get(0);
    assertNull(d.capacityAh(), "[] capacity is missing");
    assertEquals(Instant.parse("2010-07-21T15:00:35.093Z"), d.startTime());
    assertEquals(24.0, d.ambientTemperatureC());
    assertEquals(f.toString(), d.sourceFile());
    assertEquals(0.0499, p.operations().get(1).reOhm(), "complex Re keeps its real part");
    assertEquals(0.2, p.operations().get(1).rctOhm());
    assertEquals(List.of("value", "date-vector"), p.quarantined().stream().map(QuarantineRecord::rule).toList());
    assertEquals(List.of(3L, 4L), p.quarantined().stream().map(QuarantineRecord::sourceLine).toList());

    CollectingSink out = new CollectingSink();
    reader.parse(p.files().get(0), CollectingSink.byId(p), out);
    List<SampleRecord> s0 = out.samples.stream().filter(r -> r.cycleIndex() == 0).toList();
    assertEquals(3, s0.size());
    assertNull(s0.get(1).voltageV(), "NaN is null");
    assertEquals(-2.0, s0.get(1).currentA());
    assertEquals(20.0, s0.get(2).timeS());
    assertEquals(2.0, s0.get(2).instrumentCurrentA());
    assertEquals(3.0, s0.get(2).instrumentVoltageV());
    assertEquals(25.0, s0.get(2).temperatureC());
    assertEquals(3L, s0.get(2).sourceLine());
    assertEquals(4, out.points.size(), "the longest column sets the number of points");
    ImpedanceRecord last = out.points.get(3);
    assertEquals(List.of(4.0, -3.0, 5.0, -3.0, 6.0, -3.0, 7.0, -3.0), Arrays.asList(last.parts()).subList(0, 8));
    assertNull(last.parts()[8]);
    assertNull(last.parts()[9]);
    assertEquals(6.0, out.points.get(1).parts()[8], "Rectified_Impedance is matched ignoring case");
    List<SampleRecord> s4 = out.samples.stream().filter(r -> r.cycleIndex() == 4).toList();
    assertEquals(List.of(0, 1), s4.stream().map(SampleRecord::sampleIndex).toList());
    assertEquals(List.of(1L, 3L), s4.stream().map(SampleRecord::sourceLine).toList());
    Map<String, Long> rules = new TreeMap<>();
    out.rejected.forEach(q -> rules.merge(q.rule() + "@" + q.cycleIndex(), 1L, Long::sum));
    assertEquals(Map.of("finite@4", 1L, "unknown-operation@3", 2L), rules);
  }

  @Test
  void missingFieldIsNamed() throws IOException {
    Struct c = Mat5.newStruct(1, 2);
    Matrix date = row(2010, 7, 21, 15, 0, 35.093);
    cycle(c, 0, "discharge", date, dischargeData(Mat5.newScalar(1.5), 4.0));
    Struct noTime = dischargeData(Mat5.newScalar(1.5), 4.0);
    noTime.remove("Time");
    cycle(c, 1, "discharge", date, noTime);
    Path f = write("B0098", c);
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> reader.plan(dir, ConfigFactory.empty(),
        Set.of("B0098")));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    SourceLocation where = e.where().orElseThrow();
    assertEquals(f.toString(), where.file());
    assertEquals("B0098.cycle(2).data.Time", where.field());

    Files.delete(f);
    Struct top = Mat5.newStruct();
    top.set("cycles", Mat5.newStruct(1, 1));
    Path g = dir.resolve("B0097.mat");
    Mat5.writeToFile(Mat5.newMatFile().addArray("B0097", top), g.toFile());
    CycleLakeException e2 = assertThrows(CycleLakeException.class,
        () -> reader.parse(new InputFile(g.toString(), "mat"), Map.of(), new CollectingSink()));
    assertEquals("B0097.cycle", e2.where().orElseThrow().field());
  }
}
