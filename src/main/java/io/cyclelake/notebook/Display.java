package io.cyclelake.notebook;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Shows values in the running notebook cell, before the cell's own result: a cell that draws two figures calls
 * {@code show(a)} and ends with {@code b}. The kernel installs the sink when it starts; without one (plain Java, a
 * test), the {@code text/plain} form is printed to standard output.
 */
public final class Display {
  private static volatile Consumer<Map<String, String>> sink;

  private Display() {}

  /** Where shown bundles go; {@code null} = standard output. Set by {@link Kernel}. */
  static void sink(Consumer<Map<String, String>> s) {
    sink = s;
  }

  /** Shows {@code value}: its MIME bundle when it is {@link Displayable}, else its {@code toString} as text. */
  public static void show(Object value) {
    Map<String, String> bundle = bundle(value);
    Consumer<Map<String, String>> s = sink;
    if (s != null) {
      s.accept(bundle);
    } else {
      System.out.println(bundle.get("text/plain"));
    }
  }

  /** {@code value}'s MIME bundle; every bundle has a {@code text/plain} entry. */
  static Map<String, String> bundle(Object value) {
    if (value instanceof Displayable d) {
      Map<String, String> b = new java.util.LinkedHashMap<>(d.mimeBundle());
      b.putIfAbsent("text/plain", String.valueOf(value));
      return b;
    }
    return Map.of("text/plain", String.valueOf(value));
  }
}
