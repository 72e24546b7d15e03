package io.cyclelake.ingest.telemetry;

import java.util.Locale;
import java.util.Map;

/**
 * Units of telemetry values and their conversion to the canonical unit of a channel, which its name ends with
 * ({@code _c} degC, {@code _v} V, {@code _a} A, {@code _nm} N m, {@code _rpm} rpm).
 */
public final class TelemetryUnits {
  private TelemetryUnits() {}

  /** A linear conversion to the canonical unit: canonical = value × scale + offset. */
  public record Conversion(String quantity, double scale, double offset) {
    public double apply(double v) {
      return v * scale + offset;
    }
  }

  private static final Map<String, Conversion> UNITS = Map.ofEntries(
      Map.entry("°c", new Conversion("temperature", 1, 0)),
      Map.entry("℃", new Conversion("temperature", 1, 0)),
      Map.entry("c", new Conversion("temperature", 1, 0)),
      Map.entry("degc", new Conversion("temperature", 1, 0)),
      Map.entry("deg c", new Conversion("temperature", 1, 0)),
      Map.entry("k", new Conversion("temperature", 1, -273.15)),
      Map.entry("°f", new Conversion("temperature", 5.0 / 9.0, -32 * 5.0 / 9.0)),
      Map.entry("degf", new Conversion("temperature", 5.0 / 9.0, -32 * 5.0 / 9.0)),
      Map.entry("f", new Conversion("temperature", 5.0 / 9.0, -32 * 5.0 / 9.0)),
      Map.entry("v", new Conversion("voltage", 1, 0)),
      Map.entry("mv", new Conversion("voltage", 1e-3, 0)),
      Map.entry("kv", new Conversion("voltage", 1e3, 0)),
      Map.entry("a", new Conversion("current", 1, 0)),
      Map.entry("ma", new Conversion("current", 1e-3, 0)),
      Map.entry("ka", new Conversion("current", 1e3, 0)),
      Map.entry("arms", new Conversion("current", 1, 0)),
      Map.entry("nm", new Conversion("torque", 1, 0)),
      Map.entry("n m", new Conversion("torque", 1, 0)),
      Map.entry("n·m", new Conversion("torque", 1, 0)),
      Map.entry("knm", new Conversion("torque", 1e3, 0)),
      Map.entry("rpm", new Conversion("speed", 1, 0)),
      Map.entry("1/min", new Conversion("speed", 1, 0)),
      Map.entry("rad/s", new Conversion("speed", 60 / (2 * Math.PI), 0)));

  /** The quantity of a canonical channel, from its name's unit suffix. */
  public static String quantityOf(String channel) {
    String u = channel.substring(channel.lastIndexOf('_') + 1);
    return switch (u) {
      case "c" -> "temperature";
      case "v" -> "voltage";
      case "a" -> "current";
      case "nm" -> "torque";
      case "rpm" -> "speed";
      default -> throw new IllegalArgumentException("channel " + channel + " has no known unit suffix");
    };
  }

  /** The conversion of {@code unit} (case and surrounding spaces ignored), or null if unknown. */
  public static Conversion of(String unit) {
    return UNITS.get(unit.trim().toLowerCase(Locale.ROOT));
  }

  /** The identity conversion of a channel's own unit. */
  public static Conversion canonical(String channel) {
    return new Conversion(quantityOf(channel), 1, 0);
  }
}
