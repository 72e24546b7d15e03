package io.cyclelake.ingest.telemetry;

import io.cyclelake.ingest.QuarantineRecord;

/** Receives what a telemetry reader parsed from one file; every data line ends in exactly one call. */
public interface TelemetrySink {
  void sample(TelemetrySample s);

  void quarantine(QuarantineRecord q);
}
