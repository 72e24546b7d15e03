package io.cyclelake.ingest.telemetry;

import io.cyclelake.internal.Registry;

/** The registry of {@link TelemetryReader}s (META-INF/services/io.cyclelake.ingest.telemetry.TelemetryReader). */
public final class TelemetryReaders {
  private TelemetryReaders() {}

  public static Registry<TelemetryReader> registry() {
    return Registry.load(TelemetryReader.class, TelemetryReader::name, "telemetry reader");
  }

  public static boolean has(String name) {
    return registry().names().contains(name);
  }

  public static TelemetryReader byName(String name) {
    return registry().get(name);
  }
}
