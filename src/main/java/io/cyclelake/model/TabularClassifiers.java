package io.cyclelake.model;

import io.cyclelake.internal.Registry;

/** The registry of {@link TabularClassifier}s. */
public final class TabularClassifiers {
  private TabularClassifiers() {}

  public static Registry<TabularClassifier> registry() {
    return Registry.load(TabularClassifier.class, TabularClassifier::name, "classifier");
  }

  public static TabularClassifier byName(String name) {
    return registry().get(name);
  }
}
