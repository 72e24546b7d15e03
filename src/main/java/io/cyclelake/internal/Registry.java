package io.cyclelake.internal;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Plug-ins of one kind found by {@link ServiceLoader} and chosen by name from config or the command line. Adding
 * one is adding a class and a line in {@code META-INF/services/<interface>}.
 */
public final class Registry<T> {
  private final String what;
  private final Map<String, T> byName;

  private Registry(String what, Map<String, T> byName) {
    this.what = what;
    this.byName = byName;
  }

  /**
   * @param what the kind in words, for messages ("reader", "model", "split")
   * @throws IllegalStateException if two plug-ins share a name
   */
  public static <T> Registry<T> load(Class<T> type, Function<T, String> name, String what) {
    Map<String, T> byName = new TreeMap<>();
    for (T t : ServiceLoader.load(type, Registry.class.getClassLoader())) {
      T previous = byName.put(name.apply(t), t);
      if (previous != null) {
        throw new IllegalStateException("two " + what + "s are named '" + name.apply(t) + "': "
            + previous.getClass().getName() + " and " + t.getClass().getName());
      }
    }
    return new Registry<>(what, byName);
  }

  /** The plug-in called {@code name}; an unknown name is an error listing the known ones. */
  public T get(String name) {
    T t = byName.get(name);
    if (t == null) {
      throw new CycleLakeException(ErrorCode.UNKNOWN_NAME,
          "no " + what + " named '" + name + "'; known " + what + "s: " + String.join(", ", byName.keySet()));
    }
    return t;
  }

  public Set<String> names() {
    return byName.keySet();
  }
}
