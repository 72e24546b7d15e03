package io.cyclelake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.nasa.NasaReader;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input kinds that need the lake: a file that changes while it is read, and IngestJob refusing input paths
 * that lead out of --input before it writes anything. (The other kinds: {@link BadInputCorpusTest}.)
 */
class IngestReliabilityTest {
  @TempDir Path dir;

  static Config nasa() {
    return TestSpark.config().getConfig("cyclelake.ingest.nasa");
  }

  /**
   * The NASA reader, except that after reading a file it appends a sample to it: the file changed while the ingest
   * read it (as if a cycler were still writing the export).
   */
  static final class AppendingWhileRead implements SourceReader {
    private static final long serialVersionUID = 1L;
    private final NasaReader nasa = new NasaReader();

    @Override
    public String name() {
      return nasa.name();
    }

    @Override
    public String description() {
      return "test";
    }

    @Override
    public IngestPlan plan(Path input, Config settings, Set<String> cells) throws IOException {
      return nasa.plan(input, settings, cells);
    }

    @Override
    public void parse(InputFile file, Map<String, Operation> operations, RecordSink sink) throws IOException {
      nasa.parse(file, operations, sink);
      Path f = Path.of(file.path());
      try {
        Files.write(f, BadInputCorpusTest.gzip(BadInputCorpusTest.NASA_DISCHARGE + "\n" + BadInputCorpusTest.nasaRow(0)
            + "\n" + BadInputCorpusTest.nasaRow(10) + "\n" + BadInputCorpusTest.nasaRow(20) + "\n"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void aFileChangingWhileReadIsRecordedFailedAndTheRerunReadsItWhole() throws IOException {
    Path in = BadInputCorpusTest.nasaInput(dir);
    Path f = BadInputCorpusTest.write(in.resolve("timeseries/discharge/B0005_discharge.csv.gz"),
        BadInputCorpusTest.gzip(BadInputCorpusTest.NASA_DISCHARGE + "\n" + BadInputCorpusTest.nasaRow(0) + "\n"
            + BadInputCorpusTest.nasaRow(10) + "\n"));
    Lake lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());

    IngestJob.Result first = IngestJob.run(lake, new AppendingWhileRead(), in, nasa(), Set.of(), false,
        Progress.quiet());
    assertEquals(1, first.filesFailed());
    Row entry = lake.read(Tables.FILES, "ingest").where("path = " + Lake.literal(f.toString())).first();
    assertEquals("failed", entry.getAs("status"));
    String error = entry.getAs("error");
    assertTrue(error.contains("the file changed while it was read"), error);
    assertEquals(2L, entry.<Long>getAs("rows_read"), "what was read is recorded as read");
    assertEquals(entry.<Long>getAs("rows_read"), entry.<Long>getAs("rows_accepted") + entry.<Long>getAs("rows_quarantined"));

    IngestJob.Result again = IngestJob.run(lake, new NasaReader(), in, nasa(), Set.of(), false, Progress.quiet());
    assertEquals(1, again.filesChanged(), "a failed file is read again");
    assertEquals(0, again.filesFailed());
    Row now = lake.read(Tables.FILES, "ingest").where("path = " + Lake.literal(f.toString())).first();
    assertEquals("ok", now.getAs("status"));
    assertEquals(3L, now.<Long>getAs("rows_accepted"));
    assertEquals(3, lake.read(Tables.TIMESERIES, "ingest").count(), "the file's 3 samples, each once");
    assertEquals(3, lake.read(Tables.TIMESERIES, "ingest").select("source_line").distinct().count());
    assertEquals(3L, lake.read(Tables.CYCLES, "ingest").where("cell_id = 'B0005'").first().<Long>getAs("n_samples"));
  }

  @Test
  void aLinkOutOfTheInputStopsTheIngestBeforeAnyTableIsWritten() throws IOException {
    Path in = BadInputCorpusTest.nasaInput(dir);
    BadInputCorpusTest.write(in.resolve("timeseries/discharge/B0005_discharge.csv.gz"),
        BadInputCorpusTest.gzip(BadInputCorpusTest.NASA_DISCHARGE + "\n" + BadInputCorpusTest.nasaRow(0) + "\n"));
    Path outside = BadInputCorpusTest.write(dir.resolve("elsewhere/metadata.csv"), BadInputCorpusTest.NASA_META);
    Files.delete(in.resolve("metadata.csv"));
    Path link = Files.createSymbolicLink(in.resolve("metadata.csv"), outside);
    Lake lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    CycleLakeException e = assertThrows(CycleLakeException.class,
        () -> IngestJob.run(lake, new NasaReader(), in, nasa(), Set.of(), false, Progress.quiet()));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertEquals(link.toString(), e.where().orElseThrow().file());
    assertTrue(e.getMessage().contains("outside the input folder"), e.getMessage());
    assertFalse(lake.exists(Tables.FILES), "nothing was written");
    assertFalse(lake.exists(Tables.TIMESERIES));
  }
}
