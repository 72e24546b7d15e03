package io.cyclelake.ingest.xlsx;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.LineSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A worksheet as CSV lines (comma-separated, RFC 4180 quoting where a value holds a comma, quote or line break), so
 * the CSV readers read workbooks unchanged. Line numbers are the sheet's row numbers; the sheet is streamed by
 * {@link XlsxSheet}.
 */
public final class XlsxLines implements LineSource {
  private final XlsxSheet sheet;

  private XlsxLines(XlsxSheet sheet) {
    this.sheet = sheet;
  }

  /**
   * The first sheet whose name starts with {@code prefix}.
   *
   * @throws CycleLakeException INPUT_MALFORMED if there is none or the file is not a workbook
   */
  public static XlsxLines open(Path workbook, String prefix) throws IOException {
    List<String> names;
    try {
      names = XlsxSheet.sheetNames(workbook);
    } catch (java.util.zip.ZipException e) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "not an .xlsx workbook (not a zip archive: "
          + e.getMessage() + ")", new SourceLocation(workbook.toString(), 0, 0, null), null);
    }
    for (String n : names) {
      if (n.startsWith(prefix)) return new XlsxLines(XlsxSheet.open(workbook, n));
    }
    throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the workbook has no sheet named " + prefix + "*; it has "
        + names, new SourceLocation(workbook.toString(), 0, 0, null), null);
  }

  @Override
  public String readLine() throws IOException {
    List<String> cells = sheet.next();
    if (cells == null) return null;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) b.append(',');
      String v = cells.get(i);
      if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
        b.append('"').append(v.replace("\"", "\"\"")).append('"');
      } else {
        b.append(v);
      }
    }
    return b.toString();
  }

  /** A worksheet row is whole or not there: XML breaks surface as read errors from {@link #readLine()}. */
  @Override
  public boolean lastLineCut() {
    return false;
  }

  @Override
  public String lastLineCutReason() {
    return "";
  }

  @Override
  public long lineNumber() {
    return sheet.rowNumber();
  }

  @Override
  public void close() throws IOException {
    sheet.close();
  }
}
