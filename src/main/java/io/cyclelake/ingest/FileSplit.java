package io.cyclelake.ingest;

import java.io.Serializable;

/**
 * One byte range of a large uncompressed file that its own Spark task parses (see {@link SplitPolicy}). Planning
 * scans the whole file anyway, so it places each boundary at the start of a line and records how many lines come
 * before it and what the reader's per-file state is there: a split's lines, numbers and records are those the
 * unsplit parse gives for the same lines.
 *
 * @param index 0-based position of the split in its file
 * @param count the file's number of splits
 * @param startByte offset of the split's first line (0 for the first split, which holds the header)
 * @param endByte offset after the split's last line (the next split's start; the file's size for the last)
 * @param linesBefore lines of the file before {@code startByte}: the split's first line is line {@code linesBefore + 1}
 * @param fileBytes the file's size when it was planned; a split of a file of another size fails (the file changed)
 * @param resume the reader's own state at {@code startByte} (what the lines before it leave for the lines after:
 *     e.g. the current cycle of each cell); null for the first split
 */
public record FileSplit(int index, int count, long startByte, long endByte, long linesBefore, long fileBytes,
    Serializable resume) implements Serializable {

  public FileSplit {
    if (index < 0 || index >= count || startByte < 0 || endByte < startByte || linesBefore < 0) {
      throw new IllegalArgumentException("bad split " + index + " of " + count + ": [" + startByte + ", " + endByte
          + ") after " + linesBefore + " lines");
    }
  }

  /** For messages: {@code split 2 of 8 (bytes 134217728..268435456, from line 1234568)}. */
  public String label() {
    return "split " + (index + 1) + " of " + count + " (bytes " + startByte + ".." + endByte + ", from line "
        + (linesBefore + 1) + ")";
  }

  /**
   * Fails with INPUT_MALFORMED when {@code file} no longer has the size it had when planned: the split's offsets and
   * line numbers would point into other lines.
   */
  public void checkUnchanged(java.nio.file.Path file) throws java.io.IOException {
    long now = java.nio.file.Files.size(file);
    if (now != fileBytes) {
      throw new io.cyclelake.errors.CycleLakeException(io.cyclelake.errors.ErrorCode.INPUT_MALFORMED,
          "the file changed after it was planned (" + fileBytes + " -> " + now + " bytes), so " + label()
              + " no longer starts at a line; ingest it again",
          new io.cyclelake.errors.SourceLocation(file.toString(), linesBefore + 1, 0, null), null);
    }
  }
}
