package io.cyclelake.ingest.mapped;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A small generated cycling test in canonical units, written out in any CSV layout: per cycle {@value #CHARGE_ROWS}
 * rows of 1 A charge (voltage rising), {@value #REST_ROWS} rest rows, {@value #CHARGE_ROWS} rows of 1 A discharge
 * (voltage falling), {@value #REST_ROWS} rest rows; one row a minute. Capacity counters accumulate over the whole
 * test (as BDF's do), so the increase over a charge operation is {@code (CHARGE_ROWS - 1) / 60} Ah.
 */
final class Profile {
  static final int CHARGE_ROWS = 15;
  static final int REST_ROWS = 2;
  static final double DT_S = 60;
  static final double CURRENT_A = 1.0;
  /** 2023-03-01T10:00:00Z */
  static final double START_EPOCH = 1677664800;
  /** Charge passed by a phase between its first and last loaded row, Ah. */
  static final double PHASE_AH = (CHARGE_ROWS - 1) * CURRENT_A * DT_S / 3600;

  /** One row, canonical units; current positive while charging; cycle 1-based. */
  record Row(int cycle, int step, double timeS, double voltageV, double currentA, double temperatureC,
      double chargeAh, double dischargeAh, double epochS) {}

  static List<Row> cycles(int n) {
    List<Row> out = new ArrayList<>();
    double t = 0;
    double qc = 0;
    double qd = 0;
    for (int c = 1; c <= n; c++) {
      for (int k = 0; k < CHARGE_ROWS; k++) {
        qc += CURRENT_A * DT_S / 3600;
        out.add(new Row(c, 1, t, 3.6 + 0.035 * k, CURRENT_A, 25 + 0.1 * k, qc, qd, START_EPOCH + t));
        t += DT_S;
      }
      for (int k = 0; k < REST_ROWS; k++) {
        out.add(new Row(c, 2, t, 4.05, 0, 26, qc, qd, START_EPOCH + t));
        t += DT_S;
      }
      for (int k = 0; k < CHARGE_ROWS; k++) {
        qd += CURRENT_A * DT_S / 3600;
        out.add(new Row(c, 3, t, 4.0 - 0.06 * k, -CURRENT_A, 26 + 0.2 * k, qc, qd, START_EPOCH + t));
        t += DT_S;
      }
      for (int k = 0; k < REST_ROWS; k++) {
        out.add(new Row(c, 4, t, 3.3, 0, 27, qc, qd, START_EPOCH + t));
        t += DT_S;
      }
    }
    return out;
  }

  /** Writes {@code preamble} lines, the header and one line per row. */
  static Path write(Path file, List<String> preamble, String header, List<Row> rows, Function<Row, String> line)
      throws IOException {
    List<String> lines = new ArrayList<>(preamble);
    lines.add(header);
    rows.forEach(r -> lines.add(line.apply(r)));
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }
}
