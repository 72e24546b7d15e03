package io.cyclelake.testkit;

import io.cyclelake.ingest.ImpedanceRecord;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.RecordSink;
import io.cyclelake.ingest.SampleRecord;
import io.cyclelake.ingest.SourceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A RecordSink that keeps everything a reader emits, for reader tests without Spark. */
public final class CollectingSink implements RecordSink {
  public final List<SampleRecord> samples = new ArrayList<>();
  public final List<ImpedanceRecord> points = new ArrayList<>();
  public final List<QuarantineRecord> rejected = new ArrayList<>();

  @Override
  public void sample(SampleRecord r) {
    samples.add(r);
  }

  @Override
  public void impedance(ImpedanceRecord r) {
    points.add(r);
  }

  @Override
  public void quarantine(QuarantineRecord r) {
    rejected.add(r);
  }

  /** The plan's operations by their source id, as IngestJob hands them to {@code parse}. */
  public static Map<String, Operation> byId(IngestPlan p) {
    Map<String, Operation> m = new HashMap<>();
    p.operations().forEach(o -> m.put(o.sourceOperationId(), o));
    return m;
  }

  /** Parses every file of the plan into one sink. */
  public static CollectingSink parseAll(SourceReader r, IngestPlan p) throws IOException {
    CollectingSink c = new CollectingSink();
    Map<String, Operation> ops = byId(p);
    for (InputFile f : p.files()) r.parse(f, ops, c);
    return c;
  }
}
