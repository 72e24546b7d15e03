package io.cyclelake.ingest.nasa;

import io.cyclelake.ingest.FieldParseException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Parses a MATLAB date vector {@code [year month day hour minute second]} printed by numpy, in any of the forms
 * the NASA export uses: {@code [2010    7   21   20   31    5]}, {@code [2010.  7.  21.  22.  38.  43.484]} and
 * {@code [2.009e+03 2.000e+00 1.800e+01 2.200e+01 2.000e+01 1.140e+00]}. The clock time is taken as UTC.
 */
final class NumpyDateVector {
  private NumpyDateVector() {}

  static Instant parse(String text) throws FieldParseException {
    String t = text.strip();
    if (!t.startsWith("[") || !t.endsWith("]")) {
      throw new FieldParseException("date-vector", "'" + t + "' is not a date vector like [2010 7 21 20 31 5]");
    }
    String[] parts = t.substring(1, t.length() - 1).strip().split("\\s+");
    if (parts.length != 6) {
      throw new FieldParseException("date-vector", "'" + t + "' has " + parts.length + " numbers, expected 6");
    }
    double[] v = new double[6];
    try {
      for (int i = 0; i < 6; i++) {
        v[i] = Double.parseDouble(parts[i]);
        if (!Double.isFinite(v[i])) throw new NumberFormatException(parts[i]);
      }
    } catch (NumberFormatException e) {
      throw new FieldParseException("date-vector", "'" + t + "' holds a part that is not a number");
    }
    try {
      LocalDateTime base = LocalDateTime.of(whole(v[0], t), whole(v[1], t), whole(v[2], t), whole(v[3], t),
          whole(v[4], t));
      long nanos = Math.round(v[5] * 1e9);
      if (nanos < 0 || nanos >= 61_000_000_000L) throw new DateTimeException("seconds out of range");
      return base.plusNanos(nanos).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw new FieldParseException("date-vector", "'" + t + "' is not a valid date and time: " + e.getMessage());
    }
  }

  private static int whole(double d, String text) throws FieldParseException {
    long r = Math.round(d);
    if (Math.abs(d - r) > 1e-6) {
      throw new FieldParseException("date-vector", "'" + text + "' has a fractional year, month, day, hour or minute");
    }
    return (int) r;
  }
}
