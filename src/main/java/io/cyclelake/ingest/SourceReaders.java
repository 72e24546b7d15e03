package io.cyclelake.ingest;

import io.cyclelake.internal.Registry;

/** The registry of {@link SourceReader}s (META-INF/services/io.cyclelake.ingest.SourceReader). */
public final class SourceReaders {
  private SourceReaders() {}

  public static Registry<SourceReader> registry() {
    return Registry.load(SourceReader.class, SourceReader::name, "reader");
  }

  public static SourceReader byName(String name) {
    return registry().get(name);
  }
}
