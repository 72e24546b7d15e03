package io.cyclelake.export;

import static org.apache.spark.sql.functions.col;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.mapped.BdfReader;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes the lake's charge and discharge samples in the Battery Data Format, one file per cell: CSV
 * ({@code <out>/<cell>.bdf.csv}) or Parquet ({@code <out>/<cell>.bdf.parquet}, one row per sample, the same columns;
 * written with parquet-hadoop, which Spark ships, streaming the cell's rows), with BDF's preferred labels:
 * {@code Test Time / s, Voltage / V, Current / A, Unix Time / s, Cycle Count / 1, Step Count / 1,
 * Ambient Temperature / degC, Surface Temperature T1 / degC}.
 *
 * <p>Test time: an operation with a {@code start_time} begins at that time (relative to the cell's first operation
 * with one); an operation without one continues from the end of the previous operation. {@code Unix Time / s} is
 * filled only where the operation has a start time. {@code Cycle Count / 1} is {@code cycle_index / 2}: the charge
 * {@code 2r} and discharge {@code 2r + 1} of the {@code arbin}, {@code mapped}, {@code battery-archive} and
 * {@code bdf} readers share cycle {@code r}, so reading the file back with {@code --source bdf} gives the same
 * operations. Capacities and energies are not written. Each file is written to a temporary name and moved into place.
 */
public final class BdfExport {
  private BdfExport() {}

  /** The file formats: BDF's CSV and Parquet flavours. */
  public enum Format {
    CSV(".bdf.csv"),
    PARQUET(".bdf.parquet");

    private final String suffix;

    Format(String suffix) {
      this.suffix = suffix;
    }

    public String suffix() {
      return suffix;
    }
  }

  /** What was written: one file per cell, with its sample count. */
  public record Written(Path file, String cell, long samples) {}

  /** As CSV. */
  public static List<Written> run(Lake lake, Path out, Set<String> cells) throws IOException {
    return run(lake, out, cells, Format.CSV);
  }

  public static List<Written> run(Lake lake, Path out, Set<String> cells, Format format) throws IOException {
    Dataset<Row> cycles = lake.read(Tables.CYCLES, "ingest")
        .where(col("cycle_type").isin("charge", "discharge"))
        .select("cell_id", "cycle_index", "start_time", "ambient_temperature_c");
    Set<String> all = new TreeSet<>();
    cycles.select("cell_id").distinct().collectAsList().forEach(r -> all.add(r.getString(0)));
    Set<String> chosen = new TreeSet<>(cells.isEmpty() ? all : cells);
    for (String c : chosen) {
      if (!all.contains(c)) {
        throw new CycleLakeException(ErrorCode.INPUT_MISSING, "cell " + c + " has no charge or discharge in the lake;"
            + " cells there: " + all);
      }
    }
    Files.createDirectories(out);
    List<Written> written = new ArrayList<>();
    for (String cell : chosen) {
      Dataset<Row> s = lake.read(Tables.TIMESERIES, "ingest").where(col("cell_id").equalTo(cell))
          .join(cycles, Lake.CELL_CYCLE, "inner")
          .select("cycle_index", "sample_index", "time_s", "voltage_v", "current_a", "step_index", "temperature_c",
              "start_time", "ambient_temperature_c")
          .orderBy("cycle_index", "sample_index");
      Path file = out.resolve(cell + format.suffix());
      Path tmp = out.resolve("." + cell + format.suffix() + ".tmp");
      Files.deleteIfExists(tmp);
      long n = 0;
      try (BdfRows w = format == Format.CSV ? BdfRows.csv(tmp) : BdfRows.parquet(tmp)) {
        Integer op = null;
        Double firstStart = null;
        double offset = 0;
        double lastTest = 0;
        Double opStart = null;
        Iterator<Row> it = s.toLocalIterator();
        while (it.hasNext()) {
          Row r = it.next();
          int cycle = r.getInt(0);
          if (op == null || cycle != op) {
            op = cycle;
            Timestamp st = r.isNullAt(7) ? null : r.getTimestamp(7);
            opStart = st == null ? null : st.getTime() / 1000.0;
            if (opStart != null && firstStart == null) firstStart = opStart - lastTest;
            offset = opStart != null ? opStart - firstStart : lastTest;
          }
          double t = r.isNullAt(2) ? Double.NaN : r.getDouble(2);
          double test = offset + t;
          if (!Double.isNaN(test)) lastTest = Math.max(lastTest, test);
          w.write(test, dbl(r, 3), dbl(r, 4), opStart == null ? Double.NaN : opStart + t, cycle / 2,
              r.isNullAt(5) ? null : r.getInt(5), dbl(r, 8), dbl(r, 6));
          n++;
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      written.add(new Written(file, cell, n));
    }
    return written;
  }

  private static double dbl(Row r, int i) {
    return r.isNullAt(i) ? Double.NaN : r.getDouble(i);
  }

}
