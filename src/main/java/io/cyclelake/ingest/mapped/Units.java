package io.cyclelake.ingest.mapped;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The units a column mapping may declare, each converted to the canonical unit of its quantity by
 * {@code canonical = value * factor + offset}: V, A, Ah, degC, s, Wh.
 */
public final class Units {
  /** What a unit measures, with its canonical unit. */
  public enum Quantity {
    VOLTAGE("V"), CURRENT("A"), CHARGE("Ah"), TEMPERATURE("degC"), TIME("s"), ENERGY("Wh"), COUNT("1");

    private final String canonical;

    Quantity(String canonical) {
      this.canonical = canonical;
    }

    public String canonical() {
      return canonical;
    }
  }

  /** A unit: {@code canonical = value * factor + offset}. */
  public record Unit(String name, Quantity quantity, double factor, double offset) implements Serializable {
    public double toCanonical(double v) {
      return v * factor + offset;
    }
  }

  private static final Map<String, Unit> UNITS = new TreeMap<>();

  static {
    add(Quantity.VOLTAGE, 1, 0, "V", "volt", "volts");
    add(Quantity.VOLTAGE, 1e-3, 0, "mV", "millivolt");
    add(Quantity.CURRENT, 1, 0, "A", "amp", "ampere", "amps");
    add(Quantity.CURRENT, 1e-3, 0, "mA", "milliampere");
    add(Quantity.CURRENT, 1e-6, 0, "uA", "µA", "microampere");
    add(Quantity.CHARGE, 1, 0, "Ah", "A.h", "A*h");
    add(Quantity.CHARGE, 1e-3, 0, "mAh", "mA.h", "mA*h");
    add(Quantity.CHARGE, 1.0 / 3600, 0, "As", "A.s", "coulomb");
    add(Quantity.TEMPERATURE, 1, 0, "degC", "°C", "C", "celsius");
    add(Quantity.TEMPERATURE, 1, -273.15, "K", "kelvin");
    add(Quantity.TEMPERATURE, 5.0 / 9, -32 * 5.0 / 9, "degF", "°F", "F", "fahrenheit");
    add(Quantity.TIME, 1, 0, "s", "sec", "second", "seconds");
    add(Quantity.TIME, 1e-3, 0, "ms", "millisecond", "milliseconds");
    add(Quantity.TIME, 60, 0, "min", "minute", "minutes");
    add(Quantity.TIME, 3600, 0, "h", "hour", "hours");
    add(Quantity.TIME, 86400, 0, "d", "day", "days");
    add(Quantity.ENERGY, 1, 0, "Wh", "W.h", "W*h");
    add(Quantity.ENERGY, 1e-3, 0, "mWh", "mW.h");
    add(Quantity.ENERGY, 1e3, 0, "kWh", "kW.h");
    add(Quantity.ENERGY, 1.0 / 3600, 0, "J", "joule");
    add(Quantity.COUNT, 1, 0, "1", "count", "-");
  }

  private Units() {}

  private static void add(Quantity q, double factor, double offset, String name, String... aliases) {
    Unit u = new Unit(name, q, factor, offset);
    UNITS.put(name, u);
    for (String a : aliases) UNITS.put(a, u);
  }

  /**
   * The unit called {@code name}: the exact spelling first, then ignoring case where that is unambiguous
   * ({@code mv}, {@code mah}, {@code wh}); null if unknown. A name starting with {@code M} is never matched
   * without case ({@code MWh} is megawatt-hours, not {@code mWh}).
   */
  public static Unit find(String name) {
    if (name == null) return null;
    String n = name.strip();
    Unit u = UNITS.get(n);
    if (u != null || n.startsWith("M")) return u;
    Unit match = null;
    for (var e : UNITS.entrySet()) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(n.toLowerCase(Locale.ROOT))) {
        if (match != null && match != e.getValue()) return null; // ambiguous
        match = e.getValue();
      }
    }
    return match;
  }

  /** The known unit names of a quantity, for error messages. */
  public static String namesOf(Quantity q) {
    StringBuilder b = new StringBuilder();
    for (var e : UNITS.entrySet()) {
      if (e.getValue().quantity() == q && e.getKey().equals(e.getValue().name())) {
        if (b.length() > 0) b.append(", ");
        b.append(e.getKey());
      }
    }
    return b.toString();
  }

  /** The canonical unit of a quantity. */
  public static Unit canonical(Quantity q) {
    return UNITS.get(q.canonical());
  }
}
