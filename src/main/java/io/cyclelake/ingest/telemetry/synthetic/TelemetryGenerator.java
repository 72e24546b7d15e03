package io.cyclelake.ingest.telemetry.synthetic;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes SYNTHETIC inverter logs from {@link InverterSimulator}s in the messy formats real loggers produce, for tests
 * and the demo (no public inverter log is at hand). Three layouts rotate over the devices: (0) UTF-8 BOM, {@code sep=,}
 * line, units in brackets in the header and in the temperature and current values ({@code 45.3 °C}, {@code 12.0 A});
 * (1) BOM, {@code sep=;}, units in parentheses, decimal commas; (2) no preamble, coolant logged in kelvin, and a
 * {@code Status} column no channel is mapped to. Each device's log is split per UTC day into parts of
 * {@link Spec#partMinutes} minutes; every part repeats the last 30 to 90 s of the one before (overlapping files).
 * Logger drop-outs of 3 to 20 s leave gaps, and {@link Spec#badRowsPerFile} values per file are replaced by
 * {@code n/a} (to be quarantined). {@code PROVENANCE.md} says the data are synthetic; {@code events.tsv} lists the
 * coolant faults and self-derating episodes (the ground truth of the scenario).
 */
public final class TelemetryGenerator {
  private TelemetryGenerator() {}

  /**
   * @param devices number of inverters (ids INV01, INV02, ...)
   * @param hours length of each device's log
   * @param sampleIntervalS logger period (jittered by ±10 %)
   * @param faultsPerHour mean rate of coolant faults per device
   */
  public record Spec(int devices, double hours, Instant start, double sampleIntervalS, int partMinutes,
      int badRowsPerFile, double faultsPerHour, long seed) {
    public static Spec small(int devices, double hours, long seed) {
      return new Spec(devices, hours, Instant.parse("2026-07-01T08:00:00Z"), 0.5, 60, 1, 0.6, seed);
    }
  }

  /** A value planted to be quarantined: file, 1-based line and column, header name. */
  public record BadValue(Path file, long line, int column, String header) {}

  /**
   * What was written. {@code dataLines} counts the data lines of all files (the overlaps included);
   * {@code distinctSamples} the distinct (device, time) samples among them.
   */
  public record Result(List<Path> files, long dataLines, long distinctSamples, long overlapLines,
      List<BadValue> badValues) {}

  private static final String[][] HEADERS = {
      {"Timestamp", "DC Bus Voltage [V]", "DC Bus Current [A]", "Phase U Current [A]", "Phase V Current [A]",
          "Phase W Current [A]", "Heat Sink Temp [°C]", "IGBT Temp [°C]", "Coolant Temp [°C]", "Ambient Temp [°C]",
          "Motor Speed [rpm]", "Torque [Nm]"},
      {"Timestamp", "DC Bus Voltage (V)", "DC Bus Current (A)", "I_U (A)", "I_V (A)", "I_W (A)",
          "Heatsink Temperature (°C)", "IGBT Temp (°C)", "Coolant Temperature (°C)", "Ambient Temperature (°C)",
          "Speed (rpm)", "Torque (Nm)"},
      {"Timestamp", "Udc [V]", "Idc [A]", "Ia [A]", "Ib [A]", "Ic [A]", "T_heatsink [°C]", "T_igbt [°C]",
          "T_coolant [K]", "T_ambient [°C]", "n [rpm]", "M [Nm]", "Status"}};
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private record Sample(long micros, String[] fields) {}

  public static Result write(Path dir, Spec spec) {
    try {
      Files.createDirectories(dir);
      List<Path> files = new ArrayList<>();
      List<BadValue> bad = new ArrayList<>();
      long lines = 0;
      long distinct = 0;
      StringBuilder events = new StringBuilder("device\tevent\tstart\tend\n");
      for (int d = 0; d < spec.devices(); d++) {
        String device = String.format(Locale.ROOT, "INV%02d", d + 1);
        int layout = d % 3;
        Random rnd = new Random(spec.seed() * 1000 + d);
        InverterSimulator sim = new InverterSimulator(spec.seed() * 7919 + d, 24 + 6 * (d % 3), 1.0 + 0.15 * (d % 2),
            spec.faultsPerHour());
        long startMicros = spec.start().toEpochMilli() * 1000;
        long endMicros = startMicros + (long) (spec.hours() * 3600e6);
        List<Sample> samples = new ArrayList<>();
        double t = 0;
        long dropUntil = Long.MIN_VALUE;
        String fault = null;
        String derate = null;
        long faultStart = 0;
        long derateStart = 0;
        while (true) {
          double dt = spec.sampleIntervalS() * (0.9 + 0.2 * rnd.nextDouble());
          t += dt;
          long micros = startMicros + (long) (t * 1e6) / 1000 * 1000; // logger writes milliseconds
          if (micros >= endMicros) break;
          InverterSimulator.State s = sim.step(dt, 1.0);
          if (s.coolantFault() != (fault != null)) {
            if (s.coolantFault()) {
              fault = "coolant-fault";
              faultStart = micros;
            } else {
              events.append(device).append("\tcoolant-fault\t").append(TS.format(micro(faultStart))).append('\t')
                  .append(TS.format(micro(micros))).append('\n');
              fault = null;
            }
          }
          if (s.selfDerated() != (derate != null)) {
            if (s.selfDerated()) {
              derate = "self-derating";
              derateStart = micros;
            } else {
              events.append(device).append("\tself-derating\t").append(TS.format(micro(derateStart))).append('\t')
                  .append(TS.format(micro(micros))).append('\n');
              derate = null;
            }
          }
          if (micros < dropUntil) continue;
          if (rnd.nextDouble() < spec.sampleIntervalS() / 1800) {
            dropUntil = micros + (long) ((3 + 17 * rnd.nextDouble()) * 1e6);
            continue;
          }
          samples.add(new Sample(micros, fields(layout, micros, s, rnd)));
        }
        if (fault != null) events.append(device).append("\tcoolant-fault\t").append(TS.format(micro(faultStart)))
            .append("\t\n");
        if (derate != null) events.append(device).append("\tself-derating\t").append(TS.format(micro(derateStart)))
            .append("\t\n");
        distinct += samples.size();
        // Parts: per UTC day, every partMinutes, each starting 30-90 s before the previous one ended.
        long partLen = spec.partMinutes() * 60_000_000L;
        int part = 0;
        long partStart = startMicros;
        int i0 = 0;
        while (i0 < samples.size()) {
          long partEnd = partStart + partLen;
          LocalDate day = LocalDate.ofInstant(micro(samples.get(i0).micros()), ZoneOffset.UTC);
          long dayEnd = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
          partEnd = Math.min(partEnd, dayEnd);
          int i1 = i0;
          while (i1 < samples.size() && samples.get(i1).micros() < partEnd) i1++;
          long overlapFrom = samples.get(i0).micros() - (long) ((30 + 60 * rnd.nextDouble()) * 1e6);
          int from = i0;
          if (part > 0) while (from > 0 && samples.get(from - 1).micros() >= overlapFrom
              && LocalDate.ofInstant(micro(samples.get(from - 1).micros()), ZoneOffset.UTC).equals(day)) from--;
          Path f = dir.resolve(String.format(Locale.ROOT, "%s_%s_%02d.csv", device,
              day.toString().replace("-", ""), part));
          lines += writePart(f, layout, samples.subList(from, i1), spec.badRowsPerFile(), rnd, bad);
          files.add(f);
          part++;
          i0 = i1;
          partStart = partEnd;
        }
      }
      Files.writeString(dir.resolve("events.tsv"), events.toString());
      Files.writeString(dir.resolve("PROVENANCE.md"), """
          # SYNTHETIC inverter telemetry

          These files were written by CycleLake's `TelemetryGenerator` (`cyclelake telemetry generate`). They are
          SYNTHETIC: a simulated thermal RC network (junction, heat sink, coolant, ambient) driven by generated load
          profiles, with generated coolant faults. They are not measurements of any real inverter.

          %s
          Layouts: BOM + `sep=,` + units in headers and values; BOM + `sep=;` + decimal commas; no preamble with coolant
          in kelvin and an unmapped `Status` column. Parts of a device's log overlap by 30-90 s. `n/a` values are
          planted on purpose (%d per file). `events.tsv` lists coolant faults and self-derating episodes.
          """.formatted(spec, spec.badRowsPerFile()));
      return new Result(files, lines, distinct, lines - distinct, bad);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Instant micro(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
  }

  private static String[] fields(int layout, long micros, InverterSimulator.State s, Random rnd) {
    double noise = 0.15;
    double hs = s.heatsinkC() + noise * rnd.nextGaussian();
    double j = s.junctionC() + noise * rnd.nextGaussian();
    double c = s.coolantC() + noise * rnd.nextGaussian();
    double a = s.ambientC() + noise * rnd.nextGaussian();
    String ts = TS.format(micro(micros));
    return switch (layout) {
      case 0 -> new String[] {ts, f1(s.dcVoltageV()), f2(s.dcCurrentA()) + " A", f2(s.phaseA()), f2(s.phaseB()),
          f2(s.phaseC()), f1(hs) + " °C", f1(j) + " °C", f1(c) + " °C", f1(a), f1(s.speedRpm()),
          f1(s.torqueNm())};
      case 1 -> new String[] {ts, f1(s.dcVoltageV()), f2(s.dcCurrentA()), f2(s.phaseA()), f2(s.phaseB()),
          f2(s.phaseC()), f1(hs), f1(j), f1(c), f1(a), f1(s.speedRpm()), f1(s.torqueNm())};
      default -> new String[] {ts, f1(s.dcVoltageV()), f2(s.dcCurrentA()), f2(s.phaseA()), f2(s.phaseB()),
          f2(s.phaseC()), f1(hs), f1(j), f2(c + 273.15), f1(a), f1(s.speedRpm()), f1(s.torqueNm()),
          s.selfDerated() ? "DERATE" : "RUN"};
    };
  }

  private static String f1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String f2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static long writePart(Path f, int layout, List<Sample> rows, int badRows, Random rnd, List<BadValue> bad)
      throws IOException {
    char delim = layout == 1 ? ';' : ',';
    java.util.Set<Integer> badAt = new java.util.HashSet<>();
    while (badAt.size() < Math.min(badRows, rows.size())) badAt.add(rnd.nextInt(rows.size()));
    try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      long line = 0;
      if (layout != 2) {
        w.write('\uFEFF');
        w.write("sep=" + delim + "\n");
        line++;
      }
      w.write(String.join(String.valueOf(delim), HEADERS[layout]) + "\n");
      line++;
      for (int i = 0; i < rows.size(); i++) {
        String[] fields = rows.get(i).fields().clone();
        line++;
        if (badAt.contains(i)) {
          fields[6] = "n/a";
          String header = HEADERS[layout][6];
          bad.add(new BadValue(f, line, 7, header.substring(0, header.indexOf(layout == 1 ? " (" : " ["))));
        }
        if (layout == 1) for (int k = 1; k < fields.length; k++) fields[k] = fields[k].replace('.', ',');
        w.write(String.join(String.valueOf(delim), fields));
        w.write('\n');
      }
      return rows.size();
    }
  }
}
