package io.cyclelake.ingest.arbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExcelDatesTest {
  @Test
  void arbinSerialIsTheTesterClockTime() {
    Instant t = ExcelDates.toInstant(40406.572881944441);
    long off = Duration.between(Instant.parse("2010-08-16T13:44:57Z"), t).toMillis();
    assertTrue(Math.abs(off) <= 1, t + " is " + off + " ms from 2010-08-16T13:44:57");
  }

  @Test
  void epochAndFractions() {
    assertEquals(Instant.parse("1970-01-01T00:00:00Z"), ExcelDates.toInstant(25569));
    assertEquals(Instant.parse("1899-12-30T00:00:00Z"), ExcelDates.toInstant(0));
    assertEquals(Instant.parse("2010-08-16T12:00:00Z"), ExcelDates.toInstant(40406.5));
    assertEquals(Instant.parse("1900-03-01T00:00:00Z"), ExcelDates.toInstant(61), "Excel's first correct day");
  }

  @Test
  void roundTrip() {
    Instant t = Instant.parse("2011-01-31T10:51:05.123Z");
    assertEquals(t, ExcelDates.toInstant(ExcelDates.toSerial(t)));
    assertThrows(IllegalArgumentException.class, () -> ExcelDates.toInstant(Double.NaN));
  }
}
