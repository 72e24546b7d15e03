package io.cyclelake.ingest;

import static java.time.temporal.ChronoUnit.MICROS;
import static org.apache.spark.sql.functions.col;

import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The {@code files} table of one source as the ingest found it: decides which files are new or changed. A file is
 * unchanged when size and modification time match its entry, or, if they do not, its SHA-256 does; a file whose
 * last read failed is always read again.
 */
public final class Manifest {
  record Entry(long size, Timestamp modified, String sha256, String status, List<String> cells) {}

  private final String source;
  private final Map<String, Entry> entries;

  Manifest(String source, Map<String, Entry> entries) {
    this.source = source;
    this.entries = entries;
  }

  public static Manifest load(Lake lake, String source) {
    Map<String, Entry> m = new HashMap<>();
    if (lake.exists(Tables.FILES)) {
      for (Row r : lake.read(Tables.FILES, "ingest").where(col("source").equalTo(source))
          .select("path", "size_bytes", "modified_at", "sha256", "status", "cells").collectAsList()) {
        List<String> cells = r.isNullAt(5) || r.getString(5).isEmpty() ? List.of()
            : Arrays.asList(r.getString(5).split(","));
        m.put(r.getString(0), new Entry(r.getLong(1), r.getTimestamp(2), r.getString(3), r.getString(4), cells));
      }
    }
    return new Manifest(source, m);
  }

  /** Whether {@code path} must be read; records the file's state (and SHA-256 when computed) for its new entry. */
  public boolean changed(String path, Map<String, FileState> states, Map<String, String> shas) {
    try {
      FileState s = FileState.of(path);
      states.put(path, s);
      Entry e = entries.get(path);
      if (e == null || !e.status().equals("ok")) return true;
      // Delta keeps timestamps to the microsecond; file systems may report nanoseconds.
      if (e.size() == s.sizeBytes() && e.modified().toInstant().equals(s.modifiedAt().truncatedTo(MICROS))) {
        return false;
      }
      String sha = s.sha256();
      shas.put(path, sha);
      return !sha.equals(e.sha256());
    } catch (IOException ex) {
      return true; // the parse step records why it cannot be read
    }
  }

  /** Cells the file held when it was last read. */
  public List<String> cells(String path) {
    Entry e = entries.get(path);
    return e == null ? List.of() : e.cells();
  }

  /**
   * Entries under {@code dir} whose files are gone: not part of the input and no longer on disk (a file left out by
   * a --cells filter is not gone).
   */
  public List<String> removedUnder(String dir, Set<String> dataPaths, Set<String> listingPaths) {
    List<String> out = new ArrayList<>();
    for (String p : entries.keySet()) {
      if (p.startsWith(dir) && !dataPaths.contains(p) && !listingPaths.contains(p)
          && !java.nio.file.Files.exists(java.nio.file.Path.of(p))) {
        out.add(p);
      }
    }
    out.sort(String::compareTo);
    return out;
  }

  /** The manifest row of a file read now; a file that vanished meanwhile is recorded as failed. */
  public Row entry(String path, String role, Map<String, FileState> states, Map<String, String> shas,
      Collection<String> cells, String status, long read, long accepted, long quarantined, String error,
      Timestamp now) {
    long size = 0;
    Timestamp modified = new Timestamp(0);
    String sha = "";
    try {
      FileState s = states.containsKey(path) ? states.get(path) : FileState.of(path);
      size = s.sizeBytes();
      modified = Timestamp.from(s.modifiedAt().truncatedTo(MICROS));
      sha = shas.containsKey(path) ? shas.get(path) : s.sha256();
    } catch (IOException e) {
      status = "failed";
      error = (error == null ? "" : error + "; ") + "cannot read the file's state: " + e;
    }
    return RowFactory.create(source, path, role, size, modified, sha,
        cells == null ? null : String.join(",", cells), status, read, accepted, quarantined, error, now);
  }
}
