package io.cyclelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cyclelake reprocess` as a scheduler runs it: exit codes, a message on failure, nothing written twice. */
class ReprocessCommandTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    long t0 = System.nanoTime();
    try {
      TestSpark.get();
      return new Run(CycleLake.execute(args), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      oldOut.printf(java.util.Locale.ROOT, "ReprocessCommandTest: %s in %.1f s%n", args[0], (System.nanoTime() - t0) / 1e9);
    }
  }

  String[] reprocess(Path lake, Path input, String... more) {
    List<String> a = new java.util.ArrayList<>(List.of("reprocess", "--lake", lake.toString(), "--set",
        "ingest.inputs=[{source=nasa, path=\"" + input + "\"}]"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void noInputsIsAConfigurationErrorWithAMessage() {
    Run r = run("reprocess", "--lake", dir.resolve("lake").toString());
    assertEquals(ErrorCode.CONFIG_INVALID.exitCode(), r.exit);
    assertTrue(r.err.contains("cyclelake.ingest.inputs is empty"), r.err);
  }

  @Test
  void aMissingInputFolderFailsWithItsName() {
    Path missing = dir.resolve("not-there");
    Run r = run(reprocess(dir.resolve("lake"), missing));
    assertEquals(ErrorCode.INPUT_MISSING.exitCode(), r.exit, r.out + r.err);
    assertTrue(r.err.contains(missing.toString()), r.err);
  }

  @Test
  void secondRunWithNothingNewExitsZeroWithoutACommitAndAFailedFileMakesItNonZero() throws Exception {
    Path input = dir.resolve("raw");
    SyntheticFleet.write(new FleetSpec(2, 4, List.of(24.0), 30.0, 3L), input);
    Path lakeDir = dir.resolve("lake");
    Run first = run(reprocess(lakeDir, input));
    assertEquals(0, first.exit, first.out + first.err);
    assertTrue(first.out.contains("reprocess: 4 files read across 1 inputs"), first.out);
    Lake lake = new Lake(TestSpark.get(), lakeDir.toString());
    Map<String, Long> versions = versions(lake);
    assertEquals(2L * 4 * 2, lake.read(Tables.FEATURES_SUMMARY, "features").count());

    Run second = run(reprocess(lakeDir, input));
    assertEquals(0, second.exit, second.out + second.err);
    assertTrue(second.out.contains("reprocess: 0 files read across 1 inputs"), second.out);
    assertEquals(versions, versions(lake), "a run with nothing new commits nothing");

    // Cut one gzip file in the middle: its readable lines are kept, the file is marked failed, the exit is 3.
    Path file = input.resolve("timeseries/discharge/S0002_discharge.csv.gz");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    for (int attempt = 0; attempt < 2; attempt++) {
      Run bad = run(reprocess(lakeDir, input, "--no-features"));
      assertEquals(ErrorCode.INPUT_MALFORMED.exitCode(), bad.exit, bad.out + bad.err);
      assertTrue(bad.err.contains("files failed (1 of nasa " + input + ")"), bad.err);
      assertEquals(1, lake.read(Tables.FILES, "ingest").where("status = 'failed'").count());
      // Every operation and sample is in its table once, however often the file is read again.
      assertEquals(2L * 4 * 2, lake.read(Tables.CYCLES, "ingest").count());
      assertEquals(lake.read(Tables.TIMESERIES, "ingest").count(), lake.read(Tables.TIMESERIES, "ingest")
          .dropDuplicates("cell_id", "cycle_index", "sample_index").count());
    }
  }

  static Map<String, Long> versions(Lake lake) {
    Map<String, Long> out = new TreeMap<>();
    for (Lake.TableInfo t : lake.tables()) out.put(t.name(), t.version());
    return out;
  }
}
