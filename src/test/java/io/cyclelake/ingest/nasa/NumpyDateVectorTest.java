package io.cyclelake.ingest.nasa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cyclelake.ingest.FieldParseException;
import org.junit.jupiter.api.Test;

class NumpyDateVectorTest {
  @Test
  void theThreeNumpyForms() throws Exception {
    assertEquals("2010-07-21T20:31:05Z", NumpyDateVector.parse("[2010    7   21   20   31    5]").toString());
    assertEquals("2010-07-21T22:38:43.484Z",
        NumpyDateVector.parse("[2010.       7.      21.      22.      38.      43.484]").toString());
    assertEquals("2009-02-18T22:20:01.140Z",
        NumpyDateVector.parse("[2.009e+03 2.000e+00 1.800e+01 2.200e+01 2.000e+01 1.140e+00]").toString());
  }

  @Test
  void malformedVectorsSayWhy() {
    var e = assertThrows(FieldParseException.class, () -> NumpyDateVector.parse("[2010 7 21 20 31]"));
    assertEquals("'[2010 7 21 20 31]' has 5 numbers, expected 6", e.getMessage());
    assertThrows(FieldParseException.class, () -> NumpyDateVector.parse("2010-07-21"));
    assertThrows(FieldParseException.class, () -> NumpyDateVector.parse("[2010 13 21 20 31 5]"));
    assertThrows(FieldParseException.class, () -> NumpyDateVector.parse("[2010 7.5 21 20 31 5]"));
  }
}
