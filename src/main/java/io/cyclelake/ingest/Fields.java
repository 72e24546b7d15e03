package io.cyclelake.ingest;

import java.util.regex.Pattern;

/** Parsing of single text fields into numbers, with the rule that failed when they are not numbers. */
public final class Fields {
  private Fields() {}

  /**
   * A finite double written in decimal ({@code 4.19}, {@code -2e-05}); empty, {@code nan} and {@code NaN} mean missing
   * (null). {@code inf} and {@code infinity} (any case, signed) fail rule {@code finite}, all other text rule
   * {@code number}.
   */
  public static Double optionalDouble(String s) throws FieldParseException {
    String t = s.strip();
    if (t.isEmpty() || t.equalsIgnoreCase("nan")) return null;
    // Double.parseDouble also takes Java's type suffixes and hex floats: "25F", "4.19d" and "0x1p3" would pass as
    // numbers, so a unit glued to a value (77F) would be read silently. Only decimal characters get that far.
    if (!decimalChars(t)) {
      if (INFINITY.matcher(t).matches()) {
        throw new FieldParseException("finite", "'" + cut(t) + "' is not a finite number");
      }
      throw new FieldParseException("number", "'" + cut(t) + "' is not a number");
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
      if (!decimalChars(body)) throw new NumberFormatException(body); // no type suffixes or hex, as above
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

  private static final Pattern INFINITY = Pattern.compile("(?i)[+-]?inf(inity)?");

  /** Whether {@code t} holds only the characters of a decimal number: digits, sign, point, exponent. */
  private static boolean decimalChars(String t) {
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) return false;
    }
    return true;
  }

  private static String cut(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
