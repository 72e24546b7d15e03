package io.cyclelake.split;

import com.typesafe.config.Config;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Assigns every labelled row to a part of a split. Plug-ins are listed in
 * {@code META-INF/services/io.cyclelake.split.Splitter} and chosen by {@link #name()}.
 */
public interface Splitter {
  String TRAIN = "train";
  String VALIDATION = "validation";
  String TEST = "test";

  String name();

  /**
   * Adds a string column {@code part} ({@link #TRAIN}, {@link #VALIDATION} or {@link #TEST}) to {@code rows}, which
   * have at least {@code cell_id} and {@code cycle_index}.
   *
   * @param settings this splitter's settings ({@code cyclelake.split.<name>})
   */
  Dataset<Row> assign(Dataset<Row> rows, Config settings);
}
