package io.cyclelake.ingest.mapped;

import io.cyclelake.ingest.mapped.Units.Quantity;
import io.cyclelake.ingest.mapped.Units.Unit;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to read one kind of CSV time series into the canonical schema: which header names hold which canonical
 * quantity and in which unit, the delimiter and decimal mark, where the header is, how cells and cycles are found and
 * which sign the current has while charging. Built by {@link MappingFile} from a HOCON file (the {@code mapped}
 * reader) or in code (the {@code battery-archive} and {@code bdf} readers). Immutable and serializable: it travels to
 * the Spark tasks with its reader.
 *
 * @param label names the mapping in messages (the mapping file, or the format)
 * @param files glob of the data files under the input folder, e.g. {@code *.csv} or {@code **}{@code /*_timeseries.csv}
 * @param delimiter field separator
 * @param decimal decimal mark of numbers, {@code .} or {@code ,}
 * @param headerLine 1-based line of the header; lines before it are skipped (counted, not data)
 * @param ignoreHeaderCase match header names without regard to case or surrounding blanks
 * @param columns the canonical columns found in the file, each with its header name and unit
 * @param cellPattern when there is no {@link Column#CELL} column: a regular expression on the file name whose first
 *     group (or group {@code cell}) is the cell id; null = the file name without its extensions
 * @param chargePositive whether the file's current is positive while charging (canonical) or negative
 * @param onSignMismatch what to do when the voltage slope says the current sign is the opposite of the declared one
 * @param datetimePattern {@link java.time.format.DateTimeFormatter} pattern of {@link Column#DATETIME}; null = ISO-8601
 * @param timeZone zone of a {@link Column#DATETIME} without an offset
 */
public record CsvMapping(
    String label,
    String files,
    char delimiter,
    char decimal,
    int headerLine,
    boolean ignoreHeaderCase,
    Map<Column, Source> columns,
    Pattern cellPattern,
    boolean chargePositive,
    SignPolicy onSignMismatch,
    String datetimePattern,
    String timeZone) implements Serializable {

  /** The canonical columns a mapping can fill, with the quantity of their unit. */
  public enum Column {
    TIME("time", Quantity.TIME, true),
    VOLTAGE("voltage", Quantity.VOLTAGE, true),
    CURRENT("current", Quantity.CURRENT, true),
    TEMPERATURE("temperature", Quantity.TEMPERATURE, false),
    AMBIENT_TEMPERATURE("ambient-temperature", Quantity.TEMPERATURE, false),
    CYCLE("cycle", Quantity.COUNT, false),
    STEP("step", Quantity.COUNT, false),
    CHARGE_CAPACITY("charge-capacity", Quantity.CHARGE, false),
    DISCHARGE_CAPACITY("discharge-capacity", Quantity.CHARGE, false),
    CHARGE_ENERGY("charge-energy", Quantity.ENERGY, false),
    DISCHARGE_ENERGY("discharge-energy", Quantity.ENERGY, false),
    UNIX_TIME("unix-time", Quantity.TIME, false),
    DATETIME("datetime", null, false),
    CELL("cell", null, false);

    private final String key;
    private final Quantity quantity;
    private final boolean required;

    Column(String key, Quantity quantity, boolean required) {
      this.key = key;
      this.quantity = quantity;
      this.required = required;
    }

    /** The key in a mapping file's {@code columns} block. */
    public String key() {
      return key;
    }

    /** The quantity its unit must measure; null for text columns. */
    public Quantity quantity() {
      return quantity;
    }

    public boolean required() {
      return required;
    }

    public static Column byKey(String key) {
      for (Column c : values()) if (c.key.equals(key)) return c;
      return null;
    }
  }

  /**
   * Where a canonical column comes from: a header name and the unit of its values (null for text columns). An
   * optional column may be missing from a file's header (its values are then null); a column that is not optional
   * must be there.
   */
  public record Source(String header, Unit unit, boolean optional) implements Serializable {
    public Source(String header, Unit unit) {
      this(header, unit, false);
    }
  }

  /** What to do when the voltage slope contradicts the declared current sign. */
  public enum SignPolicy {
    /** The file is recorded as failed with the evidence; nothing of it is ingested. */
    FAIL,
    /** The current is negated and the file ingested; the flip is noted in the files manifest. */
    FLIP,
    /** Ingest as declared. */
    KEEP
  }

  public CsvMapping {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(files, "files");
    columns = Map.copyOf(new EnumMap<>(columns));
    if (decimal != '.' && decimal != ',') throw new IllegalArgumentException("decimal must be '.' or ','");
    if (decimal == delimiter) throw new IllegalArgumentException("the decimal mark cannot be the delimiter");
    if (headerLine < 1) throw new IllegalArgumentException("header-line is 1-based");
    for (Column c : Column.values()) {
      if (c.required() && !columns.containsKey(c)) {
        throw new IllegalArgumentException("the mapping has no '" + c.key() + "' column");
      }
    }
  }

  public boolean has(Column c) {
    return columns.containsKey(c);
  }
}
