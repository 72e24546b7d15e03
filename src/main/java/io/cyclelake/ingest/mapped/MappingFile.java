package io.cyclelake.ingest.mapped;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.mapped.CsvMapping.Column;
import io.cyclelake.ingest.mapped.CsvMapping.SignPolicy;
import io.cyclelake.ingest.mapped.CsvMapping.Source;
import io.cyclelake.ingest.mapped.Units.Unit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Loads a column mapping from a HOCON file (see {@code conf/sources/example-mapped.conf}). Every problem is an error
 * naming the mapping file and line: an unknown key, an unknown canonical column, a unit that is unknown or measures the
 * wrong quantity, a missing required column, a bad pattern.
 */
public final class MappingFile {
  private static final Set<String> TOP = Set.of("files", "delimiter", "decimal", "header-line", "ignore-header-case",
      "columns", "cell", "current-sign", "on-sign-mismatch", "datetime");

  private MappingFile() {}

  public static CsvMapping load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CycleLakeException(ErrorCode.CONFIG_FILE_MISSING, "mapping file " + file.toAbsolutePath()
          + " does not exist; set cyclelake.ingest.mapped.mapping to a file like conf/sources/example-mapped.conf");
    }
    Config c;
    try {
      c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    } catch (ConfigException e) {
      throw error(e.getMessage(), e.origin(), file);
    }
    return parse(c, file);
  }

  static CsvMapping parse(Config c, Path file) {
    String label = "mapping " + file;
    for (Map.Entry<String, ConfigValue> e : c.root().entrySet()) {
      if (!TOP.contains(e.getKey())) {
        throw error("unknown key '" + e.getKey() + "'; a mapping has " + new java.util.TreeSet<>(TOP),
            e.getValue().origin(), file);
      }
    }
    try {
      String files = c.hasPath("files") ? c.getString("files") : "*.csv";
      char delimiter = character(c, "delimiter", ",", file);
      char decimal = character(c, "decimal", ".", file);
      if (decimal != '.' && decimal != ',') throw error("decimal must be \".\" or \",\"", origin(c, "decimal"), file);
      if (decimal == delimiter) {
        throw error("the decimal mark and the delimiter are both '" + delimiter + "'; with decimal = \",\" use"
            + " delimiter = \";\" or \"\\t\"", origin(c, "decimal"), file);
      }
      int headerLine = c.hasPath("header-line") ? c.getInt("header-line") : 1;
      if (headerLine < 1) throw error("header-line is 1-based: the line of the file holding the column names",
          origin(c, "header-line"), file);
      boolean ignoreCase = c.hasPath("ignore-header-case") && c.getBoolean("ignore-header-case");
      if (!c.hasPath("columns")) throw error("the mapping has no columns block", c.root().origin(), file);
      Map<Column, Source> columns = new EnumMap<>(Column.class);
      Config cols = c.getConfig("columns");
      for (Map.Entry<String, ConfigValue> e : cols.root().entrySet()) {
        Column col = Column.byKey(e.getKey());
        if (col == null) {
          StringBuilder known = new StringBuilder();
          for (Column k : Column.values()) known.append(known.length() == 0 ? "" : ", ").append(k.key());
          throw error("unknown canonical column '" + e.getKey() + "'; known: " + known, e.getValue().origin(), file);
        }
        columns.put(col, source(col, e.getValue(), file));
      }
      for (Column col : Column.values()) {
        if (col.required() && !columns.containsKey(col)) {
          throw error("the columns block has no '" + col.key() + "' (time, voltage and current are required)",
              origin(c, "columns"), file);
        }
      }
      Pattern cellPattern = null;
      if (c.hasPath("cell")) {
        Config cell = c.getConfig("cell");
        for (String k : cell.root().keySet()) {
          if (!k.equals("file-name-pattern")) {
            throw error("unknown key 'cell." + k + "'; the cell id comes from columns.cell or from"
                + " cell.file-name-pattern", cell.root().get(k).origin(), file);
          }
        }
        if (cell.hasPath("file-name-pattern")) {
          try {
            cellPattern = Pattern.compile(cell.getString("file-name-pattern"));
          } catch (PatternSyntaxException p) {
            throw error("cell.file-name-pattern is not a regular expression: " + p.getDescription(),
                origin(c, "cell.file-name-pattern"), file);
          }
          if (cellPattern.matcher("").groupCount() < 1) {
            throw error("cell.file-name-pattern needs a group holding the cell id, e.g. \"^(?<cell>[^_]+)_\"",
                origin(c, "cell.file-name-pattern"), file);
          }
        }
      }
      String sign = c.hasPath("current-sign") ? c.getString("current-sign") : "charge-positive";
      if (!sign.equals("charge-positive") && !sign.equals("charge-negative")) {
        throw error("current-sign must be charge-positive or charge-negative, not '" + sign + "'",
            origin(c, "current-sign"), file);
      }
      String policy = c.hasPath("on-sign-mismatch") ? c.getString("on-sign-mismatch") : "fail";
      SignPolicy p;
      try {
        p = SignPolicy.valueOf(policy.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException x) {
        throw error("on-sign-mismatch must be fail, flip or keep, not '" + policy + "'",
            origin(c, "on-sign-mismatch"), file);
      }
      String pattern = null;
      String zone = "UTC";
      if (c.hasPath("datetime")) {
        Config d = c.getConfig("datetime");
        for (String k : d.root().keySet()) {
          if (!k.equals("pattern") && !k.equals("zone")) {
            throw error("unknown key 'datetime." + k + "'; datetime has pattern and zone", d.root().get(k).origin(),
                file);
          }
        }
        if (d.hasPath("pattern")) {
          pattern = d.getString("pattern");
          try {
            java.time.format.DateTimeFormatter.ofPattern(pattern);
          } catch (IllegalArgumentException x) {
            throw error("datetime.pattern is not a date-time pattern: " + x.getMessage(),
                origin(c, "datetime.pattern"), file);
          }
        }
        if (d.hasPath("zone")) {
          zone = d.getString("zone");
          try {
            java.time.ZoneId.of(zone);
          } catch (java.time.DateTimeException x) {
            throw error("datetime.zone is not a time zone: " + zone, origin(c, "datetime.zone"), file);
          }
        }
      }
      return new CsvMapping(label, files, delimiter, decimal, headerLine, ignoreCase, columns, cellPattern,
          sign.equals("charge-positive"), p, pattern, zone);
    } catch (ConfigException e) {
      throw error(e.getMessage(), e.origin(), file);
    }
  }

  private static Source source(Column col, ConfigValue v, Path file) {
    if (v.valueType() == ConfigValueType.STRING && col.quantity() == null) {
      return new Source((String) v.unwrapped(), null);
    }
    if (v.valueType() != ConfigValueType.OBJECT) {
      throw error("columns." + col.key() + " must be { header = \"...\", unit = \"...\" }", v.origin(), file);
    }
    Config o = ((com.typesafe.config.ConfigObject) v).toConfig();
    for (String k : o.root().keySet()) {
      if (!k.equals("header") && !k.equals("unit") && !k.equals("optional")) {
        throw error("unknown key '" + k + "' in columns." + col.key() + "; a column has header, unit, optional",
            o.root().get(k).origin(), file);
      }
    }
    if (!o.hasPath("header")) throw error("columns." + col.key() + " has no header (the column's name in the file)",
        v.origin(), file);
    String header = o.getString("header");
    boolean optional = o.hasPath("optional") && o.getBoolean("optional");
    if (optional && col.required()) {
      throw error("columns." + col.key() + " is required and cannot be optional", v.origin(), file);
    }
    if (col.quantity() == null) {
      if (o.hasPath("unit")) throw error("columns." + col.key() + " is text and takes no unit", v.origin(), file);
      return new Source(header, null, optional);
    }
    if (!o.hasPath("unit")) {
      if (col.quantity() == Units.Quantity.COUNT) return new Source(header, null, optional);
      throw error("columns." + col.key() + " has no unit; " + col.key() + " takes one of "
          + Units.namesOf(col.quantity()), v.origin(), file);
    }
    String name = o.getString("unit");
    Unit u = Units.find(name);
    if (u == null || u.quantity() != col.quantity()) {
      throw error("unit '" + name + "' of columns." + col.key() + (u == null ? " is unknown" : " measures "
          + u.quantity().name().toLowerCase(Locale.ROOT)) + "; " + col.key() + " takes one of "
          + Units.namesOf(col.quantity()), o.root().get("unit").origin(), file);
    }
    return new Source(header, u, optional);
  }

  private static char character(Config c, String key, String dflt, Path file) {
    String s = c.hasPath(key) ? c.getString(key) : dflt;
    if (s.equals("tab")) s = "\t";
    if (s.length() != 1) throw error(key + " must be one character (or \"tab\"), not '" + s + "'", origin(c, key),
        file);
    return s.charAt(0);
  }

  private static ConfigOrigin origin(Config c, String path) {
    return c.hasPath(path) ? c.getValue(path).origin() : c.root().origin();
  }

  private static CycleLakeException error(String message, ConfigOrigin origin, Path file) {
    int line = origin == null ? 0 : Math.max(origin.lineNumber(), 0);
    return new CycleLakeException(ErrorCode.CONFIG_INVALID, message, new SourceLocation(file.toString(), line, 0,
        null), null);
  }
}
