package io.cyclelake.ingest.mapped;

import com.typesafe.config.Config;
import io.cyclelake.ingest.mapped.CsvMapping.Column;
import io.cyclelake.ingest.mapped.CsvMapping.SignPolicy;
import io.cyclelake.ingest.mapped.CsvMapping.Source;
import io.cyclelake.ingest.mapped.Units.Quantity;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Battery Data Format of the Battery Data Alliance, as CSV ({@code <cell>.bdf.csv}) or Parquet
 * ({@code <cell>.bdf.parquet}, columns named with the same labels, read row by row through
 * {@link io.cyclelake.ingest.parquet.ParquetLines}; line {@code n + 1} in messages is row {@code n}), with its
 * preferred labels: required
 * {@code Test Time / s}, {@code Voltage / V}, {@code Current / A}; read when present {@code Unix Time / s},
 * {@code Cycle Count / 1}, {@code Step Count / 1}, {@code Ambient Temperature / degC},
 * {@code Surface Temperature T1 / degC} (the cell temperature), {@code Charging Capacity / Ah},
 * {@code Discharging Capacity / Ah}, {@code Charging Energy / Wh}, {@code Discharging Energy / Wh}. BDF's current is
 * positive while charging, as CycleLake's. The cell id is the file name before its first dot.
 */
public final class BdfReader extends MappedCsvReader {
  private static final long serialVersionUID = 1L;

  /** BDF preferred labels ({@link io.cyclelake.export.BdfExport} writes the first eight). */
  public static final String TEST_TIME = "Test Time / s";
  public static final String VOLTAGE = "Voltage / V";
  public static final String CURRENT = "Current / A";
  public static final String UNIX_TIME = "Unix Time / s";
  public static final String CYCLE_COUNT = "Cycle Count / 1";
  public static final String STEP_COUNT = "Step Count / 1";
  public static final String AMBIENT_TEMPERATURE = "Ambient Temperature / degC";
  public static final String SURFACE_TEMPERATURE = "Surface Temperature T1 / degC";
  public static final String CHARGING_CAPACITY = "Charging Capacity / Ah";
  public static final String DISCHARGING_CAPACITY = "Discharging Capacity / Ah";
  public static final String CHARGING_ENERGY = "Charging Energy / Wh";
  public static final String DISCHARGING_ENERGY = "Discharging Energy / Wh";

  public BdfReader() {
    this(null);
  }

  private BdfReader(CsvMapping m) {
    super(m);
  }

  @Override
  public String name() {
    return "bdf";
  }

  @Override
  public String description() {
    return "Battery Data Format CSV or Parquet (Battery Data Alliance preferred labels): <cell>.bdf.csv, "
        + "<cell>.bdf.parquet";
  }

  public static CsvMapping mapping(String files, SignPolicy onSignMismatch) {
    Map<Column, Source> c = new EnumMap<>(Column.class);
    c.put(Column.TIME, new Source(TEST_TIME, Units.canonical(Quantity.TIME)));
    c.put(Column.VOLTAGE, new Source(VOLTAGE, Units.canonical(Quantity.VOLTAGE)));
    c.put(Column.CURRENT, new Source(CURRENT, Units.canonical(Quantity.CURRENT)));
    c.put(Column.UNIX_TIME, new Source(UNIX_TIME, Units.canonical(Quantity.TIME), true));
    c.put(Column.CYCLE, new Source(CYCLE_COUNT, null, true));
    c.put(Column.STEP, new Source(STEP_COUNT, null, true));
    c.put(Column.AMBIENT_TEMPERATURE, new Source(AMBIENT_TEMPERATURE, Units.canonical(Quantity.TEMPERATURE), true));
    c.put(Column.TEMPERATURE, new Source(SURFACE_TEMPERATURE, Units.canonical(Quantity.TEMPERATURE), true));
    c.put(Column.CHARGE_CAPACITY, new Source(CHARGING_CAPACITY, Units.canonical(Quantity.CHARGE), true));
    c.put(Column.DISCHARGE_CAPACITY, new Source(DISCHARGING_CAPACITY, Units.canonical(Quantity.CHARGE), true));
    c.put(Column.CHARGE_ENERGY, new Source(CHARGING_ENERGY, Units.canonical(Quantity.ENERGY), true));
    c.put(Column.DISCHARGE_ENERGY, new Source(DISCHARGING_ENERGY, Units.canonical(Quantity.ENERGY), true));
    return new CsvMapping("the Battery Data Format", files, ',', '.', 1, false, c, null, true,
        onSignMismatch, null, "UTC");
  }

  @Override
  protected CsvMapping bind(Config settings) {
    String files = settings.hasPath("files") ? settings.getString("files") : "*.{csv,parquet}";
    String p = settings.hasPath("on-sign-mismatch") ? settings.getString("on-sign-mismatch") : "fail";
    return mapping(files, SignPolicy.valueOf(p.toUpperCase(Locale.ROOT)));
  }

  @Override
  protected MappedCsvReader with(CsvMapping m) {
    return new BdfReader(m);
  }
}
