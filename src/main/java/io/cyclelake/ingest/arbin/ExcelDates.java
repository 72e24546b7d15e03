package io.cyclelake.ingest.arbin;

import java.time.Instant;

/**
 * Excel serial dates as Arbin writes them in {@code Date_Time}: days since 1899-12-30 00:00, with the time of day as
 * the fraction (e.g. {@code 40406.572881944441} is 2010-08-16 13:44:57). The tester writes its local clock time and
 * the files say nothing about the time zone, so the clock reading is labelled UTC: the instants order sessions and
 * cycles correctly and print the tester's wall-clock time, but are not true UTC.
 *
 * <p>The 1899-12-30 epoch is the usual way to absorb Excel's phantom 1900-02-29; it is exact for serials from 61
 * (1900-03-01) on, which covers every date a battery tester can have written.
 */
public final class ExcelDates {
  /** Serial of 1970-01-01, the Unix epoch. */
  static final double UNIX_EPOCH_SERIAL = 25569.0;
  private static final double MS_PER_DAY = 86_400_000.0;

  private ExcelDates() {}

  /**
   * The instant of an Excel serial date, rounded to the millisecond (Excel stores the time of day as a binary
   * fraction of a day, so the exact second usually lies a few microseconds off the serial).
   *
   * @param serial days since 1899-12-30 00:00, fractional; must be finite
   */
  public static Instant toInstant(double serial) {
    if (!Double.isFinite(serial)) throw new IllegalArgumentException("an Excel serial date must be finite: " + serial);
    // Subtracting first keeps the product small: for modern serials (< 2 x 25569) the subtraction is exact.
    return Instant.ofEpochMilli(Math.round((serial - UNIX_EPOCH_SERIAL) * MS_PER_DAY));
  }

  /** The Excel serial date (days since 1899-12-30 00:00, fractional) of an instant; the inverse of toInstant. */
  public static double toSerial(Instant t) {
    return UNIX_EPOCH_SERIAL + (t.getEpochSecond() * 1000.0 + t.getNano() / 1e6) / MS_PER_DAY;
  }
}
