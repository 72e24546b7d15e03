package io.cyclelake.split;

import com.typesafe.config.Config;
import java.util.List;

/**
 * Splits labelled rows into one or more folds whose membership is recorded with each run. Plain Java on the driver
 * (the labelled table of a sweep is small: one row per discharge). Plug-ins are listed in
 * {@code META-INF/services/io.cyclelake.split.FoldSplitter} and chosen by {@link #name()}.
 */
public interface FoldSplitter {
  String name();

  /**
   * @param settings this splitter's settings ({@code cyclelake.split.<name>})
   * @param seed the seed of the run (splitters that draw cells use it)
   * @return at least one fold; every fold has at least one training and one test row
   */
  List<Fold> folds(SplitRows rows, Config settings, long seed);
}
