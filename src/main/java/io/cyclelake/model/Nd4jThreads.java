package io.cyclelake.model;

import org.nd4j.linalg.factory.Nd4j;

/** The cap on ND4J's native threads shared by the DL4J models (sequence models, {@code mlp}). */
public final class Nd4jThreads {
  private Nd4jThreads() {}

  /**
   * Caps ND4J's native (OpenMP) threads for this JVM ({@code threads <= 0} leaves ND4J's default: all cores). With
   * more threads than free cores, OpenMP workers spin and an LSTM epoch got 10x slower on a loaded 2-core machine;
   * one thread per Spark task is the default of every DL4J model.
   */
  public static void cap(int threads) {
    if (threads > 0) {
      Nd4j.getEnvironment().setMaxThreads(threads);
      Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }
  }
}
