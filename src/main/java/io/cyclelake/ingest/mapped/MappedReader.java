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
          + "cyclelake.ingest.mapped.mapping (e.g. --set ingest.mapped.mapping=conf/sources/example-mapped.conf)");
    }
    return MappingFile.load(Path.of(path));
  }

  @Override
  protected MappedCsvReader with(CsvMapping m) {
    return new MappedReader(m);
  }
}
