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
 */
public record ValidationRules(
    boolean enabled,
    double voltageMin, double voltageMax,
    double currentMin, double currentMax,
    double temperatureMin, double temperatureMax,
    boolean timeMonotonic,
    boolean duplicateTime,
    boolean finite,
    List<String> required) implements Serializable {

  /** The columns {@code required} may name. */
  public static final Set<String> COLUMNS = Set.of("time_s", "voltage_v", "current_a", "temperature_c");

  public ValidationRules {
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
      var o = v.getValue("required").origin();
      throw new io.cyclelake.errors.CycleLakeException(io.cyclelake.errors.ErrorCode.CONFIG_INVALID, e.getMessage(),
          new io.cyclelake.errors.SourceLocation(o.filename() != null ? o.filename() : o.description(),
              Math.max(o.lineNumber(), 0), 0, "cyclelake.validation.required"), e);
    }
  }

  private static ValidationRules bind(Config v) {
    return new ValidationRules(v.getBoolean("enabled"),
        v.getDouble("voltage-v.min"), v.getDouble("voltage-v.max"),
        v.getDouble("current-a.min"), v.getDouble("current-a.max"),
        v.getDouble("temperature-c.min"), v.getDouble("temperature-c.max"),
        v.getBoolean("time-monotonic"), v.getBoolean("duplicate-time"), v.getBoolean("finite"),
        v.getStringList("required"));
  }

  /** The defaults of reference.conf. */
  public static ValidationRules defaults() {
    return from(ConfigFactory.defaultReference());
  }
}
