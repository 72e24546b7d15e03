package io.cyclelake.report.html;

import java.util.Locale;

/** Escaping and number formatting for the HTML pages. */
public final class Html {
  private Html() {}

  /** Escapes text for element content and double-quoted attribute values. */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Makes JSON safe inside {@code <script type="application/json">}: {@code </} becomes {@code <\/} and {@code <!}
   * becomes {@code \u003c!}, both JSON escapes that parse back to the same string, so no value can close the element.
   */
  public static String scriptSafeJson(String json) {
    return json.replace("</", "<\\/").replace("<!", "\\u003c!");
  }

  /** A table cell: null as an empty cell, doubles with 6 significant digits, the rest as text. */
  public static String format(Object v) {
    if (v == null) return "";
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) return Double.toString(d);
      if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.format(Locale.ROOT, "%.1f", d);
      return String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
          .replaceAll("\\.(e|$)", "$1");
    }
    return v.toString();
  }
}
