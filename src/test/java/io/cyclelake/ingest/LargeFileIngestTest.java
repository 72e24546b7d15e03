package io.cyclelake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.cli.CycleLake;
import io.cyclelake.testkit.ChildJvm;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single CSV larger than the heap ingests with a small heap (issue 12, resource limits). Too slow for the suite
 * (3 GB: about 15 min on 2 cores), so it runs only when asked:
 * {@code mvn -B test -Dtest=LargeFileIngestTest -Dcyclelake.large-file.gb=3} (heap: {@code cyclelake.large-file.heap},
 * default 1g). It generates a SYNTHETIC BatteryArchive-style file of that size, ingests it in a child JVM with that
 * heap in local[2], and checks the exit status, that every line became a sample, and that the timeseries table's Delta
 * log holds that many records; it prints the time and the largest heap in use (from the GC log).
 */
@EnabledIfSystemProperty(named = "cyclelake.large-file.gb", matches = "[0-9.]+",
    disabledReason = "the large-file ingest runs only with -Dcyclelake.large-file.gb=SIZE (e.g. 3; about 15 min)")
class LargeFileIngestTest {
  @TempDir Path dir;

  @Test
  void aCsvLargerThanTheHeapIngestsWithEveryRow() throws Exception {
    double gb = Double.parseDouble(System.getProperty("cyclelake.large-file.gb"));
    String heap = System.getProperty("cyclelake.large-file.heap", "1g");
    Path in = Files.createDirectories(dir.resolve("in"));
    Path csv = in.resolve("BIG1_timeseries.csv");
    long t0 = System.nanoTime();
    long rows = write(csv, (long) (gb * 1e9));
    System.out.printf(Locale.ROOT, "large file: %s, %,d bytes, %,d rows, generated in %.0f s%n", csv, Files.size(csv),
        rows, (System.nanoTime() - t0) / 1e9);

    Path log = dir.resolve("ingest.log");
    Path gc = dir.resolve("gc.log");
    long t1 = System.nanoTime();
    Process p = ChildJvm.start(CycleLake.class, log, List.of("-Xmx" + heap, "-Xlog:gc:file=" + gc),
        "ingest", "--source", "battery-archive", "--input", in.toString(), "--lake", dir.resolve("lake").toString(),
        "--master", "local[2]");
    assertTrue(p.waitFor(3, TimeUnit.HOURS), "the ingest did not end in 3 hours");
    double seconds = (System.nanoTime() - t1) / 1e9;
    String out = ChildJvm.read(log);
    assertEquals(0, p.exitValue(), out);
    Matcher m = Pattern.compile("ingest: files 1 read \\(0 failed\\).*?; (\\d+) lines read = (\\d+) samples \\+ 0 "
        + "impedance points \\+ 0 quarantined").matcher(out);
    assertTrue(m.find(), out);
    assertEquals(rows, Long.parseLong(m.group(1)));
    assertEquals(rows, Long.parseLong(m.group(2)));
    assertEquals(rows, deltaRecords(dir.resolve("lake").resolve("timeseries").resolve("_delta_log")),
        "records added to timeseries by its Delta log");
    System.out.printf(Locale.ROOT, "large file: ingested with -Xmx%s in %.0f s; largest heap in use before a GC %d MB%n",
        heap, seconds, peakHeapMb(gc));
  }

  /** Writes charge/discharge cycles of 600 + 600 samples until the file reaches {@code bytes}; returns data rows. */
  static long write(Path csv, long bytes) throws IOException {
    long rows = 0;
    long written = 0;
    double t = 0;
    StringBuilder sb = new StringBuilder(1 << 20);
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      String header = "Date_Time,Test_Time (s),Cycle_Index,Current (A),Voltage (V),Charge_Capacity (Ah),"
          + "Discharge_Capacity (Ah),Charge_Energy (Wh),Discharge_Energy (Wh),Environment_Temperature (C),"
          + "Cell_Temperature (C)\n";
      w.write(header);
      written += header.length();
      for (int cycle = 1; written < bytes; cycle++) {
        double qc = 0;
        double ec = 0;
        double qd = 0;
        double ed = 0;
        for (int half = 0; half < 2; half++) {
          boolean charge = half == 0;
          for (int i = 0; i < 600; i++) {
            double v = charge ? 3.6 + 0.55 * i / 600 : 4.15 - 1.0 * i / 600;
            if (charge) {
              qc += 10 / 3600.0;
              ec += v * 10 / 3600;
            } else {
              qd += 10 / 3600.0;
              ed += v * 10 / 3600;
            }
            t += 10;
            sb.append("2026-01-01 00:00:00,");
            fixed(sb, t, 1).append(',').append(cycle).append(',').append(charge ? "1.000000," : "-1.000000,");
            fixed(sb, v, 6).append(',');
            fixed(sb, qc, 6).append(',');
            fixed(sb, qd, 6).append(',');
            fixed(sb, ec, 6).append(',');
            fixed(sb, ed, 6).append(",25.00,");
            fixed(sb, (charge ? 25 : 27) + 2 * Math.sin(i / 50.0), 3).append('\n');
            rows++;
          }
        }
        written += sb.length();
        w.append(sb);
        sb.setLength(0);
      }
    }
    return rows;
  }

  private static StringBuilder fixed(StringBuilder sb, double x, int decimals) {
    long scale = (long) Math.pow(10, decimals);
    long v = Math.round(Math.abs(x) * scale);
    if (x < 0 && v != 0) sb.append('-');
    sb.append(v / scale).append('.');
    String frac = Long.toString(v % scale);
    for (int k = frac.length(); k < decimals; k++) sb.append('0');
    return sb.append(frac);
  }

  /** Sum of {@code numRecords} of the files added in a Delta log (no file is removed on a first ingest). */
  static long deltaRecords(Path deltaLog) throws IOException {
    Pattern n = Pattern.compile("\\\\\"numRecords\\\\\":(\\d+)");
    long sum = 0;
    try (Stream<Path> files = Files.list(deltaLog)) {
      for (Path f : files.filter(x -> x.getFileName().toString().matches("\\d{20}\\.json")).toList()) {
        for (String line : Files.readAllLines(f)) {
          if (!line.startsWith("{\"add\"")) continue;
          Matcher m = n.matcher(line);
          if (m.find()) sum += Long.parseLong(m.group(1));
        }
      }
    }
    return sum;
  }

  static long peakHeapMb(Path gcLog) throws IOException {
    Matcher m = Pattern.compile("(\\d+)M->\\d+M\\(\\d+M\\)").matcher(Files.readString(gcLog));
    long max = 0;
    while (m.find()) max = Math.max(max, Long.parseLong(m.group(1)));
    return max;
  }
}
