package io.cyclelake.ingest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * The row rules every ingest applies to the samples its reader produced ({@code cyclelake.validation}), whatever the
 * reader: value ranges, finite numbers, required values, time order within an operation. A sample that breaks one
 * goes to {@code quarantine} with the rule's name instead of {@code timeseries}. See {@link Validator}.
 *
 * @param required canonical timeseries columns that must not be null ({@code time_s, voltage_v, current_a,
 *     temperature_c})
 * @param maxGapS largest allowed step of {@code time_s} from the operation's previous sample, seconds; 0 = no limit
 */
public record ValidationRules(
    boolean enabled,
    double voltageMin, double voltageMax,
    double currentMin, double currentMax,
    double temperatureMin, double temperatureMax,
    boolean timeMonotonic,
    boolean duplicateTime,
    boolean finite,
    List<String> required,
    double maxGapS) implements Serializable {

  /** The columns {@code required} may name. */
  public static final Set<String> COLUMNS = Set.of("time_s", "voltage_v", "current_a", "temperature_c");

  /** Without a gap limit ({@code max-gap-s = 0}). */
  public ValidationRules(boolean enabled, double voltageMin, double voltageMax, double currentMin, double currentMax,
      double temperatureMin, double temperatureMax, boolean timeMonotonic, boolean duplicateTime, boolean finite,
      List<String> required) {
    this(enabled, voltageMin, voltageMax, currentMin, currentMax, temperatureMin, temperatureMax, timeMonotonic,
        duplicateTime, finite, required, 0);
  }

  public ValidationRules {
    if (!(maxGapS >= 0) || Double.isInfinite(maxGapS)) {
      throw new IllegalArgumentException("cyclelake.validation.max-gap-s must be a finite number of seconds >= 0 "
          + "(0 = no limit), got " + maxGapS);
    }
    required = List.copyOf(required);
    for (String c : required) {
      if (!COLUMNS.contains(c)) {
        throw new IllegalArgumentException("cyclelake.validation.required names '" + c + "'; it may name "
            + new java.util.TreeSet<>(COLUMNS));
      }
    }
  }

  /** Binds {@code cyclelake.validation} of an effective configuration. */
  public static ValidationRules from(Config config) {
    Config v = config.getConfig("cyclelake.validation");
    try {
      return bind(v);
    } catch (IllegalArgumentException e) {
      String key = e.getMessage().contains("max-gap-s") ? "max-gap-s" : "required";
      var o = v.getValue(key).origin();
      throw new io.cyclelake.errors.CycleLakeException(io.cyclelake.errors.ErrorCode.CONFIG_INVALID, e.getMessage(),
          new io.cyclelake.errors.SourceLocation(o.filename() != null ? o.filename() : o.description(),
              Math.max(o.lineNumber(), 0), 0, "cyclelake.validation." + key), e);
    }
  }

  private static ValidationRules bind(Config v) {
    return new ValidationRules(v.getBoolean("enabled"),
        v.getDouble("voltage-v.min"), v.getDouble("voltage-v.max"),
        v.getDouble("current-a.min"), v.getDouble("current-a.max"),
        v.getDouble("temperature-c.min"), v.getDouble("temperature-c.max"),
        v.getBoolean("time-monotonic"), v.getBoolean("duplicate-time"), v.getBoolean("finite"),
        v.getStringList("required"), v.getDouble("max-gap-s"));
  }

  /** The defaults of reference.conf. */
  public static ValidationRules defaults() {
    return from(ConfigFactory.defaultReference());
  }
}
