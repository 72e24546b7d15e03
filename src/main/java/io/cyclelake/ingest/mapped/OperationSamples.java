package io.cyclelake.ingest.mapped;

import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.RecordSink;
import io.cyclelake.ingest.SampleRecord;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a file's accepted rows, in file order, into samples of their operations: {@code sample_index} counts the
 * operation's rows, {@code time_s} counts from its first row. Used by the parse and, to know where a split starts, by
 * planning; {@link #progress}/{@link #resume} carry one operation's count and first time across a split boundary.
 */
final class OperationSamples {
  private final String file;
  private final Map<String, double[]> start = new HashMap<>(); // op id -> {first time, next sample index}

  OperationSamples(String file) {
    this.file = file;
  }

  /** Emits row {@code r} (already assigned to operation {@code id}) as the next sample of {@code op}. */
  void emit(String id, MappedRow r, Operation op, RecordSink sink) {
    double[] s = start.computeIfAbsent(id, k -> new double[] {r.timeS(), 0});
    sink.sample(new SampleRecord(op.cellId(), op.cycleIndex(), op.cycleType(), (int) s[1]++, r.timeS() - s[0],
        r.voltageV(), r.currentA(), r.temperatureC(), null, null, file, r.line(), r.step()));
  }

  /** {first time, next sample index} of operation {@code id}, or null before its first row. */
  double[] progress(String id) {
    double[] s = start.get(id);
    return s == null ? null : s.clone();
  }

  /** Goes on with operation {@code id} from a {@link #progress}. */
  void resume(String id, double[] progress) {
    start.put(id, progress.clone());
  }
}
