package io.cyclelake.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void alignsTextLeftAndNumbersRight() {
    TextTable t = new TextTable(List.of("cell", "n", "mae"));
    t.add(List.of("B0005", 168L, 0.0123456789));
    t.add(Arrays.asList("B0018", 7L, null));
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    t.print(new PrintStream(b, true, StandardCharsets.UTF_8));
    assertEquals(String.join("\n",
        "cell  | n   | mae",
        "------+-----+----------",
        "B0005 | 168 | 0.0123457",
        "B0018 |   7 |      null", ""), b.toString(StandardCharsets.UTF_8));
  }

  @Test
  void csvQuotesWhereNeeded() {
    TextTable t = new TextTable(List.of("a", "b"));
    t.add(List.of("x,y", 2.0));
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    t.printCsv(new PrintStream(b, true, StandardCharsets.UTF_8));
    assertEquals("a,b\n\"x,y\",2.0\n", b.toString(StandardCharsets.UTF_8));
  }
}
