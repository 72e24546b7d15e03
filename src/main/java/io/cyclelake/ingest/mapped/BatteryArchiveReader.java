package io.cyclelake.ingest.mapped;

import com.typesafe.config.Config;
import io.cyclelake.ingest.mapped.CsvMapping.Column;
import io.cyclelake.ingest.mapped.CsvMapping.SignPolicy;
import io.cyclelake.ingest.mapped.CsvMapping.Source;
import io.cyclelake.ingest.mapped.Units.Quantity;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * BatteryArchive.org standard time-series CSV ({@code <cell>_timeseries.csv}): {@code Date_Time, Test_Time (s),
 * Cycle_Index, Current (A), Voltage (V), Charge_Capacity (Ah), Discharge_Capacity (Ah), Charge_Energy (Wh),
 * Discharge_Energy (Wh), Environment_Temperature (C), Cell_Temperature (C)}; header names are matched without regard to
 * case (exports differ in it), the columns after {@code Voltage (V)} and {@code Date_Time} may be missing. Current is
 * positive while charging. The cell id is the file name before {@code _timeseries.csv}.
 */
public final class BatteryArchiveReader extends MappedCsvReader {
  private static final long serialVersionUID = 1L;

  public BatteryArchiveReader() {
    this(null);
  }

  private BatteryArchiveReader(CsvMapping m) {
    super(m);
  }

  @Override
  public String name() {
    return "battery-archive";
  }

  @Override
  public String description() {
    return "BatteryArchive.org time-series CSV: <cell>_timeseries.csv";
  }

  /** The BatteryArchive mapping; {@code files} is the glob of the time-series files. */
  public static CsvMapping mapping(String files, SignPolicy onSignMismatch) {
    Map<Column, Source> c = new EnumMap<>(Column.class);
    c.put(Column.TIME, new Source("Test_Time (s)", Units.canonical(Quantity.TIME)));
    c.put(Column.CYCLE, new Source("Cycle_Index", null));
    c.put(Column.CURRENT, new Source("Current (A)", Units.canonical(Quantity.CURRENT)));
    c.put(Column.VOLTAGE, new Source("Voltage (V)", Units.canonical(Quantity.VOLTAGE)));
    c.put(Column.DATETIME, new Source("Date_Time", null, true));
    c.put(Column.CHARGE_CAPACITY, new Source("Charge_Capacity (Ah)", Units.canonical(Quantity.CHARGE), true));
    c.put(Column.DISCHARGE_CAPACITY, new Source("Discharge_Capacity (Ah)", Units.canonical(Quantity.CHARGE), true));
    c.put(Column.CHARGE_ENERGY, new Source("Charge_Energy (Wh)", Units.canonical(Quantity.ENERGY), true));
    c.put(Column.DISCHARGE_ENERGY, new Source("Discharge_Energy (Wh)", Units.canonical(Quantity.ENERGY), true));
    c.put(Column.AMBIENT_TEMPERATURE, new Source("Environment_Temperature (C)",
        Units.canonical(Quantity.TEMPERATURE), true));
    c.put(Column.TEMPERATURE, new Source("Cell_Temperature (C)", Units.canonical(Quantity.TEMPERATURE), true));
    return new CsvMapping("the BatteryArchive time-series format", files, ',', '.', 1, true, c,
        Pattern.compile("^(.+)_timeseries\\.csv(\\.gz)?$"), true, onSignMismatch, null, "UTC");
  }

  @Override
  protected CsvMapping bind(Config settings) {
    String files = settings.hasPath("files") ? settings.getString("files") : "*_timeseries.csv";
    String p = settings.hasPath("on-sign-mismatch") ? settings.getString("on-sign-mismatch") : "fail";
    return mapping(files, SignPolicy.valueOf(p.toUpperCase(Locale.ROOT)));
  }

  @Override
  protected MappedCsvReader with(CsvMapping m) {
    return new BatteryArchiveReader(m);
  }
}
