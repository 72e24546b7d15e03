package io.cyclelake.notebook;

import java.io.File;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Java cells evaluated by the JDK's JShell inside this JVM: snippets run on the calling thread with the application
 * classpath (their class loader's parent is the system class loader, so they see the same classes and static state as
 * the kernel), declarations persist from cell to cell, and the value of a cell's last expression is returned as the
 * object itself, not as its {@code toString}.
 */
public final class Shell implements AutoCloseable {
  private final JShell jshell;
  private final Capturing control = new Capturing();

  /** A cell that did not compile, with JShell's diagnostics (line numbers counted in the cell). */
  public static final class CompileError extends RuntimeException {
    public CompileError(String message) {
      super(message);
    }
  }

  /**
   * @param classpath entries the compiler sees (normally this JVM's {@link #applicationClasspath()})
   * @param startup snippets run once before the first cell (imports)
   */
  public Shell(List<String> classpath, List<String> startup) {
    jshell = JShell.builder()
        .executionEngine(new Provider(control), Map.of())
        .compilerOptions("--release", String.valueOf(Runtime.version().feature()), "-proc:none")
        .out(System.out).err(System.err)
        .build();
    for (String entry : classpath) jshell.addToClasspath(entry);
    for (String s : startup) eval(s);
  }

  /**
   * This JVM's classpath entries, including those a manifest-only jar (Surefire's) lists in its {@code Class-Path}.
   */
  public static List<String> applicationClasspath() {
    List<String> out = new ArrayList<>();
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (e.isEmpty()) continue;
      out.add(e);
      if (e.endsWith(".jar") && new File(e).isFile()) {
        try (var jar = new java.util.jar.JarFile(e)) {
          var mf = jar.getManifest();
          String cp = mf == null ? null : mf.getMainAttributes().getValue("Class-Path");
          if (cp == null) continue;
          for (String u : cp.trim().split("\\s+")) {
            if (u.isEmpty()) continue;
            out.add(new File(new File(e).getParentFile().toURI().resolve(u)).getPath());
          }
        } catch (java.io.IOException | IllegalArgumentException ex) {
          // not a readable jar: the entry stays as it is
        }
      }
    }
    return out;
  }

  /**
   * Runs a cell: every snippet in order; returns the value of the last snippet when it is an expression, else
   * {@code null}.
   *
   * @throws CompileError when a snippet does not compile (nothing after it runs)
   * @throws Throwable the cell's own exception, as thrown (JShell's wrapper removed where the class is known)
   */
  public Object eval(String cell) {
    SourceCodeAnalysis sca = jshell.sourceCodeAnalysis();
    String rest = cell;
    Object last = null;
    int line = 1;
    while (!rest.isBlank()) {
      SourceCodeAnalysis.CompletionInfo ci = sca.analyzeCompletion(rest);
      if (!ci.completeness().isComplete()) {
        throw new CompileError("line " + line + ": the cell ends inside a statement (" + ci.completeness()
            + "): " + firstLine(rest));
      }
      String source = ci.source();
      int consumed = rest.length() - ci.remaining().length();
      last = run(source, line);
      line += count(rest.substring(0, consumed), '\n');
      rest = ci.remaining();
    }
    return last;
  }

  private Object run(String source, int line) {
    control.clear();
    List<SnippetEvent> events = jshell.eval(source);
    Object value = null;
    for (SnippetEvent e : events) {
      if (e.causeSnippet() != null) continue; // a dependent snippet's status change
      Snippet s = e.snippet();
      if (e.status() == Snippet.Status.REJECTED) {
        String diags = jshell.diagnostics(s).map(d -> describe(d, source, line)).collect(Collectors.joining("\n"));
        throw new CompileError(diags.isEmpty() ? "line " + line + ": rejected: " + firstLine(source) : diags);
      }
      if (e.exception() != null) throw unwrap(e.exception());
      // a cell shows the value of a last expression, as a Python notebook does; declarations show nothing
      // (JShell turns a non-void expression into a temporary variable $n; a bare variable name is an EXPRESSION)
      boolean expression = s.kind() == Snippet.Kind.EXPRESSION
          || s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
      value = expression && control.captured ? control.value : null;
    }
    return value;
  }

  private static String describe(Diag d, String source, int firstLine) {
    long pos = Math.max(0, d.getStartPosition());
    int line = firstLine + count(source.substring(0, (int) Math.min(pos, source.length())), '\n');
    return "line " + line + ": " + d.getMessage(java.util.Locale.ROOT);
  }

  private static RuntimeException unwrap(jdk.jshell.JShellException e) {
    if (e instanceof UnresolvedReferenceException u) {
      return new CompileError("unresolved reference in " + u.getSnippet().source().strip());
    }
    if (e instanceof EvalException ev) {
      // the cell's exception arrives as class name + message + stack trace: rebuild a RuntimeException with both
      CellException c = new CellException(ev.getExceptionClassName(), ev.getMessage());
      c.setStackTrace(ev.getStackTrace());
      if (ev.getCause() != null) c.initCause(ev.getCause());
      return c;
    }
    return new RuntimeException(e.getMessage(), e);
  }

  /** An exception a cell threw: its class name and message, as the cell threw them. */
  public static final class CellException extends RuntimeException {
    private final String className;

    CellException(String className, String message) {
      super(message);
      this.className = className;
    }

    public String className() {
      return className;
    }

    @Override
    public String toString() {
      return className + (getMessage() == null ? "" : ": " + getMessage());
    }
  }

  /** {@code complete}, {@code incomplete} or {@code invalid}: whether a front end should run {@code code} yet. */
  public String isComplete(String code) {
    SourceCodeAnalysis sca = jshell.sourceCodeAnalysis();
    String rest = code;
    while (!rest.isBlank()) {
      SourceCodeAnalysis.CompletionInfo ci = sca.analyzeCompletion(rest);
      switch (ci.completeness()) {
        case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE:
          return "incomplete";
        case UNKNOWN:
          return "invalid";
        default:
          rest = ci.remaining();
      }
    }
    return "complete";
  }

  /** Completions at {@code cursor}: the replacements and the start of the text they replace. */
  public Completions complete(String code, int cursor) {
    int[] anchor = new int[1];
    List<String> names = jshell.sourceCodeAnalysis().completionSuggestions(code, cursor, anchor).stream()
        .map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList();
    return new Completions(names, anchor[0], cursor);
  }

  public record Completions(List<String> replacements, int start, int end) {}

  /** Stops the cell that is running (interrupts its thread). */
  public void stop() {
    jshell.stop();
  }

  @Override
  public void close() {
    jshell.close();
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) == c) n++;
    return n;
  }

  private static String firstLine(String s) {
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl) + " ...";
  }

  /** Local execution on the calling thread that keeps the last snippet's value as an object. */
  private static final class Capturing extends LocalExecutionControl {
    volatile Object value;
    volatile boolean captured;
    private volatile Thread running;

    void clear() {
      value = null;
      captured = false;
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
      running = Thread.currentThread();
      try {
        Object v = doitMethod.invoke(null);
        value = v;
        captured = true;
        return valueString(v);
      } finally {
        running = null;
        Thread.interrupted(); // a stop() that came after the cell finished must not hit the next one
      }
    }

    @Override
    public void stop() {
      Thread t = running;
      if (t != null) t.interrupt();
    }
  }

  private record Provider(ExecutionControl control) implements ExecutionControlProvider {
    @Override
    public String name() {
      return "cyclelake-local";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
      return control;
    }
  }
}
