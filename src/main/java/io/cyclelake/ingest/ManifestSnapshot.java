package io.cyclelake.ingest;

import static org.apache.spark.sql.functions.col;

import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;

/**
 * A plain-text copy of one source's entries of the {@code files} manifest, stamped with the Delta version of
 * {@code files} it was read at. It lets an ingest with nothing new decide so without starting Spark: the copy is used
 * only while {@code files/_delta_log} has no commit after that version, so it is exactly the manifest the Spark path
 * would read. Any other state (no copy, a later commit, a cut or garbled copy, a lake that is not on the local file
 * system) sends the ingest down the Spark path, which writes a fresh copy.
 */
public final class ManifestSnapshot {
  static final String DIR = "_cyclelake/manifest";
  private static final String HEADER = "# cyclelake files manifest v1";
  private static final Pattern COMMIT = Pattern.compile("\\d{20}\\.json");

  private ManifestSnapshot() {}

  /** Relative path of {@code source}'s copy under the lake root. */
  static String relative(String source) {
    return DIR + "/" + source + ".tsv";
  }

  /**
   * Writes the copy of {@code source}'s manifest at the latest version of {@code files} (two small Spark queries).
   * Best effort: a copy that cannot be written only means the next no-op ingest starts Spark.
   */
  public static void write(Lake lake, String source) {
    Optional<Path> root = localPath(lake.root());
    if (root.isEmpty() || !lake.exists(Tables.FILES)) return;
    long version = lake.version(Tables.FILES);
    Optional<String> stamp = stamp(root.get(), version);
    if (stamp.isEmpty()) return;
    List<Row> rows = lake.readVersion(Tables.FILES, version).where(col("source").equalTo(source))
        .select("path", "size_bytes", "modified_at", "sha256", "status", "cells").collectAsList();
    StringBuilder sb = new StringBuilder(HEADER).append('\t').append(source).append('\t').append(stamp.get())
        .append('\n');
    for (Row r : rows) {
      String path = r.getString(0);
      String cells = r.isNullAt(5) ? "" : r.getString(5);
      String sha = r.isNullAt(3) ? "" : r.getString(3);
      if (unsafe(path) || unsafe(cells) || unsafe(sha) || r.isNullAt(1) || r.isNullAt(2) || r.isNullAt(4)) return;
      Instant t = r.getTimestamp(2).toInstant();
      sb.append(path).append('\t').append(r.getLong(1)).append('\t').append(t.getEpochSecond()).append('\t')
          .append(t.getNano()).append('\t').append(sha).append('\t').append(r.getString(4)).append('\t')
          .append(cells).append('\n');
    }
    sb.append("# end\t").append(rows.size()).append('\n');
    try {
      lake.writeText(relative(source), sb.toString());
    } catch (RuntimeException e) {
      // The copy is an optimisation; the Spark path stays correct without it.
    }
  }

  private static boolean unsafe(String s) {
    return s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
  }

  /**
   * {@code source}'s manifest from its copy, when the lake is on the local file system and {@code files} has not been
   * committed to since the copy was written; empty otherwise (then the caller must read the Delta table).
   */
  public static Optional<Manifest> read(String lakeRoot, String source) {
    Optional<Path> root = localPath(lakeRoot);
    if (root.isEmpty()) return Optional.empty();
    Path copy = root.get().resolve(relative(source));
    Optional<Long> latest = latestCommit(root.get().resolve(Tables.FILES).resolve("_delta_log"));
    if (latest.isEmpty() || !Files.isRegularFile(copy)) return Optional.empty();
    Optional<String> stamp = stamp(root.get(), latest.get());
    if (stamp.isEmpty()) return Optional.empty();
    List<String> lines;
    try {
      lines = Files.readAllLines(copy, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (lines.size() < 2) return Optional.empty();
    String[] head = lines.get(0).split("\t", -1);
    String[] tail = lines.get(lines.size() - 1).split("\t", -1);
    try {
      if (head.length != 3 || !head[0].equals(HEADER) || !head[1].equals(source)
          || !head[2].equals(stamp.get()) || tail.length != 2 || !tail[0].equals("# end")
          || Integer.parseInt(tail[1]) != lines.size() - 2) {
        return Optional.empty();
      }
      Map<String, Manifest.Entry> entries = new HashMap<>();
      for (String line : lines.subList(1, lines.size() - 1)) {
        String[] f = line.split("\t", -1);
        if (f.length != 7) return Optional.empty();
        Timestamp t = Timestamp.from(Instant.ofEpochSecond(Long.parseLong(f[2]), Long.parseLong(f[3])));
        entries.put(f[0], new Manifest.Entry(Long.parseLong(f[1]), t, f[4], f[5],
            f[6].isEmpty() ? List.of() : Arrays.asList(f[6].split(","))));
      }
      return Optional.of(new Manifest(source, entries));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The lake root as a local path, or empty for a lake on another file system (HDFS, S3, ...). */
  static Optional<Path> localPath(String lakeRoot) {
    try {
      URI u = new URI(lakeRoot);
      if (u.getScheme() == null) return Optional.of(Path.of(lakeRoot).toAbsolutePath());
      if (u.getScheme().equals("file")) return Optional.of(Path.of(URI.create("file://" + u.getPath())));
      return Optional.empty();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The identity of commit {@code version} of {@code files}: its number, size and modification time, so that a table
   * deleted and written again up to the same version number does not match an old copy.
   */
  static Optional<String> stamp(Path root, long version) {
    Path commit = root.resolve(Tables.FILES).resolve("_delta_log").resolve(String.format("%020d.json", version));
    try {
      return Optional.of(version + ":" + Files.size(commit) + ":" + Files.getLastModifiedTime(commit).toMillis());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The highest commit version in a Delta log folder, or empty when there is none. */
  static Optional<Long> latestCommit(Path deltaLog) {
    long max = -1;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(deltaLog)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (COMMIT.matcher(n).matches()) max = Math.max(max, Long.parseLong(n.substring(0, 20)));
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return max < 0 ? Optional.empty() : Optional.of(max);
  }
}
