package io.cyclelake.ingest;

/** Receives what a reader parsed from one file. Every data line ends in exactly one call. */
public interface RecordSink {
  void sample(SampleRecord r);

  void impedance(ImpedanceRecord r);

  void quarantine(QuarantineRecord r);
}
