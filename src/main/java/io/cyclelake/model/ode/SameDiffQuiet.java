package io.cyclelake.model.ode;

import java.io.PrintStream;

/**
 * SameDiff 1.0.0-M2.1 prints "Added differentiated op NAME" with {@code System.out.println} for every op when it
 * builds a gradient graph (hundreds of lines per unrolled solver, once per fold). {@link #install()} wraps
 * {@code System.out} once, process-wide, in a stream that drops exactly those lines and passes everything else on.
 */
public final class SameDiffQuiet {
  private SameDiffQuiet() {}

  static final String PREFIX = "Added differentiated op ";

  public static synchronized void install() {
    if (System.out instanceof Filter) return;
    System.setOut(new Filter(System.out));
  }

  private static final class Filter extends PrintStream {
    Filter(PrintStream out) {
      super(out, true);
    }

    @Override
    public void println(String x) {
      if (x != null && x.startsWith(PREFIX)) return;
      super.println(x);
    }
  }
}
