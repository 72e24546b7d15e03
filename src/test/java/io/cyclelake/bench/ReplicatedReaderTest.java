package io.cyclelake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.SampleRecord;
import io.cyclelake.ingest.SourceReader;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.testkit.CollectingSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** K replicas of a NASA-layout fleet, planned and parsed without Spark: distinct cells, the same samples each. */
class ReplicatedReaderTest {
  @TempDir Path dir;

  private final com.typesafe.config.Config nasa = ConfigFactory.parseString(
      "metadata-file = metadata.csv, timeseries-dir = timeseries");

  @Test
  void everyReplicaIsADistinctCopyOfEveryCell() throws Exception {
    Path input = dir.resolve("fleet");
    SyntheticFleet.write(new FleetSpec(2, 3, List.of(24.0), 60.0, 7L), input);
    SourceReader plain = SourceReaders.byName("nasa");
    IngestPlan original = plain.plan(input, nasa, Set.of());
    ReplicatedReader rep = new ReplicatedReader(plain, 3, "-r%02d");
    Path root = rep.prepare(input, dir.resolve("replicas"), Set.of("S0001", "S0002"));
    rep.prepare(input, root, Set.of("S0001", "S0002")); // again: the links are kept
    assertTrue(Files.isSymbolicLink(root.resolve("r03/timeseries/charge/S0002_charge.csv.gz")));

    IngestPlan plan = rep.plan(root, nasa, Set.of());
    assertEquals(3 * original.operations().size(), plan.operations().size());
    assertEquals(3 * original.files().size(), plan.files().size());
    Set<String> ids = new HashSet<>();
    plan.operations().forEach(o -> ids.add(o.sourceOperationId()));
    assertEquals(plan.operations().size(), ids.size(), "operation ids are distinct across replicas");
    Set<String> cells = new TreeSet<>();
    plan.operations().forEach(o -> cells.add(o.cellId()));
    assertEquals(rep.cells(Set.of("S0001", "S0002")), cells);

    Map<String, Operation> ops = CollectingSink.byId(plan);
    Map<String, Integer> perCell = new TreeMap<>();
    CollectingSink all = new CollectingSink();
    for (InputFile f : plan.files()) {
      CollectingSink sink = new CollectingSink();
      rep.parse(f, ops, sink);
      assertEquals(List.of(), sink.rejected, f.path());
      String replica = Path.of(f.path()).getName(root.getNameCount()).toString();
      for (SampleRecord s : sink.samples) {
        assertTrue(s.cellId().endsWith("-" + replica), s.cellId() + " in " + f.path());
        assertEquals(f.path(), s.sourceFile());
        perCell.merge(s.cellId(), 1, Integer::sum);
      }
      all.samples.addAll(sink.samples);
    }
    CollectingSink once = new CollectingSink();
    for (InputFile f : original.files()) plain.parse(f, CollectingSink.byId(original), once);
    for (String c : List.of("S0001", "S0002")) {
      long n = once.samples.stream().filter(s -> s.cellId().equals(c)).count();
      for (int r = 1; r <= 3; r++) assertEquals(n, (long) perCell.get(c + rep.suffix(r)), c + " replica " + r);
    }
    assertEquals(3 * once.samples.size(), all.samples.size());
  }

  @Test
  void aCellFilterInReplicatedIdsPlansOnlyThoseCells() throws Exception {
    Path input = dir.resolve("fleet");
    SyntheticFleet.write(new FleetSpec(2, 2, List.of(24.0), 60.0, 7L), input);
    ReplicatedReader rep = new ReplicatedReader(SourceReaders.byName("nasa"), 2, "-r%02d");
    Path root = rep.prepare(input, dir.resolve("replicas"), Set.of("S0001", "S0002"));
    IngestPlan plan = rep.plan(root, nasa, Set.of("S0002-r02", "S0001-r01"));
    Set<String> cells = new TreeSet<>();
    plan.operations().forEach(o -> cells.add(o.cellId()));
    assertEquals(Set.of("S0001-r01", "S0002-r02"), cells);
    List<String> files = plan.files().stream().map(f -> root.relativize(Path.of(f.path())).toString()).sorted()
        .toList();
    assertEquals(List.of("r01/timeseries/charge/S0001_charge.csv.gz", "r01/timeseries/discharge/S0001_discharge.csv.gz",
        "r02/timeseries/charge/S0002_charge.csv.gz", "r02/timeseries/discharge/S0002_discharge.csv.gz"), files);
  }

  @Test
  void aSuffixThatDoesNotTellReplicasApartIsRefused() {
    SourceReader nasaReader = SourceReaders.byName("nasa");
    assertThrows(CycleLakeException.class, () -> new ReplicatedReader(nasaReader, 2, "-copy"));
    assertThrows(CycleLakeException.class, () -> new ReplicatedReader(nasaReader, 2, "_r%d"));
    assertThrows(CycleLakeException.class, () -> new ReplicatedReader(nasaReader, 0, "-r%02d"));
  }
}
