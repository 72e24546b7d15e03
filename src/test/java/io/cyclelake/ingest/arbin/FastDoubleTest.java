package io.cyclelake.ingest.arbin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** FastDouble must be Double.parseDouble, bit for bit and exception for exception. */
class FastDoubleTest {
  private static void same(String s) {
    String expected;
    try {
      expected = Long.toHexString(Double.doubleToRawLongBits(Double.parseDouble(s)));
    } catch (NumberFormatException e) {
      expected = "NumberFormatException";
    }
    String actual;
    try {
      actual = Long.toHexString(Double.doubleToRawLongBits(FastDouble.parse(s)));
    } catch (NumberFormatException e) {
      actual = "NumberFormatException";
    }
    assertEquals(expected, actual, "'" + s + "'");
  }

  @Test
  void tableMatchesGoStrconv() {
    // Reference values from Go's strconv detailedPowersOfTen (the same truncated 128-bit mantissas).
    assertArrayEquals(new long[] {0xFA8FD5A0081C0288L, 0x1732C869CD60E453L}, FastDouble.pow10(-348));
    assertArrayEquals(new long[] {0x8000000000000000L, 0}, FastDouble.pow10(0));
    assertArrayEquals(new long[] {0xA000000000000000L, 0}, FastDouble.pow10(1));
    assertArrayEquals(new long[] {0xD13EB46469447567L, 0x4B7195F2D2D1A9FBL}, FastDouble.pow10(347));
  }

  @Test
  void arbinNumbersAreDecidedByTheFastPathItself() {
    // man * 10^exp10 for 3.2377243769587949E-5, 40406.572881944441, 0.97653661383971802.
    assertEquals(Double.doubleToRawLongBits(3.2377243769587949E-5), FastDouble.eiselLemire(32377243769587949L, -21));
    assertEquals(Double.doubleToRawLongBits(40406.572881944441), FastDouble.eiselLemire(40406572881944441L, -12));
    assertEquals(Double.doubleToRawLongBits(0.97653661383971802), FastDouble.eiselLemire(97653661383971802L, -17));
  }

  @Test
  void edgeCases() {
    for (String s : List.of("0", "-0", "+1", ".5", "5.", "-.5e-3", "00012.500", "1e", "e5", "", "-", "+", ".", "1e+",
        "NaN", "-Infinity", "Infinity", "1e400", "-1e400", "1e-400", "4.9e-324", "2.2250738585072014E-308",
        "2.2250738585072011E-308", "1.7976931348623157E308", "1.7976931348623159E308", "9007199254740993",
        "9007199254740992.5", "9223372036854775807", "9999999999999999999", "18446744073709551615",
        "0.10000000000000000555", "1_0", " 1.5", "1.5 ", "0x1p3", "1.5d", "1.5f", "1e1000000000000",
        "3.2377243769587949E-5", "40406.572881944441", "-1.9243103452026844E-5", "0.97653661383971802",
        "1.0018E-9", "8.8380329543724656E-4", "1e23", "8.41e21", "5e-324", "7.2057594037927933e16",
        "0.000000000000000000000000000000000000000000001", "1.00000000000000000000000000001")) {
      same(s);
    }
  }

  @Test
  void randomDecimalsOfEveryShape() {
    SplittableRandom r = new SplittableRandom(20240530);
    StringBuilder b = new StringBuilder();
    for (int n = 0; n < 100_000; n++) {
      b.setLength(0);
      if (r.nextInt(4) == 0) b.append(r.nextBoolean() ? '-' : '+');
      int digits = 1 + r.nextInt(r.nextInt(10) == 0 ? 25 : 19);
      int point = r.nextInt(digits + 1);
      for (int d = 0; d < digits; d++) {
        if (d == point) b.append('.');
        b.append((char) ('0' + r.nextInt(10)));
      }
      if (r.nextBoolean()) b.append(r.nextBoolean() ? 'E' : 'e').append(r.nextInt(-345, 330));
      same(b.toString());
    }
  }

  @Test
  void printedDoublesAndNearHalfwayDecimals() {
    SplittableRandom r = new SplittableRandom(7);
    for (int n = 0; n < 10_000; n++) {
      double d = Double.longBitsToDouble(r.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL);
      if (d < 1e-300) continue;
      same(Double.toString(d));
      same(String.format(Locale.ROOT, "%.16e", d));
      // Decimals within a hair of the midpoint between d and the next double: the hardest rounding decisions.
      BigDecimal mid = new BigDecimal(d).add(new BigDecimal(Math.nextUp(d))).divide(BigDecimal.valueOf(2));
      same(mid.round(new MathContext(19, RoundingMode.FLOOR)).toString());
      same(mid.round(new MathContext(19, RoundingMode.CEILING)).toString());
      same(mid.round(new MathContext(17, RoundingMode.HALF_EVEN)).toString());
      same(mid.toString());
    }
  }
}
