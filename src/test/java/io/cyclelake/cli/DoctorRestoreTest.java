package io.cyclelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.ingest.IngestJob;
import io.cyclelake.ingest.nasa.NasaReader;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cyclelake doctor` finds what is wrong with a lake and says what to do; `cyclelake restore` undoes a bad write. */
class DoctorRestoreTest {
  @TempDir Path dir;

  @Test
  void doctorFindsADamagedTableAndRestoreRepairsItAfterConfirmation() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in/timeseries/discharge"));
    Files.writeString(dir.resolve("in/metadata.csv"),
        "type,start_time,ambient_temperature,battery_id,test_id,uid,filename,Capacity,Re,Rct\n"
            + "discharge,[2010 7 21 18 0 0],24,B0005,1,11,00011.csv,1.85,,\n");
    Path f = in.resolve("B0005_discharge.csv.gz");
    try (OutputStream z = new GZIPOutputStream(Files.newOutputStream(f))) {
      z.write(("uid,Voltage_measured,Current_measured,Temperature_measured,Current_load,Voltage_load,Time\n"
          + "11,4.19,-2.01,24.3,1.99,3.06,0\n11,4.10,-2.01,24.3,1.99,3.05,10\n11,abc,-2.01,24.3,1.99,3.05,20\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    Lake lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    IngestJob.run(lake, new NasaReader(), dir.resolve("in"), TestSpark.config().getConfig("cyclelake.ingest.nasa"),
        Set.of(), false, Progress.quiet());

    String[] out = new String[1];
    assertEquals(0, run(out, "", "doctor", "--lake", lake.root()), out[0]);
    assertTrue(out[0].contains("ok  files: 1 data files recorded ok; the tables hold exactly their accepted rows"),
        out[0]);
    assertTrue(out[0].contains("info  quarantine: 1 quarantined rows: nasa/number 1"), out[0]);
    assertTrue(out[0].contains("doctor: nothing to do"), out[0]);

    // A bad manual write: one sample deleted. The manifest no longer agrees, and the rewritten file is stale.
    DeltaTable.forPath(lake.spark(), lake.path(Tables.TIMESERIES)).delete("source_line = 2");
    assertEquals(1, run(out, "", "doctor", "--lake", lake.root()), out[0]);
    assertTrue(out[0].contains("fix  files: 1 files recorded ok do not have their rows in timeseries/impedance: "
        + f + " (manifest 2, tables 1)"), out[0]);
    assertTrue(out[0].contains("-> ingest them again with --force (sources [nasa])"), out[0]);
    assertTrue(out[0].contains("info  timeseries: 1 data files"), out[0]);
    assertTrue(out[0].contains("are not part of version 1"), out[0]);
    assertTrue(out[0].contains("-> cyclelake sql \"VACUUM delta.`" + lake.path(Tables.TIMESERIES) + "`\""), out[0]);

    // restore asks first; anything but "yes" changes nothing.
    assertEquals(1, run(out, "no\n", "restore", "--table", "timeseries", "--version", "0", "--lake", lake.root()));
    assertTrue(out[0].contains("table timeseries (" + lake.path(Tables.TIMESERIES) + ") is at version 1 with 1 rows; "
        + "version 0 has 2 rows"), out[0]);
    assertTrue(out[0].contains("not confirmed; nothing was changed"), out[0]);
    assertEquals(1, lake.version(Tables.TIMESERIES));
    assertEquals(0, run(out, "yes\n", "restore", "--table", "timeseries", "--version", "0", "--lake", lake.root()),
        out[0]);
    assertTrue(out[0].contains("now holds version 0's rows, as version 2 (undo: cyclelake restore --table "
        + "timeseries --version 1)"), out[0]);
    assertEquals(2, lake.read(Tables.TIMESERIES, "ingest").count());
    assertEquals(2, lake.version(Tables.TIMESERIES));

    assertEquals(0, run(out, "", "doctor", "--lake", lake.root()), out[0]);
    assertTrue(out[0].contains("ok  files: 1 data files recorded ok"), out[0]);
    assertTrue(out[0].contains("info  timeseries: 1 data files"), "stale files are reported: " + out[0]);
    assertEquals(1, run(out, "", "doctor", "--lake", lake.root(), "--set", "doctor.vacuum-min-stale-size=1"),
        "over the threshold they are a thing to do: " + out[0]);
    assertTrue(out[0].contains("fix  timeseries: 1 data files"), out[0]);
    assertFalse(out[0].contains("do not have their rows"), out[0]);

    // --yes skips the question; a version the table does not have is a clear error (exit 2).
    assertEquals(0, run(out, "", "restore", "--table", "timeseries", "--version", "1", "--yes", "--lake", lake.root()));
    assertEquals(1, lake.read(Tables.TIMESERIES, "ingest").count());
    assertEquals(2, run(out, "", "restore", "--table", "timeseries", "--version", "9", "--yes", "--lake", lake.root()));
    assertEquals(4, run(out, "", "restore", "--table", "nope", "--version", "0", "--yes", "--lake", lake.root()));
  }

  static int run(String[] out, String stdin, String... args) {
    PrintStream oldOut = System.out;
    InputStream oldIn = System.in;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    System.setOut(new PrintStream(b, true, StandardCharsets.UTF_8));
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return CycleLake.execute(args);
    } finally {
      System.setOut(oldOut);
      System.setIn(oldIn);
      out[0] = b.toString(StandardCharsets.UTF_8);
      oldOut.print(out[0]);
    }
  }
}
