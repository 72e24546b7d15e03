package io.cyclelake.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FieldsTest {
  @Test
  void complexNumbersInPythonNotation() throws Exception {
    assertArrayEquals(new Double[] {-1.0, 1.0}, Fields.optionalComplex("(-1+1j)"));
    assertArrayEquals(new Double[] {0.1749, -0.0233}, Fields.optionalComplex("(0.1749-0.0233j)"));
    assertArrayEquals(new Double[] {1.5e-3, -2.0e-05}, Fields.optionalComplex("(1.5e-03-2e-05j)"));
    assertArrayEquals(new Double[] {0.0, 2.5}, Fields.optionalComplex("2.5j"));
    assertArrayEquals(new Double[] {0.056, 0.0}, Fields.optionalComplex("0.056"));
    assertArrayEquals(new Double[] {null, null}, Fields.optionalComplex(""));
    var e = assertThrows(FieldParseException.class, () -> Fields.optionalComplex("(1+xj)"));
    assertEquals("complex", e.rule());
  }

  @Test
  void doublesTreatEmptyAndNanAsMissingAndRejectTextAndInfinity() throws Exception {
    assertNull(Fields.optionalDouble(""));
    assertNull(Fields.optionalDouble("nan"));
    assertEquals(4.19, Fields.optionalDouble(" 4.19 "));
    assertEquals("number", assertThrows(FieldParseException.class, () -> Fields.optionalDouble("4,19")).rule());
    assertEquals("finite", assertThrows(FieldParseException.class, () -> Fields.optionalDouble("inf")).rule());
    assertEquals("integer", assertThrows(FieldParseException.class, () -> Fields.requiredInt("1.5")).rule());
    assertEquals("required", assertThrows(FieldParseException.class, () -> Fields.requiredInt(" ")).rule());
  }

  @Test
  void csvQuoting() {
    assertEquals(List.of("a", "b,c", "say \"hi\"", ""), CsvLine.split("a,\"b,c\",\"say \"\"hi\"\"\",", ','));
    assertEquals(List.of("[2010    7   21]", "x"), CsvLine.split("[2010    7   21],x", ','));
  }
}
