package io.cyclelake.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lines of an uncompressed text file that start in a byte range, each with the byte offset it starts at: what
 * one split of a large file reads ({@link FileSplit}), and what planning reads to place the splits' boundaries.
 * Lines end as {@link java.io.BufferedReader#readLine()} ends them ({@code \n}, {@code \r} or {@code \r\n}; a last
 * line without a terminator is a line) and are decoded as UTF-8, so lines and their numbers are those of
 * {@link TextInput} on the same file. A line that starts before the range's end is read to its end, also past the
 * range (as Hadoop's line reader does); planning places boundaries at line starts, so no line crosses one.
 *
 * <p>A read error ends the lines as in {@link TextInput}: the lines before it are delivered, a line the error cut is
 * flagged by {@link #lastLineCut()}, then {@link #readLine()} throws the error.
 */
public final class RangeLines implements LineSource {
  private final InputStream in;
  private final long end;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int lim;
  private long bufStart;
  private byte[] acc = new byte[256];
  private int accLen;
  private long next;
  private long lineStart = -1;
  private long lineNumber;
  private boolean eof;
  private IOException error;
  private boolean cut;

  private RangeLines(InputStream in, long start, long end, long linesBefore) {
    this.in = in;
    this.bufStart = start;
    this.next = start;
    this.end = end;
    this.lineNumber = linesBefore;
  }

  /**
   * The lines starting at byte offsets in [{@code start}, {@code end}) of {@code file}; {@code start} must be 0 or a
   * line start, and {@code linesBefore} the number of lines before it (the first line returned is line
   * {@code linesBefore + 1}).
   */
  public static RangeLines open(Path file, long start, long end, long linesBefore) throws IOException {
    if (start < 0 || end < start || linesBefore < 0) {
      throw new IllegalArgumentException("bad range [" + start + ", " + end + ") after " + linesBefore + " lines");
    }
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      ch.position(start);
      return new RangeLines(Channels.newInputStream(ch), start, end, linesBefore);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** All lines of {@code file}. */
  public static RangeLines open(Path file) throws IOException {
    return open(file, 0, Long.MAX_VALUE, 0);
  }

  @Override
  public String readLine() throws IOException {
    cut = false;
    if (next >= end) return null;
    long start = next;
    accLen = 0;
    boolean any = false;
    while (true) {
      if (pos >= lim && !fill()) {
        if (!any) {
          if (error != null) throw error;
          return null;
        }
        cut = error != null;
        next = bufStart + pos;
        return deliver(start, new String(acc, 0, accLen, StandardCharsets.UTF_8));
      }
      int i = pos;
      while (i < lim && buf[i] != '\n' && buf[i] != '\r') i++;
      if (i < lim) {
        String line;
        if (accLen == 0) {
          line = new String(buf, pos, i - pos, StandardCharsets.UTF_8);
        } else {
          append(pos, i - pos);
          line = new String(acc, 0, accLen, StandardCharsets.UTF_8);
        }
        byte terminator = buf[i];
        pos = i + 1;
        // \r\n is one line break, also when the \n is the first byte of the next buffer.
        if (terminator == '\r' && (pos < lim || fill()) && buf[pos] == '\n') pos++;
        next = bufStart + pos;
        return deliver(start, line);
      }
      append(pos, i - pos);
      any = true;
      pos = lim;
    }
  }

  private String deliver(long start, String line) {
    lineStart = start;
    lineNumber++;
    return line;
  }

  private void append(int from, int n) {
    if (accLen + n > acc.length) acc = java.util.Arrays.copyOf(acc, Math.max(acc.length * 2, accLen + n));
    System.arraycopy(buf, from, acc, accLen, n);
    accLen += n;
  }

  /** Reads the next buffer; false at the end of the file or after a read error (kept for later). */
  private boolean fill() {
    if (eof) return false;
    bufStart += lim;
    pos = 0;
    lim = 0;
    try {
      int n;
      do {
        n = in.read(buf, 0, buf.length);
      } while (n == 0);
      if (n < 0) {
        eof = true;
        return false;
      }
      lim = n;
      return true;
    } catch (IOException e) {
      error = e;
      eof = true;
      return false;
    }
  }

  /** Byte offset in the file where the line just returned starts. */
  public long lineStart() {
    return lineStart;
  }

  @Override
  public boolean lastLineCut() {
    return cut;
  }

  @Override
  public String lastLineCutReason() {
    return error == null ? "" : error.toString();
  }

  @Override
  public long lineNumber() {
    return lineNumber;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
