package io.cyclelake.errors;

/**
 * Where in an input file a problem sits. {@code line} and {@code column} are 1-based; 0 means unknown.
 */
public record SourceLocation(String file, long line, int column, String field) {
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(file);
    if (line > 0) b.append(':').append(line);
    if (column > 0) b.append(':').append(column);
    if (field != null && !field.isEmpty()) b.append(" (").append(field).append(')');
    return b.toString();
  }
}
