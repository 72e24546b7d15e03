package io.cyclelake.ingest;

import java.io.Closeable;
import java.io.IOException;

/**
 * Lines of a tabular input, one record each: a text file ({@link TextInput}) or a worksheet rendered as CSV lines
 * ({@link io.cyclelake.ingest.xlsx.XlsxLines}).
 */
public interface LineSource extends Closeable {
  /** The next line without its terminator, or null at the end; throws a read error after the last good line. */
  String readLine() throws IOException;

  /** Whether the line just returned is the last one and a read error cut it. */
  boolean lastLineCut();

  /** The read error that cut the last line, in words. */
  String lastLineCutReason();

  /** 1-based number of the line just returned (for a worksheet: its row number). */
  long lineNumber();
}
