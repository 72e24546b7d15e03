package io.cyclelake.lineage;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Lineage of the runs of one job ({@code train}, a tabular or a sequence sweep), so that a number in a report can be
 * traced to files and code: the git commit of the code ({@link BuildInfo}), the Delta version of every input table the
 * job read ({@link InputTables}: features_summary, features_ica, timeseries, ... and the {@code files} manifest
 * itself), and the raw files of a run's cells with their SHA-256 from the {@code files} manifest at that version.
 * Stored as three {@code runs} columns ({@code git_commit}, {@code input_versions}, {@code raw_files_digest}), one
 * {@code run_files} row per run and raw file, and a {@code lineage} object in the run's JSON.
 */
public final class RunLineage {
  /** A raw file of the manifest: the cells whose rows it held. */
  public record RawFile(String source, String path, String role, String status, String sha256, Set<String> cells) {}

  private final BuildInfo build;
  private final Map<String, Long> versions;
  private final List<RawFile> files;

  RunLineage(BuildInfo build, Map<String, Long> versions, List<RawFile> files) {
    this.build = build;
    this.versions = versions;
    this.files = files;
  }

  /**
   * The lineage of a job that has made all its reads through {@code inputs}: reads the {@code files} manifest through
   * it too (pinning its version; a lake without a manifest has no raw files to name) and takes the versions read.
   */
  public static RunLineage of(InputTables inputs) {
    List<RawFile> files = new ArrayList<>();
    if (inputs.exists(Tables.FILES)) {
      for (Row r : inputs.read(Tables.FILES, "ingest").where(col("cells").isNotNull())
          .select("source", "path", "role", "status", "sha256", "cells").orderBy("path", "source").collectAsList()) {
        Set<String> cells = new TreeSet<>();
        for (String c : r.getString(5).split(",")) if (!c.isBlank()) cells.add(c.trim());
        files.add(new RawFile(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4), cells));
      }
    }
    return new RunLineage(BuildInfo.current(), inputs.versions(), List.copyOf(files));
  }

  public BuildInfo build() {
    return build;
  }

  /** Table → Delta version read. */
  public Map<String, Long> versions() {
    return versions;
  }

  /** {@code runs.input_versions}: the versions as a JSON object, tables sorted by name. */
  public String versionsJson() {
    return versionsJson(versions);
  }

  /** Table → version as a JSON object, e.g. {@code {"features_summary":4,"files":2}}. */
  public static String versionsJson(Map<String, Long> versions) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    new java.util.TreeMap<>(versions).forEach(o::put);
    return o.toString();
  }

  /** The manifest's files holding rows of any of {@code cells} (a listing file may hold other cells too), by path. */
  public List<RawFile> filesOf(Collection<String> cells) {
    return files.stream().filter(f -> cells.stream().anyMatch(f.cells()::contains)).toList();
  }

  /**
   * {@code runs.raw_files_digest}: SHA-256 over the lines {@code <sha256> <path>} of {@link #filesOf} (sorted by
   * path), one value that changes when any raw file of the run's cells does; null when no file is known (no manifest).
   */
  public String digest(Collection<String> cells) {
    List<RawFile> fs = filesOf(cells);
    if (fs.isEmpty()) return null;
    StringBuilder b = new StringBuilder();
    for (RawFile f : fs) b.append(f.sha256()).append(' ').append(f.path()).append('\n');
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(b.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The lineage columns of a {@code runs} row, in schema order: git_commit, input_versions, raw_files_digest. */
  public Object[] runsColumns(Collection<String> cells) {
    return new Object[] {build.label(), versionsJson(), digest(cells)};
  }

  /** {@code runs} row values followed by the lineage columns of the run's cells. */
  public Row runsRow(Collection<String> cells, Object... values) {
    Object[] lin = runsColumns(cells);
    Object[] all = Arrays.copyOf(values, values.length + lin.length);
    System.arraycopy(lin, 0, all, values.length, lin.length);
    return RowFactory.create(all);
  }

  /** {@code run_files} rows of one run. */
  public List<Row> runFileRows(String runId, String sweepId, Collection<String> cells) {
    List<Row> out = new ArrayList<>();
    for (RawFile f : filesOf(cells)) {
      out.add(RowFactory.create(runId, sweepId, f.source(), f.path(), f.role(), f.status(), f.sha256()));
    }
    return out;
  }

  /** Appends {@code run_files} rows (nothing when there are none). */
  public static void append(Lake lake, List<Row> runFileRows) {
    if (!runFileRows.isEmpty()) {
      lake.append(lake.spark().createDataFrame(runFileRows, Tables.RUN_FILES_SCHEMA), Tables.RUN_FILES);
    }
  }

  /**
   * Records the lineage of a sweep's runs: their {@code run_files} rows, and {@code <runsDir>/lineage.json} (git
   * commit, input versions, per run its cells and digest, and every raw file of those cells). Returns the JSON's path.
   */
  public String recordSweep(Lake lake, String runsDir, String sweepId,
      Map<String, ? extends Collection<String>> cellsByRun) {
    List<Row> rows = new ArrayList<>();
    Set<String> all = new TreeSet<>();
    ObjectNode o = json(List.of());
    o.remove("cells");
    o.remove("raw_files_digest");
    o.remove("raw_files");
    o.put("sweep_id", sweepId);
    ObjectNode runs = o.putObject("runs");
    cellsByRun.forEach((run, cells) -> {
      rows.addAll(runFileRows(run, sweepId, cells));
      all.addAll(cells);
      ObjectNode r = runs.putObject(run);
      ArrayNode cs = r.putArray("cells");
      new TreeSet<>(cells).forEach(cs::add);
      r.put("raw_files_digest", digest(cells));
    });
    o.set("raw_files", json(all).get("raw_files"));
    append(lake, rows);
    try {
      return lake.writeText(runsDir + "/lineage.json", new ObjectMapper().writerWithDefaultPrettyPrinter()
          .writeValueAsString(o));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The {@code lineage} object of a run's JSON: git commit (and whether the build's tree was dirty, or why the commit
   * is unknown), input table versions, and the raw files of {@code cells} with their SHA-256 and the digest.
   */
  public ObjectNode json(Collection<String> cells) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("git_commit", build.label());
    o.put("git_dirty", build.dirty());
    if (!build.reason().isEmpty()) o.put("git_unknown_because", build.reason());
    ObjectNode v = o.putObject("input_versions");
    versions.forEach(v::put);
    ArrayNode cs = o.putArray("cells");
    new TreeSet<>(cells).forEach(cs::add);
    o.put("raw_files_digest", digest(cells));
    ArrayNode fs = o.putArray("raw_files");
    for (RawFile f : filesOf(cells)) {
      ObjectNode n = fs.addObject();
      n.put("path", f.path());
      n.put("sha256", f.sha256());
      n.put("source", f.source());
      n.put("role", f.role());
      n.put("status", f.status());
    }
    return o;
  }
}
