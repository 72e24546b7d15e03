package io.cyclelake.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kernel's cell evaluation without Jupyter: JShell in this JVM with the kernel's startup imports. Values come
 * back as objects, declarations persist between cells, and failures say where and what.
 */
class ShellTest {
  static Shell shell;

  @BeforeAll
  static void start() {
    shell = new Shell(Shell.applicationClasspath(), Kernel.STARTUP);
  }

  @AfterAll
  static void stop() {
    shell.close();
  }

  @Test
  void theLastExpressionIsTheCellsValueAsAnObject() {
    assertEquals(42, shell.eval("int x = 6;\nint y = 7;\nx * y"));
    assertEquals(43, shell.eval("x * y + 1"), "declarations persist from cell to cell");
    assertNull(shell.eval("int z = 1;"), "a declaration shows nothing");
    assertNull(shell.eval("x * y;\nSystem.out.flush();"), "only the last snippet counts");
    Object t = shell.eval("new Table(List.of(\"cell\", \"n\"), List.of(List.of(\"S1\", 2)))");
    assertInstanceOf(Table.class, t, "the object itself, from the application classpath (startup imports)");
    assertEquals(List.of("S1"), ((Table) t).column("cell"));
    assertEquals("x", shell.eval("String s = \"x\";\ns"), "a bare variable is an expression too");
  }

  @Test
  void aCellThatDoesNotCompileNamesTheLineAndRunsNothing() {
    shell.eval("int counter = 0;");
    Shell.CompileError e = assertThrows(Shell.CompileError.class,
        () -> shell.eval("counter = 1;\n\nString s = 12;"));
    assertTrue(e.getMessage().startsWith("line 3: "), e.getMessage());
    assertTrue(e.getMessage().contains("int cannot be converted to java.lang.String"), e.getMessage());
    assertEquals(1, shell.eval("counter"), "snippets before the bad one ran (as in JShell)");
    assertThrows(Shell.CompileError.class, () -> shell.eval("undefinedName + 1"));
  }

  @Test
  void anExceptionOfTheCellKeepsItsClassAndMessage() {
    Shell.CellException e = assertThrows(Shell.CellException.class,
        () -> shell.eval("Integer.parseInt(\"twelve\")"));
    assertEquals("java.lang.NumberFormatException", e.className());
    assertEquals("For input string: \"twelve\"", e.getMessage());
    assertTrue(e.getStackTrace().length > 0);
  }

  @Test
  void stopInterruptsTheRunningCell() throws Exception {
    java.util.concurrent.CompletableFuture<Object> cell = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return shell.eval("Thread.sleep(120_000);\n\"slept\"");
      } catch (RuntimeException e) {
        return e;
      }
    });
    long t0 = System.nanoTime();
    while (!cell.isDone() && System.nanoTime() - t0 < 60_000_000_000L) {
      Thread.sleep(200);
      shell.stop();
    }
    Object r = cell.get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertInstanceOf(Shell.CellException.class, r, "the sleep was interrupted: " + r);
    assertEquals("java.lang.InterruptedException", ((Shell.CellException) r).className());
    assertEquals(2, shell.eval("1 + 1"), "the shell still works after a stop");
  }

  @Test
  void completenessAndCompletion() {
    assertEquals("complete", shell.isComplete("int a = 1;"));
    assertEquals("incomplete", shell.isComplete("for (int i = 0; i < 3; i++) {"));
    Shell.Completions c = shell.complete("LakeNotebook.op", 15);
    assertTrue(c.replacements().contains("open("), c.toString());
    assertEquals(13, c.start());
  }

  @Test
  void showSendsMimeBundlesToTheSinkInOrder() {
    List<Map<String, String>> shown = new ArrayList<>();
    Display.sink(shown::add);
    try {
      shell.eval("show(\"first\");\nshow(new Figure(\"f\", io.cyclelake.report.plot.SvgCharts.scatter(\"f\", \"x\", "
          + "\"y\", List.of(new io.cyclelake.report.plot.SvgCharts.Series(\"s\", new double[] {1, 2}, new double[] {3, "
          + "4})), false), 2));");
    } finally {
      Display.sink(null);
    }
    assertEquals(2, shown.size());
    assertEquals(Map.of("text/plain", "first"), shown.get(0));
    assertEquals(List.of("image/svg+xml", "text/plain"), List.copyOf(shown.get(1).keySet()));
    assertTrue(shown.get(1).get("image/svg+xml").startsWith("<?xml") && shown.get(1).get("image/svg+xml")
        .contains("<svg"));
    assertEquals("Figure: f (2 points)", shown.get(1).get("text/plain"));
  }

  @Test
  void aTableShowsAsHtmlAndAlignedText() {
    Table t = new Table(List.of("cell", "capacity_ah"), List.of(List.of("S<1>", 1.5), java.util.Arrays.asList("S2",
        null)));
    Map<String, String> b = t.mimeBundle();
    assertTrue(b.get("text/html").contains("<th>capacity_ah</th>"));
    assertTrue(b.get("text/html").contains("<td>S&lt;1&gt;</td>"), "values are escaped: " + b.get("text/html"));
    assertTrue(b.get("text/plain").endsWith("(2 rows)\n"), b.get("text/plain"));
    assertThrows(IllegalArgumentException.class, () -> new Table(List.of("a"), List.of(List.of(1, 2))));
    assertThrows(IllegalArgumentException.class, () -> new Figure("x", "not svg", 0));
  }
}
