package io.cyclelake.ingest.xlsx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes small .xlsx workbooks for tests with the JDK's zip, the way Excel lays them out: workbook, relationships,
 * shared strings (used for the first row, as Excel does for headers), one part per sheet. Numeric-looking values are
 * number cells, other text inline strings; a null value leaves the cell out (a sparse row).
 */
public final class Workbooks {
  private Workbooks() {}

  /** Sheets by name, each a list of rows of cell values. */
  public static Path write(Path file, Map<String, List<List<String>>> sheets) throws IOException {
    List<String> shared = new ArrayList<>();
    Map<String, String> parts = new LinkedHashMap<>();
    StringBuilder wb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
        + "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        + "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>");
    StringBuilder rels = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships "
        + "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
    int n = 0;
    for (var e : sheets.entrySet()) {
      n++;
      wb.append("<sheet name=\"").append(esc(e.getKey())).append("\" sheetId=\"").append(n)
          .append("\" r:id=\"rId").append(n).append("\"/>");
      rels.append("<Relationship Id=\"rId").append(n).append("\" Type=\"http://schemas.openxmlformats.org/"
          + "officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet").append(n).append(".xml\"/>");
      StringBuilder s = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet "
          + "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
      int r = 0;
      for (List<String> row : e.getValue()) {
        r++;
        s.append("<row r=\"").append(r).append("\">");
        for (int c = 0; c < row.size(); c++) {
          String v = row.get(c);
          if (v == null) continue;
          String ref = column(c) + r;
          if (r == 1) {
            shared.add(v);
            s.append("<c r=\"").append(ref).append("\" t=\"s\"><v>").append(shared.size() - 1).append("</v></c>");
          } else if (v.matches("-?[0-9.]+([eE][-+]?[0-9]+)?")) {
            s.append("<c r=\"").append(ref).append("\"><v>").append(v).append("</v></c>");
          } else {
            s.append("<c r=\"").append(ref).append("\" t=\"inlineStr\"><is><t>").append(esc(v))
                .append("</t></is></c>");
          }
        }
        s.append("</row>");
      }
      s.append("</sheetData></worksheet>");
      parts.put("xl/worksheets/sheet" + n + ".xml", s.toString());
    }
    wb.append("</sheets></workbook>");
    rels.append("</Relationships>");
    StringBuilder sst = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst "
        + "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
    for (String v : shared) sst.append("<si><t>").append(esc(v)).append("</t></si>");
    sst.append("</sst>");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
      put(z, "[Content_Types].xml", "<?xml version=\"1.0\"?><Types "
          + "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
      put(z, "xl/workbook.xml", wb.toString());
      put(z, "xl/_rels/workbook.xml.rels", rels.toString());
      put(z, "xl/sharedStrings.xml", sst.toString());
      for (var p : parts.entrySet()) put(z, p.getKey(), p.getValue());
    }
    return file;
  }

  /** A workbook with an {@code Info} sheet and the CSV lines as sheet {@code sheet}. */
  public static Path fromCsv(Path file, String sheet, List<String> csvLines) throws IOException {
    Map<String, List<List<String>>> sheets = new LinkedHashMap<>();
    sheets.put("Info", List.of(List.of("Test_Name"), List.of("generated")));
    List<List<String>> rows = new ArrayList<>();
    for (String l : csvLines) rows.add(List.of(l.split(",", -1)));
    sheets.put(sheet, rows);
    return write(file, sheets);
  }

  static String column(int c) {
    StringBuilder b = new StringBuilder();
    for (int x = c + 1; x > 0; x = (x - 1) / 26) b.insert(0, (char) ('A' + (x - 1) % 26));
    return b.toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static void put(ZipOutputStream z, String name, String text) throws IOException {
    z.putNextEntry(new ZipEntry(name));
    OutputStream o = z;
    o.write(text.getBytes(StandardCharsets.UTF_8));
    z.closeEntry();
  }
}
