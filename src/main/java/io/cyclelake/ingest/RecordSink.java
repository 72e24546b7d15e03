package io.cyclelake.ingest;

/** Receives what a reader parsed from one file. Every data line ends in exactly one call. */
public interface RecordSink {
  void sample(SampleRecord r);

  void impedance(ImpedanceRecord r);

  void quarantine(QuarantineRecord r);

  /**
   * A split of a file ({@link FileSplit}) starts inside operation ({@code cellId}, {@code cycleIndex}), whose last
   * sample accepted before the split had {@code previousTimeS}: a sink that checks samples against their operation's
   * previous one ({@link Validator}) goes on from it. Called before the split's first record; others ignore it.
   */
  default void resume(String cellId, int cycleIndex, double previousTimeS) {}
}
