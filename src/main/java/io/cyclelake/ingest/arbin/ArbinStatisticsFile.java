package io.cyclelake.ingest.arbin;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.ingest.FieldParseException;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.TextInput;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One Arbin statistics export (the {@code Statistics_*} sheet as CSV, plain or {@code .gz}): one row per cycle with
 * the values at the end of that cycle. As in the channel data, capacities and energies are cumulative within the
 * file, so {@link #perCycle} differences them. Columns are found by header name; extra columns and a UTF-8 byte order
 * mark are fine. Bad rows are quarantined (source {@value ArbinChannelFile#SOURCE}) with the rules of
 * {@link ArbinChannelFile}; {@code cycle-order} here means a {@code Cycle_Index} not above the previous accepted one,
 * since there is one row per cycle. A file is at most a few hundred rows, so it is returned as a list.
 */
public final class ArbinStatisticsFile {
  /** Columns a statistics export must have. */
  public static final List<String> REQUIRED_COLUMNS = List.of("Cycle_Index", "Test_Time(s)", "Date_Time",
      "Charge_Capacity(Ah)", "Discharge_Capacity(Ah)", "Charge_Energy(Wh)", "Discharge_Energy(Wh)");

  /** Columns read when present, null otherwise. */
  public static final List<String> OPTIONAL_COLUMNS = List.of("Internal_Resistance(Ohm)", "Charge_Time(s)",
      "DisCharge_Time(s)", "Vmax_On_Cycle(V)");

  private ArbinStatisticsFile() {}

  /**
   * One row of the sheet, as written: the state at the end of cycle {@code cycleIndex}.
   *
   * @param line 1-based line number in the file
   * @param cycleIndex {@code Cycle_Index}
   * @param testTimeS {@code Test_Time(s)} at the end of the cycle, seconds since the session start
   * @param dateTimeExcel {@code Date_Time} at the end of the cycle, Excel serial date
   * @param chargeAh {@code Charge_Capacity(Ah)}, cumulative within the file
   * @param dischargeAh {@code Discharge_Capacity(Ah)}, cumulative within the file
   * @param chargeWh {@code Charge_Energy(Wh)}, cumulative within the file
   * @param dischargeWh {@code Discharge_Energy(Wh)}, cumulative within the file
   * @param internalResistanceOhm {@code Internal_Resistance(Ohm)} at the end of the cycle, ohm
   * @param chargeTimeS {@code Charge_Time(s)}: time spent charging in this cycle, s
   * @param dischargeTimeS {@code DisCharge_Time(s)}: time spent discharging in this cycle, s
   * @param vmaxOnCycleV {@code Vmax_On_Cycle(V)}: highest voltage in the cycle, V
   */
  public record Row(long line, int cycleIndex, double testTimeS, double dateTimeExcel, double chargeAh,
      double dischargeAh, double chargeWh, double dischargeWh, Double internalResistanceOhm, Double chargeTimeS,
      Double dischargeTimeS, Double vmaxOnCycleV) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The four cumulative counters of this row. */
    public Counters counters() {
      return new Counters(chargeAh, dischargeAh, chargeWh, dischargeWh);
    }
  }

  /**
   * What one cycle added, by differencing consecutive rows.
   *
   * @param cycleIndex {@code Cycle_Index}
   * @param increase increase of the four counters over the cycle (Ah, Ah, Wh, Wh)
   * @param row the sheet's row for the cycle
   */
  public record Cycle(int cycleIndex, Counters increase, Row row) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Discharge capacity of the cycle, Ah. */
    public double dischargeAh() {
      return increase.dischargeAh();
    }

    /** Charge capacity of the cycle, Ah. */
    public double chargeAh() {
      return increase.chargeAh();
    }
  }

  /**
   * Reads the sheet; bad lines go to {@code rejected}.
   *
   * @param cellId written into quarantine records (may be null)
   * @throws CycleLakeException INPUT_MALFORMED if the file is empty or a required column is missing
   * @throws IOException the read error that ended the file early, after the rows before it were collected
   */
  public static List<Row> read(Path file, String cellId, Consumer<QuarantineRecord> rejected) throws IOException {
    String path = file.toString();
    List<Row> out = new ArrayList<>();
    try (TextInput in = TextInput.open(file)) {
      String header = in.readLine();
      if (header != null && in.lastLineCut()) in.readLine();
      List<String> names = ArbinCsv.headerNames(header, path);
      int[] col = ArbinCsv.locate(names, REQUIRED_COLUMNS, true, path, "statistics");
      int[] opt = ArbinCsv.locate(names, OPTIONAL_COLUMNS, false, path, "statistics");
      int lastCycle = Integer.MIN_VALUE;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) continue;
        long lineNo = in.lineNumber();
        if (in.lastLineCut()) {
          rejected.accept(new QuarantineRecord(ArbinChannelFile.SOURCE, path, lineNo, null, null, cellId, null,
              "truncated", "the file ends in the middle of this line (" + in.lastLineCutReason() + ")", line));
          continue;
        }
        List<String> f = ArbinCsv.fields(line);
        if (f.size() != names.size()) {
          rejected.accept(new QuarantineRecord(ArbinChannelFile.SOURCE, path, lineNo, null, null, cellId, null,
              "field-count", "expected " + names.size() + " fields as in the header, found " + f.size(), line));
          continue;
        }
        int at = col[0];
        Integer cycle = null;
        try {
          cycle = io.cyclelake.ingest.Fields.requiredInt(f.get(at));
          double[] v = new double[col.length];
          for (int i = 1; i < col.length; i++) {
            at = col[i];
            v[i] = ArbinCsv.number(f.get(at));
          }
          Double[] o = new Double[opt.length];
          for (int i = 0; i < opt.length; i++) {
            if (opt[i] < 0) continue;
            at = opt[i];
            o[i] = ArbinCsv.optionalNumber(f.get(at));
          }
          if (cycle <= lastCycle) {
            at = col[0];
            throw new FieldParseException("cycle-order", "Cycle_Index " + cycle + " follows " + lastCycle
                + "; a statistics sheet has one row per cycle, in cycle order");
          }
          lastCycle = cycle;
          out.add(new Row(lineNo, cycle, v[1], v[2], v[3], v[4], v[5], v[6], o[0], o[1], o[2], o[3]));
        } catch (FieldParseException e) {
          rejected.accept(new QuarantineRecord(ArbinChannelFile.SOURCE, path, lineNo, at + 1, names.get(at), cellId,
              cycle, e.rule(), e.getMessage(), line));
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * Per-cycle increases: each row minus the row of the cycle before it; the first cycle of the file minus zero, since
   * Arbin resets the counters when a session starts. A row whose previous cycle has no row (it was quarantined or
   * the sheet skips it) is left out: its difference would span more than one cycle. A sheet that starts above
   * {@code Cycle_Index} 1 likewise loses its first row.
   */
  public static List<Cycle> perCycle(List<Row> rows) {
    List<Cycle> out = new ArrayList<>();
    Row prev = null;
    for (Row r : rows) {
      if (prev == null ? r.cycleIndex() == 1 : prev.cycleIndex() == r.cycleIndex() - 1) {
        Counters base = prev == null ? Counters.ZERO : prev.counters();
        out.add(new Cycle(r.cycleIndex(), r.counters().minus(base), r));
      }
      prev = r;
    }
    return List.copyOf(out);
  }
}
