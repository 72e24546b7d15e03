package io.cyclelake.ingest;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The registry of {@link SourceReader}s: adding a reader is adding a class and a line in META-INF/services. */
public final class SourceReaders {
  private SourceReaders() {}

  public static Map<String, SourceReader> all() {
    Map<String, SourceReader> byName = new TreeMap<>();
    for (SourceReader r : ServiceLoader.load(SourceReader.class, SourceReaders.class.getClassLoader())) {
      SourceReader previous = byName.put(r.name(), r);
      if (previous != null) {
        throw new IllegalStateException("two readers are named '" + r.name() + "': "
            + previous.getClass().getName() + " and " + r.getClass().getName());
      }
    }
    return byName;
  }

  public static SourceReader byName(String name) {
    Map<String, SourceReader> all = all();
    SourceReader r = all.get(name);
    if (r == null) {
      throw new CycleLakeException(ErrorCode.UNKNOWN_NAME,
          "no reader named '" + name + "'; known readers: " + String.join(", ", new ArrayList<>(all.keySet())));
    }
    return r;
  }

  public static List<String> names() {
    return new ArrayList<>(all().keySet());
  }
}
