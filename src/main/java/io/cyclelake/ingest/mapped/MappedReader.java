package io.cyclelake.ingest.mapped;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.nio.file.Path;

/**
 * Any CSV time series described by a mapping file ({@code cyclelake.ingest.mapped.mapping}, for example
 * {@code conf/sources/example-mapped.conf}): header names, units, delimiter, decimal mark, header line, cells and
 * cycles, current sign. See {@link MappingFile} for the file and {@link MappedCsvReader} for how rows become
 * operations.
 */
public final class MappedReader extends MappedCsvReader {
  private static final long serialVersionUID = 1L;

  public MappedReader() {
    this(null);
  }

  private MappedReader(CsvMapping m) {
    super(m);
  }

  @Override
  public String name() {
    return "mapped";
  }

  @Override
  public String description() {
    return "any CSV described by a HOCON column mapping (cyclelake.ingest.mapped.mapping = conf/sources/<name>.conf)";
  }

  @Override
  protected CsvMapping bind(Config settings) {
    String path = settings.hasPath("mapping") ? settings.getString("mapping") : "";
    if (path.isBlank()) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "the mapped reader needs a mapping file: set "
          + "cyclelake.ingest.mapped.mapping to a file or to the name of one in conf/sources (e.g. --set "
          + "ingest.mapped.mapping=example-mapped)");
    }
    return MappingFile.load(resolve(path));
  }

  /**
   * A mapping given by name ({@code example-mapped}: no directory, no {@code .conf}) is the file
   * {@code conf/sources/<name>.conf} of the CycleLake home ({@code -Dcyclelake.home}, else the working directory);
   * anything else is a path.
   */
  static Path resolve(String mapping) {
    if (mapping.contains("/") || mapping.contains("\\") || mapping.endsWith(".conf")) return Path.of(mapping);
    return Path.of(System.getProperty("cyclelake.home", ".")).resolve("conf").resolve("sources")
        .resolve(mapping + ".conf");
  }

  @Override
  protected MappedCsvReader with(CsvMapping m) {
    return new MappedReader(m);
  }
}
