package io.cyclelake.ingest.arbin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Writes small Arbin channel exports for tests, like the tester does: a row every {@link #DT} seconds, the first row
 * of a step one interval after the step began, counters cumulative over the file. The current is constant within a
 * step, so each row of a 1 A step moves the counters by exactly 0.01 Ah and, at 3.6 V, 0.036 Wh.
 */
final class ChannelCsv {
  static final String HEADER = "Data_Point,Test_Time(s),Date_Time,Step_Time(s),Step_Index,Cycle_Index,Current(A),"
      + "Voltage(V),Charge_Capacity(Ah),Discharge_Capacity(Ah),Charge_Energy(Wh),Discharge_Energy(Wh),dV/dt(V/s),"
      + "Internal_Resistance(Ohm),Is_FC_Data,AC_Impedance(Ohm),ACI_Phase_Angle(Deg)";
  static final double DT = 36.0;
  static final double VOLTS = 3.6;

  private final double startSerial;
  private final List<String> lines = new ArrayList<>(List.of(HEADER));
  private double t;
  private int cycle = 1;
  private int point;
  private double qc;
  private double qd;
  private double ec;
  private double ed;
  private double ir;
  private double stepBegin;

  /** @param startSerial Excel serial date at Test_Time 0 */
  ChannelCsv(double startSerial) {
    this.startSerial = startSerial;
  }

  /** A step of {@code rows} logged rows at {@code currentA}, starting now. */
  ChannelCsv step(int stepIndex, double currentA, int rows) {
    stepBegin = t;
    return more(stepIndex, currentA, rows);
  }

  /** {@code rows} more rows of the step begun last (its Step_Time runs on), at {@code currentA}. */
  ChannelCsv more(int stepIndex, double currentA, int rows) {
    double begin = stepBegin;
    for (int i = 0; i < rows; i++) {
      t += DT;
      double ah = Math.abs(currentA) * DT / 3600;
      if (currentA > 0) {
        qc += ah;
        ec += ah * VOLTS;
      } else if (currentA < 0) {
        qd += ah;
        ed += ah * VOLTS;
      }
      point++;
      lines.add(String.format(Locale.ROOT, "%d,%s,%s,%s,%d,%d,%s,%s,%s,%s,%s,%s,0,%s,0,0,0", point, t,
          startSerial + t / 86400, t - begin, stepIndex, cycle, currentA, VOLTS, qc, qd, ec, ed, ir));
    }
    return this;
  }

  /** The next rows belong to the next Cycle_Index. */
  ChannelCsv nextCycle() {
    cycle++;
    return this;
  }

  /** Internal_Resistance(Ohm) written on the next rows. */
  ChannelCsv resistance(double ohm) {
    ir = ohm;
    return this;
  }

  /** One rest row, {@code charge} rows at +1 A, {@code discharge} rows at -1 A. */
  ChannelCsv cycle(int charge, int discharge) {
    step(1, 0, 1);
    if (charge > 0) step(2, 1, charge);
    if (discharge > 0) step(3, -1, discharge);
    return this;
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Writes the lines, gzip-compressed when the name ends in .gz. */
  Path write(Path file) throws IOException {
    return write(file, lines);
  }

  static Path write(Path file, List<String> lines) throws IOException {
    byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    if (file.getFileName().toString().endsWith(".gz")) {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
        out.write(bytes);
      }
    } else {
      Files.write(file, bytes);
    }
    return file;
  }
}
