package io.cyclelake.ingest.arbin;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.CsvLine;
import io.cyclelake.ingest.FieldParseException;
import java.util.ArrayList;
import java.util.List;

/** What the channel and statistics readers share: the header lookup and the number rules of Arbin CSV exports. */
final class ArbinCsv {
  private ArbinCsv() {}

  /** The header's column names, without a UTF-8 byte order mark (Excel adds one when it saves CSV as UTF-8). */
  static List<String> headerNames(String header, String file) {
    if (header == null) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file is empty; expected an Arbin header line",
          new SourceLocation(file, 1, 0, null), null);
    }
    String h = header.startsWith("\uFEFF") ? header.substring(1) : header;
    return CsvLine.split(h, ',').stream().map(String::strip).toList();
  }

  /**
   * 0-based positions of {@code wanted} in {@code names}, -1 for an absent optional column; extra columns are
   * ignored. A missing required column fails the whole file: without it no row can be read.
   */
  static int[] locate(List<String> names, List<String> wanted, boolean required, String file, String what) {
    int[] col = new int[wanted.size()];
    for (int i = 0; i < col.length; i++) {
      col[i] = names.indexOf(wanted.get(i));
      if (col[i] < 0 && required) {
        for (char d : new char[] {';', '\t', '|'}) {
          if (names.size() == 1 && names.get(0).indexOf(d) >= 0) {
            throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the header is not comma-separated (it holds no "
                + "',' but '" + (d == '\t' ? "\\t" : d) + "'); Arbin exports are comma-separated: export the "
                + what + " sheet again as CSV with ',' as the delimiter", new SourceLocation(file, 1, 0, null), null);
          }
        }
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the header has no column '" + wanted.get(i)
            + "'; an Arbin " + what + " export needs " + wanted + ", found " + names,
            new SourceLocation(file, 1, 0, wanted.get(i)), null);
      }
    }
    return col;
  }

  /**
   * The fields of a data line. Arbin exports quote nothing, so a line without {@code "} is cut at each comma directly,
   * about twice as fast on a million rows as the character-by-character {@link CsvLine#split}, which still handles
   * any quoted line.
   */
  static List<String> fields(String line) {
    if (line.indexOf('"') >= 0) return CsvLine.split(line, ',');
    List<String> out = new ArrayList<>(24);
    int from = 0;
    int comma;
    while ((comma = line.indexOf(',', from)) >= 0) {
      out.add(line.substring(from, comma));
      from = comma + 1;
    }
    out.add(line.substring(from));
    return out;
  }

  /**
   * A required finite number. Not Fields.optionalDouble: that one runs a regular expression per field and the JDK's
   * slow path for 17-digit numbers, too slow for a million rows of a dozen fields; the rules here are the same.
   */
  static double number(String s) throws FieldParseException {
    Double d = optionalNumber(s);
    if (d == null) throw new FieldParseException("required", "the field is empty");
    return d;
  }

  /** A finite number, or null for an empty field. */
  static Double optionalNumber(String s) throws FieldParseException {
    if (s.isBlank()) return null;
    double d;
    try {
      d = FastDouble.parse(s);
    } catch (NumberFormatException e) {
      throw new FieldParseException("number", "'" + cut(s.strip()) + "' is not a number");
    }
    if (!Double.isFinite(d)) throw new FieldParseException("finite", "'" + cut(s.strip()) + "' is not a finite number");
    return d;
  }

  private static String cut(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
