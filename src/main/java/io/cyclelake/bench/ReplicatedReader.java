package io.cyclelake.bench;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.RecordSink;
import io.cyclelake.ingest.SourceReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Any reader's input, ingested as K distinct copies of every cell, for benchmarks that grow with K on real curves
 * without copying data. {@link #prepare} mirrors the input K times as trees of symbolic links
 * ({@code <root>/r01/...}, {@code <root>/r02/...}: directories are real, files are links to the originals), renaming a
 * folder that is named after a cell (Arbin's one folder per cell) to the replica's cell id. The wrapped reader then
 * plans each replica tree as an ordinary input; this decorator suffixes the cell ids it lists (replica r of
 * {@code B0005} is {@code B0005-r01} with the default suffix {@code -r%02d}) and prefixes operation ids with the
 * replica ({@code r01/}), so the copies never collide, and hands each file's parse the operations of its own replica
 * under their original ids. File paths (and so {@code source_file}, the manifest and Delta's replaceWhere) are the
 * links' paths, distinct per replica.
 *
 * <p>Works for readers that find a sample's operation only through the operations map, or take the cell id from the
 * folder the file sits in (both built-in readers do).
 */
public final class ReplicatedReader implements SourceReader {
  private static final long serialVersionUID = 1L;

  private final SourceReader inner;
  private final int copies;
  private final String suffixPattern;

  /**
   * @param copies K, at least 1
   * @param suffixPattern {@link String#format} pattern of the cell-id suffix of replica r (1-based), e.g. {@code -r%02d}
   */
  public ReplicatedReader(SourceReader inner, int copies, String suffixPattern) {
    if (copies < 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--replicate must be at least 1, got " + copies);
    }
    String probe = String.format(suffixPattern, 1);
    if (probe.isEmpty() || probe.equals(String.format(suffixPattern, 2)) || probe.contains("_")
        || probe.contains("/") || probe.contains(",")) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "bench.replica-suffix '" + suffixPattern + "' must give "
          + "a different, non-empty suffix per replica without '_', '/' or ',' (e.g. \"-r%02d\")");
    }
    this.inner = inner;
    this.copies = copies;
    this.suffixPattern = suffixPattern;
  }

  public int copies() {
    return copies;
  }

  /** The suffix of replica {@code r} (1-based). */
  public String suffix(int r) {
    return String.format(suffixPattern, r);
  }

  /** Directory name of replica {@code r} under the replica root. */
  static String replicaDir(int r) {
    return String.format("r%02d", r);
  }

  /**
   * Mirrors {@code input} under {@code root/rNN} for every replica as links to the original files (kept when they
   * already point there), renaming folders named after one of {@code cells}. Returns {@code root}.
   */
  public Path prepare(Path input, Path root, Set<String> cells) throws IOException {
    Path in = input.toAbsolutePath().normalize();
    List<Path> files;
    try (Stream<Path> s = Files.walk(in)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (int r = 1; r <= copies; r++) {
      Path base = root.resolve(replicaDir(r));
      for (Path f : files) {
        Path rel = in.relativize(f);
        Path target = base;
        for (int i = 0; i < rel.getNameCount(); i++) {
          String part = rel.getName(i).toString();
          boolean folder = i < rel.getNameCount() - 1;
          target = target.resolve(folder && cells.contains(part) ? part + suffix(r) : part);
        }
        Files.createDirectories(target.getParent());
        if (Files.isSymbolicLink(target) && Files.readSymbolicLink(target).equals(f)) continue;
        Files.deleteIfExists(target);
        Files.createSymbolicLink(target, f);
      }
    }
    return root;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public String description() {
    return inner.description() + " (as " + copies + " replicas)";
  }

  @Override
  public boolean foldsAcrossFiles() {
    return inner.foldsAcrossFiles();
  }

  @Override
  public SourceReader configured(Config settings) {
    return new ReplicatedReader(inner.configured(settings), copies, suffixPattern);
  }

  /**
   * Plans every replica tree under {@code input} (the root {@link #prepare} filled) with the wrapped reader.
   * {@code cells} holds replicated ids; a replica none of whose cells is wanted is not planned.
   */
  @Override
  public IngestPlan plan(Path input, Config settings, Set<String> cells) throws IOException {
    List<Operation> ops = new ArrayList<>();
    List<InputFile> files = new ArrayList<>();
    List<QuarantineRecord> rejected = new ArrayList<>();
    Map<String, String> notes = new HashMap<>();
    long lines = 0;
    for (int r = 1; r <= copies; r++) {
      Path base = input.resolve(replicaDir(r));
      if (!Files.isDirectory(base)) {
        throw new CycleLakeException(ErrorCode.INPUT_MISSING, "replica folder " + base + " is missing; the bench "
            + "creates it (ReplicatedReader.prepare) before the ingest");
      }
      String sfx = suffix(r);
      Set<String> wanted = new LinkedHashSet<>();
      for (String c : cells) {
        if (c.endsWith(sfx)) {
          wanted.add(c); // a folder-named cell carries the suffix in the replica tree already
          wanted.add(c.substring(0, c.length() - sfx.length())); // a listed cell does not
        }
      }
      if (!cells.isEmpty() && wanted.isEmpty()) continue;
      IngestPlan p = inner.plan(base, settings, wanted);
      for (Operation o : p.operations()) {
        String cell = replicated(o.cellId(), sfx);
        if (!cells.isEmpty() && !cells.contains(cell)) continue;
        ops.add(new Operation(cell, o.cycleIndex(), o.cycleType(), o.ambientTemperatureC(), o.startTime(),
            o.capacityAh(), o.reOhm(), o.rctOhm(), replicaDir(r) + "/" + o.sourceOperationId(), o.sourceFile(),
            o.internalResistanceOhm()));
      }
      files.addAll(p.files());
      for (QuarantineRecord q : p.quarantined()) {
        rejected.add(new QuarantineRecord(q.source(), q.sourceFile(), q.sourceLine(), q.column(), q.columnName(),
            q.cellId() == null ? null : replicated(q.cellId(), sfx), q.cycleIndex(), q.rule(), q.message(), q.raw()));
      }
      lines += p.listingLines();
      notes.putAll(p.notes());
    }
    return new IngestPlan(ops, files, rejected, lines, notes);
  }

  private static String replicated(String cell, String sfx) {
    return cell.endsWith(sfx) ? cell : cell + sfx;
  }

  /** Parses a file of replica r with the operations of replica r under the ids the wrapped reader gave them. */
  @Override
  public void parse(InputFile file, Map<String, Operation> operations, RecordSink sink) throws IOException {
    Map<String, Operation> mine = byReplica(operations).get(replicaOf(file.path()));
    inner.parse(file, mine == null ? Map.of() : mine, sink);
  }

  /** The last operations map split by replica: every task of an executor gets the same broadcast map. */
  private static Map<String, Operation> lastSplitOf;
  private static Map<String, Map<String, Operation>> lastSplit;

  private static synchronized Map<String, Map<String, Operation>> byReplica(Map<String, Operation> operations) {
    if (lastSplitOf != operations) {
      Map<String, Map<String, Operation>> split = new HashMap<>();
      for (Map.Entry<String, Operation> e : operations.entrySet()) {
        int slash = e.getKey().indexOf('/');
        if (slash < 0) continue;
        split.computeIfAbsent(e.getKey().substring(0, slash), k -> new HashMap<>())
            .put(e.getKey().substring(slash + 1), e.getValue());
      }
      lastSplit = split;
      lastSplitOf = operations;
    }
    return lastSplit;
  }

  /** {@code rNN} of the replica a linked file belongs to: the last path element of that form above the file. */
  private String replicaOf(String path) {
    Path p = Path.of(path).getParent();
    for (; p != null; p = p.getParent()) {
      Path name = p.getFileName();
      if (name == null) continue;
      String n = name.toString();
      if (n.matches("r\\d{2,}")) {
        int r = Integer.parseInt(n.substring(1));
        if (r >= 1 && r <= copies) return n;
      }
    }
    throw new UncheckedIOException(new IOException(path + " is not inside a replica folder r01..r"
        + String.format("%02d", copies)));
  }

  /** The cell ids of all replicas, given the original ones. */
  public Set<String> cells(Set<String> originals) {
    Set<String> out = new TreeSet<>();
    for (int r = 1; r <= copies; r++) {
      for (String c : originals) out.add(c + suffix(r));
    }
    return out;
  }
}
