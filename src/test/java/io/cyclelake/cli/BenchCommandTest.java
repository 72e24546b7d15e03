package io.cyclelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `cyclelake bench` on tiny synthetic fleets: the JSON holds every stage with rows, cycles and sane figures (no timing
 * assertions), and the incremental passes find nothing new, then exactly the held-out cell. Replicas:
 * ReplicatedReaderTest.
 */
class BenchCommandTest {
  @TempDir Path dir;

  private JsonNode bench(String... args) throws Exception {
    Path json = dir.resolve("bench.json");
    List<String> all = new ArrayList<>(List.of("bench", "--work-dir", dir.resolve("work").toString(),
        "--json-file", json.toString(), "--set", "bench.sweep.cell-count=3", "--set", "bench.lstm.epochs=2",
        "--set", "model.lstm.units=8", "--set", "sequence.max-length=20"));
    all.addAll(List.of(args));
    String[] out = new String[1];
    int code = DemoEndToEndTest.capture(out, all.toArray(String[]::new));
    assertEquals(0, code, out[0]);
    assertTrue(out[0].contains("peak_heap_mb"), "the table is printed: " + out[0]);
    return new ObjectMapper().readTree(json.toFile());
  }

  @Test
  void everyStageHasRowsCyclesAndSaneFigures() throws Exception {
    TestSpark.get();
    JsonNode doc = bench("--synthetic", "3x8x60");
    assertTrue(doc.get("workload").asText().contains("SYNTHETIC"), doc.toString());
    assertEquals(1, doc.get("repeat").asInt());
    Map<String, JsonNode> stages = new HashMap<>();
    for (JsonNode s : doc.get("median")) stages.put(s.get("stage").asText(), s);
    assertEquals(List.of("ingest", "features", "sweep", "lstm"),
        List.of(doc.get("median").get(0).get("stage").asText(), doc.get("median").get(1).get("stage").asText(),
            doc.get("median").get(2).get("stage").asText(), doc.get("median").get(3).get("stage").asText()));
    long maxHeapMb = doc.get("max_heap_mb").asLong();
    for (JsonNode s : doc.get("median")) {
      String name = s.get("stage").asText();
      assertTrue(s.get("wall_seconds").asDouble() > 0, name);
      assertTrue(s.get("rows").asLong() > 0, name);
      assertTrue(s.get("cycles").asLong() > 0, name);
      assertTrue(s.get("cycles").asLong() <= s.get("rows").asLong(), name);
      assertEquals(s.get("rows").asLong() / s.get("wall_seconds").asDouble(), s.get("rows_per_second").asDouble(),
          1e-6 * s.get("rows_per_second").asDouble(), name);
      assertEquals(s.get("cycles").asLong() / s.get("wall_seconds").asDouble(),
          s.get("cycles_per_second").asDouble(), 1e-6 * s.get("cycles_per_second").asDouble(), name);
      double heap = s.get("peak_heap_mb").asDouble();
      // The sum of the heap pools' own peaks (reached at different times) bounds the peak from above; it can pass
      // -Xmx (eden and old generation both near their peaks at different moments), but not twice over.
      assertTrue(heap > 0 && heap <= 2 * maxHeapMb, name + " peak heap " + heap + " MB of " + maxHeapMb);
      assertTrue(s.get("cpu_seconds").asDouble() >= 0 && s.get("gc_seconds").asDouble() >= 0, name);
    }
    // 3 cells x 8 cycles: 48 operations ingested, each with features; the samples ingested are the samples featurised.
    JsonNode run = doc.get("runs").get(0).get("stages");
    assertEquals(48, stages.get("ingest").get("cycles").asLong());
    assertEquals(48, stages.get("features").get("cycles").asLong());
    assertEquals(run.get(0).get("detail").get("samples").asLong(), stages.get("features").get("rows").asLong());
    assertTrue(run.get(0).get("spark").get("tasks").asInt() > 0, "the listener saw the ingest's tasks");
    // LOCO over 3 cells: 3 folds; each fold predicts every labelled discharge of its cells.
    assertEquals(3, run.get(2).get("detail").get("tasks").asInt());
    assertEquals(List.of("S0001", "S0002", "S0003"),
        new ObjectMapper().convertValue(run.get(2).get("detail").get("cells"), List.class));
    assertTrue(stages.get("sweep").get("cycles").asLong() <= 24);
    assertEquals(List.of("S0001"), new ObjectMapper().convertValue(run.get(3).get("detail").get("cells"), List.class));
    assertEquals(stages.get("lstm").get("cycles").asLong() * 20, stages.get("lstm").get("rows").asLong());

  }

  @Test
  void incrementalPassesFindNothingNewThenTheHeldOutCell() throws Exception {
    TestSpark.get();
    JsonNode doc = bench("--synthetic", "3x4x60", "--stages", "ingest", "--incremental");
    JsonNode inc = doc.get("incremental");
    assertEquals("S0003", inc.get("held_out_cell").asText());
    JsonNode passes = inc.get("passes");
    assertEquals(3, passes.size());
    assertEquals(16, passes.get(0).get("stages").get(0).get("cycles").asLong(), "first: 2 cells x 8 operations");
    assertEquals(0, passes.get(1).get("stages").get(0).get("cycles").asLong(), "nothing new");
    assertEquals(8, passes.get(2).get("stages").get(0).get("cycles").asLong(), "the new cell only");
    double share = inc.get("new_cell_share_of_first").asDouble();
    assertTrue(share > 0.3 && share < 0.7, "one cell of two: " + share);
  }

  @Test
  void theChildJvmsGetTheArgumentsWithoutCoresMasterAndJsonOptions() {
    List<String> args = new ArrayList<>(List.of("--cores", "1,2", "--stages", "ingest", "--json", "--master=local[4]",
        "--json-file", "x.json", "--repeat", "3"));
    BenchCommand.strip(args, java.util.Set.of("--cores", "--master", "--json-file"), java.util.Set.of("--json"));
    assertEquals(List.of("--stages", "ingest", "--repeat", "3"), args);
  }
}
