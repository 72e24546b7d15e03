package io.cyclelake.ingest;

/**
 * How planning cuts large files into byte-range splits, each parsed by its own Spark task
 * ({@code cyclelake.ingest.split-bytes}). Only readers that can start a file in its middle do so
 * ({@link SourceReader#plan(java.nio.file.Path, com.typesafe.config.Config, java.util.Set, SplitPolicy)}): today the
 * mapped CSV family ({@code mapped}, {@code battery-archive}, {@code bdf}) for uncompressed CSV files; a gzip file
 * (not splittable) and a Parquet file stay one task.
 *
 * @param splitBytes a file larger than this is split into parts of about this size; 0 = never split
 * @param rules the row rules the ingest applies: their per-operation state (the previous accepted time) is part of
 *     what a split carries over from the lines before it
 */
public record SplitPolicy(long splitBytes, ValidationRules rules) {
  /** Files are never split. */
  public static final SplitPolicy NONE = new SplitPolicy(0, null);

  public SplitPolicy {
    if (splitBytes < 0) {
      throw new io.cyclelake.errors.CycleLakeException(io.cyclelake.errors.ErrorCode.CONFIG_INVALID,
          "cyclelake.ingest.split-bytes must be a size >= 0 (0 = never split), got " + splitBytes, null, null);
    }
    if (splitBytes > 0 && rules == null) throw new IllegalArgumentException("a split policy needs the row rules");
  }

  /** Whether a file of {@code bytes} is cut. */
  public boolean splits(long bytes) {
    return splitBytes > 0 && bytes > splitBytes;
  }
}
