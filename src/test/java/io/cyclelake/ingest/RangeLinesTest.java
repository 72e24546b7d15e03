package io.cyclelake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RangeLines} gives the lines and line numbers {@link java.io.BufferedReader} gives ({@code \n}, {@code \r},
 * {@code \r\n} across its 64 KB buffer, empty lines, no final line break, multi-byte UTF-8), each line's start
 * offset, and from any line start the rest of the lines with their numbers.
 */
class RangeLinesTest {
  @TempDir Path dir;

  /** Random text: lines of 0..200 characters (some 'é', '€'), random terminators, about {@code bytes} long. */
  static byte[] text(long seed, int bytes, boolean finalBreak) {
    Random r = new Random(seed);
    StringBuilder s = new StringBuilder();
    String[] breaks = {"\n", "\r\n", "\r"};
    while (s.length() < bytes) {
      int n = r.nextInt(10) == 0 ? 0 : r.nextInt(200);
      for (int i = 0; i < n; i++) {
        int k = r.nextInt(40);
        s.append(k == 0 ? 'é' : k == 1 ? '€' : (char) ('a' + k % 26));
      }
      s.append(breaks[r.nextInt(10) < 7 ? 0 : r.nextInt(3)]);
    }
    if (!finalBreak) s.append("last line without a break");
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  static List<String> reference(byte[] b) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new StringReader(new String(b, StandardCharsets.UTF_8)))) {
      for (String l; (l = in.readLine()) != null; ) out.add(l);
    }
    return out;
  }

  @Test
  void sameLinesAsBufferedReaderAndRestartableAtAnyLineStart() throws IOException {
    for (boolean finalBreak : new boolean[] {true, false}) {
      byte[] b = text(finalBreak ? 1 : 2, 300_000, finalBreak);
      Path f = dir.resolve("t" + finalBreak + ".txt");
      Files.write(f, b);
      List<String> expected = reference(b);
      List<String> got = new ArrayList<>();
      List<Long> starts = new ArrayList<>();
      try (RangeLines in = RangeLines.open(f)) {
        for (String l; (l = in.readLine()) != null; ) {
          got.add(l);
          starts.add(in.lineStart());
          assertEquals(got.size(), in.lineNumber());
        }
        assertNull(in.readLine());
      }
      assertEquals(expected, got);
      // Each line's bytes start at its offset (a line after \r\n starts after the \n).
      for (int i = 1; i < starts.size(); i++) {
        int s = (int) (long) starts.get(i);
        byte before = b[s - 1];
        assertEquals(true, before == '\n' || before == '\r', "line " + (i + 1) + " starts after a line break");
      }
      // Ranges between line starts give exactly their lines, with their numbers in the file.
      Random r = new Random(7);
      for (int k = 0; k < 20; k++) {
        int from = r.nextInt(got.size());
        int to = from + r.nextInt(Math.min(500, got.size() - from)) + 1;
        long end = to < starts.size() ? starts.get(to) : b.length;
        try (RangeLines in = RangeLines.open(f, starts.get(from), end, from)) {
          for (int i = from; i < to; i++) {
            assertEquals(got.get(i), in.readLine(), "line " + (i + 1));
            assertEquals(i + 1, in.lineNumber());
            assertEquals(starts.get(i), in.lineStart());
          }
          assertNull(in.readLine(), "nothing after the range's end");
        }
      }
    }
  }

  @Test
  void crlfSplitByTheBufferIsOneBreak() throws IOException {
    byte[] b = new byte[(1 << 16) + 10];
    java.util.Arrays.fill(b, (byte) 'x');
    b[(1 << 16) - 1] = '\r'; // last byte of the first 64 KB buffer
    b[1 << 16] = '\n';       // first byte of the second
    Path f = dir.resolve("crlf.txt");
    Files.write(f, b);
    try (RangeLines in = RangeLines.open(f)) {
      assertEquals((1 << 16) - 1, in.readLine().length());
      assertEquals("xxxxxxxxx", in.readLine());
      assertEquals((1 << 16) + 1, in.lineStart());
      assertEquals(2, in.lineNumber());
      assertNull(in.readLine());
    }
    assertEquals(reference(b).size(), 2);
  }
}
