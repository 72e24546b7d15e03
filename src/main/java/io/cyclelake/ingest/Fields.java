package io.cyclelake.ingest;

/** Parsing of single text fields into numbers, with the rule that failed when they are not numbers. */
public final class Fields {
  private Fields() {}

  /** A finite double; empty, {@code nan} and {@code NaN} mean missing (null). */
  public static Double optionalDouble(String s) throws FieldParseException {
    String t = s.strip();
    if (t.isEmpty() || t.equalsIgnoreCase("nan")) return null;
    if (t.matches("(?i)[+-]?inf(inity)?")) {
      throw new FieldParseException("finite", "'" + cut(t) + "' is not a finite number");
    }
    double d;
    try {
      d = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new FieldParseException("number", "'" + cut(t) + "' is not a number");
    }
    if (!Double.isFinite(d)) throw new FieldParseException("finite", "'" + cut(t) + "' is not a finite number");
    return d;
  }

  public static int requiredInt(String s) throws FieldParseException {
    String t = s.strip();
    if (t.isEmpty()) throw new FieldParseException("required", "the field is empty");
    try {
      return Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw new FieldParseException("integer", "'" + cut(t) + "' is not an integer");
    }
  }

  /**
   * A complex number as Python prints it: {@code (a+bj)}, {@code (a-bj)}, {@code bj}, {@code a}; returns
   * {re, im}, or {null, null} for an empty field.
   */
  public static Double[] optionalComplex(String s) throws FieldParseException {
    String t = s.strip();
    if (t.isEmpty()) return new Double[] {null, null};
    if (t.startsWith("(") && t.endsWith(")")) t = t.substring(1, t.length() - 1);
    if (!t.endsWith("j")) return new Double[] {optionalDouble(t), 0.0};
    String body = t.substring(0, t.length() - 1);
    // The sign that separates real and imaginary parts is the last + or - not at the start and not after an exponent.
    int split = -1;
    for (int i = body.length() - 1; i > 0; i--) {
      char c = body.charAt(i);
      if ((c == '+' || c == '-') && body.charAt(i - 1) != 'e' && body.charAt(i - 1) != 'E') {
        split = i;
        break;
      }
    }
    try {
      if (split < 0) return new Double[] {0.0, finite(Double.parseDouble(body), s)};
      double re = Double.parseDouble(body.substring(0, split));
      double im = Double.parseDouble(body.substring(split));
      return new Double[] {finite(re, s), finite(im, s)};
    } catch (NumberFormatException e) {
      throw new FieldParseException("complex", "'" + cut(s) + "' is not a complex number like (0.1-0.02j)");
    }
  }

  private static double finite(double d, String s) throws FieldParseException {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new FieldParseException("finite", "'" + cut(s) + "' has a part that is not a finite number");
    }
    return d;
  }

  private static String cut(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
