package io.cyclelake.ingest;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Lines of a text file, gzip-compressed ({@code .gz}) or not, that survive a file cut short: every line decoded
 * before a read error is delivered, the line the error cut is flagged by {@link #lastLineCut()}, and the error itself
 * is thrown by {@link #readLine()} once those lines are out. (A plain reader loses up to a buffer of lines before the
 * error, and takes the cut line for a whole one.)
 */
public final class TextInput implements Closeable, LineSource {
  private final Guard guard;
  private final BufferedReader in;
  private String next;
  private boolean cut;
  private long lineNumber;

  private TextInput(Guard guard, BufferedReader in) throws IOException {
    this.guard = guard;
    this.in = in;
    this.next = in.readLine();
  }

  public static TextInput open(Path file) throws IOException {
    InputStream raw = Files.newInputStream(file);
    try {
      InputStream s = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
      Guard g = new Guard(s);
      return new TextInput(g, new BufferedReader(new InputStreamReader(g, StandardCharsets.UTF_8), 1 << 16));
    } catch (IOException e) {
      raw.close();
      throw e;
    }
  }

  /**
   * As {@link #open}, with a file that cannot even be opened (a {@code .gz} that is empty, not gzip, or has a broken
   * header) failing as {@code INPUT_MALFORMED} at line 1, named by its path.
   */
  public static TextInput openOrFail(Path file) {
    try {
      return open(file);
    } catch (IOException e) {
      long size = -1;
      try {
        size = Files.size(file);
      } catch (IOException gone) {
        // reported below with the open error
      }
      if (size == 0) {
        throw new io.cyclelake.errors.CycleLakeException(io.cyclelake.errors.ErrorCode.INPUT_MALFORMED,
            "the file is empty (0 bytes)", new io.cyclelake.errors.SourceLocation(file.toString(), 1, 0, null), e);
      }
      throw readBreak(file.toString(), null, e);
    }
  }

  /** The next line without its terminator, or null at the end; throws the read error after the last good line. */
  public String readLine() throws IOException {
    String line = next;
    if (line == null) {
      if (guard.error != null) throw guard.error;
      return null;
    }
    next = in.readLine();
    // The last line is cut only if the error struck before its line break; a file cut right after a line break
    // (or a gzip whose trailer is bad) has all its lines whole.
    cut = next == null && guard.error != null && !guard.endsWithLineBreak();
    lineNumber++;
    return line;
  }

  /** Whether the line just returned is the last one and a read error struck before its line break. */
  public boolean lastLineCut() {
    return cut;
  }

  /** The read error that cut the last line, in words. */
  public String lastLineCutReason() {
    return guard.error == null ? "" : guard.error.toString();
  }

  /** 1-based number of the line just returned. */
  public long lineNumber() {
    return lineNumber;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /**
   * A read error that ended {@code file} early (a .gz cut short or corrupt, broken worksheet XML, a failing disk) as
   * an {@code INPUT_MALFORMED} error at the line it struck: the line the error cut (quarantined as {@code truncated}
   * by the reader), else the line after the last one read. Its cause is the read error ({@link #isReadBreak}).
   */
  public static io.cyclelake.errors.CycleLakeException readBreak(String file, LineSource in, IOException e) {
    long line = in == null ? 1 : in.lastLineCut() ? in.lineNumber() : in.lineNumber() + 1;
    String cause = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return new io.cyclelake.errors.CycleLakeException(io.cyclelake.errors.ErrorCode.INPUT_MALFORMED,
        "the file cannot be read from this line on (" + cause + "); the lines before it were read. A file that is "
            + "cut short or corrupt must be copied again", new io.cyclelake.errors.SourceLocation(file, line, 0, null),
        e);
  }

  /** Whether {@code e} is a {@link #readBreak}: the lines before it were delivered. */
  public static boolean isReadBreak(io.cyclelake.errors.CycleLakeException e) {
    return e.getCause() instanceof IOException && e.getMessage().contains("the file cannot be read from this line on");
  }

  /** Turns a read error into the end of the stream, keeping the error for later. */
  private static final class Guard extends FilterInputStream {
    IOException error;
    private int last = -1;

    Guard(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      if (error != null) return -1;
      try {
        int b = super.read();
        if (b >= 0) last = b;
        return b;
      } catch (IOException e) {
        error = e;
        return -1;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (error != null) return -1;
      try {
        int n = super.read(b, off, len);
        if (n > 0) last = b[off + n - 1] & 0xff;
        return n;
      } catch (IOException e) {
        error = e;
        return -1;
      }
    }

    /** Whether the last byte read before the end or the error was a line break. */
    boolean endsWithLineBreak() {
      return last == '\n' || last == '\r';
    }
  }
}
