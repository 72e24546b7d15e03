package io.cyclelake.ingest.telemetry;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.CsvLine;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The preamble and header of a logger CSV: an optional UTF-8 byte-order mark, an optional Excel {@code sep=X} line
 * (which sets the delimiter), then the header line whose names may carry a unit in brackets or parentheses
 * ({@code DC Bus Voltage [V]}, {@code IGBT Temp (°C)}).
 *
 * @param headerLine 1-based line of the header
 * @param names column names without their unit, trimmed
 * @param units the unit of each column as written ("" when none)
 */
public record LoggerHeader(char delimiter, int headerLine, List<String> names, List<String> units) {
  private static final Pattern UNIT = Pattern.compile("^(.*?)\\s*[\\[(]([^\\])]*)[\\])]\\s*$");

  /** Strips a byte-order mark from the first line. */
  public static String stripBom(String line) {
    return line != null && !line.isEmpty() && line.charAt(0) == '\uFEFF' ? line.substring(1) : line;
  }

  /**
   * @param first the file's first line (BOM included or not)
   * @param second the line after it (needed when the first is a {@code sep=} line)
   * @param defaultDelimiter used when there is no {@code sep=} line; 0 = guess from the header (';' if it has more
   *     semicolons than commas, tab likewise, else ',')
   */
  public static LoggerHeader parse(String file, String first, String second, char defaultDelimiter) {
    String l1 = stripBom(first);
    if (l1 == null) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file is empty; a logger export starts with a "
          + "header line", new SourceLocation(file, 1, 0, null), null);
    }
    String header = l1;
    int line = 1;
    char delimiter = defaultDelimiter;
    String t = l1.trim();
    if (t.regionMatches(true, 0, "sep=", 0, 4)) {
      if (t.length() != 5) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the sep= line must name one delimiter character, "
            + "got '" + t + "'", new SourceLocation(file, 1, 0, null), null);
      }
      delimiter = t.charAt(4);
      header = second;
      line = 2;
      if (header == null) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "no header line after the sep= line",
            new SourceLocation(file, 2, 0, null), null);
      }
    }
    if (delimiter == 0) delimiter = guess(header);
    List<String> names = new ArrayList<>();
    List<String> units = new ArrayList<>();
    for (String raw : CsvLine.split(header, delimiter)) {
      String h = raw.trim();
      Matcher m = UNIT.matcher(h);
      if (m.matches()) {
        names.add(m.group(1).trim());
        units.add(m.group(2).trim());
      } else {
        names.add(h);
        units.add("");
      }
    }
    return new LoggerHeader(delimiter, line, List.copyOf(names), List.copyOf(units));
  }

  private static char guess(String header) {
    long semi = header.chars().filter(c -> c == ';').count();
    long comma = header.chars().filter(c -> c == ',').count();
    long tab = header.chars().filter(c -> c == '\t').count();
    if (tab > comma && tab > semi) return '\t';
    return semi > comma ? ';' : ',';
  }
}
