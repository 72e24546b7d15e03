package io.cyclelake.jobs;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines of a job on the console: what is being done and how long each step took. */
public final class Progress {
  private final PrintStream out;
  private long stepStart = System.nanoTime();

  public Progress(PrintStream out) {
    this.out = out;
  }

  public static Progress quiet() {
    return new Progress(new PrintStream(java.io.OutputStream.nullOutputStream()));
  }

  public void say(String line) {
    out.println(line);
    out.flush();
  }

  public void step(String what) {
    stepStart = System.nanoTime();
    say("  .. " + what);
  }

  public void done(String what) {
    say(String.format(Locale.ROOT, "  ok %s (%.1f s)", what, (System.nanoTime() - stepStart) / 1e9));
  }
}
