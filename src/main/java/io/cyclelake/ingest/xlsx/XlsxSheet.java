package io.cyclelake.ingest.xlsx;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams the rows of one worksheet of an {@code .xlsx} workbook with the JDK alone (zip + StAX): memory holds the
 * shared-string table and one row, never the sheet. Cell values come as the text Excel stored: numbers exactly as
 * written in {@code <v>} (no float round trip), shared and inline strings resolved, booleans as {@code TRUE}/{@code
 * FALSE}, error cells as their code ({@code #DIV/0!}). Empty cells between filled ones are empty strings; a row
 * missing from the sheet is skipped (its number is reported by {@link #rowNumber()}).
 */
public final class XlsxSheet implements Closeable {
  private static final XMLInputFactory XML = XMLInputFactory.newFactory();

  static {
    XML.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    XML.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
  }

  private final ZipFile zip;
  private final String file;
  private final List<String> shared;
  private final InputStream in;
  private final XMLStreamReader xml;
  private long rowNumber;

  private XlsxSheet(ZipFile zip, String file, List<String> shared, InputStream in, XMLStreamReader xml) {
    this.zip = zip;
    this.file = file;
    this.shared = shared;
    this.in = in;
    this.xml = xml;
  }

  /** The workbook's sheet names, in workbook order. */
  public static List<String> sheetNames(Path workbook) throws IOException {
    try (ZipFile z = new ZipFile(workbook.toFile())) {
      return new ArrayList<>(sheets(z, workbook.toString()).keySet());
    }
  }

  /**
   * Opens the sheet called {@code name}.
   *
   * @throws CycleLakeException INPUT_MALFORMED if the file is not a workbook or has no such sheet
   */
  public static XlsxSheet open(Path workbook, String name) throws IOException {
    ZipFile z;
    try {
      z = new ZipFile(workbook.toFile());
    } catch (java.util.zip.ZipException e) {
      throw malformed(workbook.toString(), "not an .xlsx workbook (not a zip archive: " + e.getMessage() + ")");
    }
    try {
      Map<String, String> sheets = sheets(z, workbook.toString());
      String target = sheets.get(name);
      if (target == null) {
        throw malformed(workbook.toString(), "the workbook has no sheet '" + name + "'; it has " + sheets.keySet());
      }
      ZipEntry e = z.getEntry(target);
      if (e == null) throw malformed(workbook.toString(), "sheet '" + name + "' points to a missing part " + target);
      List<String> shared = sharedStrings(z, workbook.toString());
      InputStream in = z.getInputStream(e);
      return new XlsxSheet(z, workbook.toString(), shared, in, XML.createXMLStreamReader(in));
    } catch (XMLStreamException x) {
      z.close();
      throw malformed(workbook.toString(), "broken XML: " + x.getMessage());
    } catch (RuntimeException | IOException x) {
      z.close();
      throw x;
    }
  }

  /** The next row's cells, or null after the last row. */
  public List<String> next() throws IOException {
    try {
      while (xml.hasNext()) {
        int ev = xml.next();
        if (ev == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("row")) {
          String r = xml.getAttributeValue(null, "r");
          long number = r != null ? Long.parseLong(r) : rowNumber + 1;
          List<String> cells = row();
          rowNumber = number; // only once the row is whole: a break inside it is "after" the row before
          return cells;
        }
      }
      return null;
    } catch (XMLStreamException | NumberFormatException x) {
      throw new IOException(file + ": broken worksheet XML after row " + rowNumber + ": " + x.getMessage(), x);
    }
  }

  /** 1-based row number of the row {@link #next()} returned last (Excel's row number). */
  public long rowNumber() {
    return rowNumber;
  }

  private List<String> row() throws XMLStreamException {
    List<String> cells = new ArrayList<>();
    while (xml.hasNext()) {
      int ev = xml.next();
      if (ev == XMLStreamConstants.END_ELEMENT && xml.getLocalName().equals("row")) return cells;
      if (ev != XMLStreamConstants.START_ELEMENT || !xml.getLocalName().equals("c")) continue;
      String ref = xml.getAttributeValue(null, "r");
      String type = xml.getAttributeValue(null, "t");
      int col = ref == null ? cells.size() : column(ref);
      String v = cell(type);
      while (cells.size() < col) cells.add("");
      cells.add(v);
    }
    return cells;
  }

  /** The value of the {@code <c>} element the reader stands on; leaves the reader on its end tag. */
  private String cell(String type) throws XMLStreamException {
    StringBuilder value = new StringBuilder();
    StringBuilder inline = new StringBuilder();
    boolean inV = false;
    boolean inT = false;
    while (xml.hasNext()) {
      int ev = xml.next();
      if (ev == XMLStreamConstants.START_ELEMENT) {
        if (xml.getLocalName().equals("v")) inV = true;
        if (xml.getLocalName().equals("t")) inT = true;
      } else if (ev == XMLStreamConstants.END_ELEMENT) {
        String n = xml.getLocalName();
        if (n.equals("v")) inV = false;
        if (n.equals("t")) inT = false;
        if (n.equals("c")) break;
      } else if (ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.CDATA) {
        if (inV) value.append(xml.getText());
        if (inT) inline.append(xml.getText());
      }
    }
    if ("s".equals(type)) {
      int i = Integer.parseInt(value.toString().strip());
      if (i < 0 || i >= shared.size()) throw new XMLStreamException("shared string " + i + " does not exist");
      return shared.get(i);
    }
    if ("inlineStr".equals(type)) return inline.toString();
    if ("b".equals(type)) return value.toString().strip().equals("1") ? "TRUE" : "FALSE";
    return value.toString();
  }

  /** 0-based column of a cell reference like {@code AB12}. */
  static int column(String ref) {
    int c = 0;
    for (int i = 0; i < ref.length(); i++) {
      char ch = ref.charAt(i);
      if (ch < 'A' || ch > 'Z') break;
      c = c * 26 + (ch - 'A' + 1);
    }
    return c - 1;
  }

  /** Sheet name -> zip entry of its part. */
  private static Map<String, String> sheets(ZipFile z, String file) throws IOException {
    Map<String, String> rels = new LinkedHashMap<>();
    ZipEntry re = z.getEntry("xl/_rels/workbook.xml.rels");
    ZipEntry wb = z.getEntry("xl/workbook.xml");
    if (re == null || wb == null) throw malformed(file, "not an .xlsx workbook (no xl/workbook.xml)");
    try (InputStream in = z.getInputStream(re)) {
      XMLStreamReader x = XML.createXMLStreamReader(in);
      while (x.hasNext()) {
        if (x.next() == XMLStreamConstants.START_ELEMENT && x.getLocalName().equals("Relationship")) {
          String target = x.getAttributeValue(null, "Target");
          rels.put(x.getAttributeValue(null, "Id"), target.startsWith("/") ? target.substring(1) : "xl/" + target);
        }
      }
    } catch (XMLStreamException e) {
      throw malformed(file, "broken xl/_rels/workbook.xml.rels: " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    try (InputStream in = z.getInputStream(wb)) {
      XMLStreamReader x = XML.createXMLStreamReader(in);
      while (x.hasNext()) {
        if (x.next() == XMLStreamConstants.START_ELEMENT && x.getLocalName().equals("sheet")) {
          String id = null;
          for (int i = 0; i < x.getAttributeCount(); i++) {
            if (x.getAttributeLocalName(i).equals("id")) id = x.getAttributeValue(i);
          }
          out.put(x.getAttributeValue(null, "name"), rels.get(id));
        }
      }
    } catch (XMLStreamException e) {
      throw malformed(file, "broken xl/workbook.xml: " + e.getMessage());
    }
    return out;
  }

  private static List<String> sharedStrings(ZipFile z, String file) throws IOException {
    List<String> out = new ArrayList<>();
    ZipEntry e = z.getEntry("xl/sharedStrings.xml");
    if (e == null) return out;
    try (InputStream in = z.getInputStream(e)) {
      XMLStreamReader x = XML.createXMLStreamReader(in);
      StringBuilder si = null;
      boolean inT = false;
      boolean inPhonetic = false;
      while (x.hasNext()) {
        int ev = x.next();
        if (ev == XMLStreamConstants.START_ELEMENT) {
          switch (x.getLocalName()) {
            case "si" -> si = new StringBuilder();
            case "t" -> inT = true;
            case "rPh" -> inPhonetic = true;
            default -> { }
          }
        } else if (ev == XMLStreamConstants.END_ELEMENT) {
          switch (x.getLocalName()) {
            case "si" -> out.add(si.toString());
            case "t" -> inT = false;
            case "rPh" -> inPhonetic = false;
            default -> { }
          }
        } else if ((ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.CDATA) && inT && !inPhonetic
            && si != null) {
          si.append(x.getText());
        }
      }
    } catch (XMLStreamException x) {
      throw malformed(file, "broken xl/sharedStrings.xml: " + x.getMessage());
    }
    return out;
  }

  private static CycleLakeException malformed(String file, String message) {
    return new CycleLakeException(ErrorCode.INPUT_MALFORMED, message, new SourceLocation(file, 0, 0, null), null);
  }

  @Override
  public void close() throws IOException {
    try {
      xml.close();
    } catch (XMLStreamException e) {
      // nothing left to release
    } finally {
      in.close();
      zip.close();
    }
  }
}
