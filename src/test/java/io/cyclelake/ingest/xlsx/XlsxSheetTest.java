package io.cyclelake.ingest.xlsx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming worksheet reader on generated workbooks. */
class XlsxSheetTest {
  @TempDir Path dir;

  @Test
  void rowsComeAsStoredWithSparseCellsAndQuoting() throws IOException {
    Map<String, List<List<String>>> sheets = new LinkedHashMap<>();
    sheets.put("Info", List.of(List.of("x")));
    sheets.put("Channel_1-008", List.of(
        List.of("Test_Time(s)", "Voltage(V)", "Note"),
        List.of("30.000397465230783", "3.6947314739227295", "a, \"quoted\" note"),
        Arrays.asList("60", null, "<&>")));
    Path f = Workbooks.write(dir.resolve("w.xlsx"), sheets);
    assertEquals(List.of("Info", "Channel_1-008"), XlsxSheet.sheetNames(f));
    try (XlsxSheet s = XlsxSheet.open(f, "Channel_1-008")) {
      assertEquals(List.of("Test_Time(s)", "Voltage(V)", "Note"), s.next());
      assertEquals(1, s.rowNumber());
      assertEquals(List.of("30.000397465230783", "3.6947314739227295", "a, \"quoted\" note"), s.next());
      assertEquals(List.of("60", "", "<&>"), s.next(), "a missing cell is an empty string");
      assertEquals(3, s.rowNumber());
      assertNull(s.next());
    }
    try (XlsxLines l = XlsxLines.open(f, "Channel")) {
      l.readLine();
      assertEquals("30.000397465230783,3.6947314739227295,\"a, \"\"quoted\"\" note\"", l.readLine());
      assertEquals("60,,<&>", l.readLine());
      assertEquals(3, l.lineNumber());
      assertNull(l.readLine());
    }
  }

  @Test
  void excelCellKindsAndRowGaps() throws IOException {
    Path f = dir.resolve("k.xlsx");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
      put(z, "xl/workbook.xml", "<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId7\"/>"
          + "</sheets></workbook>");
      put(z, "xl/_rels/workbook.xml.rels", "<Relationships><Relationship Id=\"rId7\" "
          + "Target=\"/xl/worksheets/data.xml\"/></Relationships>");
      put(z, "xl/sharedStrings.xml", "<sst><si><r><t>Cur</t></r><r><t>rent(A)</t></r>"
          + "<rPh><t>ignored</t></rPh></si></sst>");
      put(z, "xl/worksheets/data.xml", "<worksheet><sheetData><row r=\"2\"><c r=\"B2\" t=\"s\"><v>0</v></c>"
          + "<c r=\"C2\" t=\"b\"><v>1</v></c><c r=\"D2\" t=\"e\"><v>#DIV/0!</v></c>"
          + "<c r=\"E2\" t=\"str\"><f>A1</f><v>formula text</v></c></row><row r=\"5\"><c r=\"AA5\"><v>1E-3</v></c>"
          + "</row></sheetData></worksheet>");
    }
    try (XlsxSheet s = XlsxSheet.open(f, "S")) {
      assertEquals(List.of("", "Current(A)", "TRUE", "#DIV/0!", "formula text"), s.next());
      assertEquals(2, s.rowNumber());
      List<String> r5 = s.next();
      assertEquals(27, r5.size(), "AA is the 27th column");
      assertEquals("1E-3", r5.get(26));
      assertEquals(5, s.rowNumber());
    }
  }

  @Test
  void notAWorkbookOrNoSuchSheetNameTheFile() throws IOException {
    Path text = Files.writeString(dir.resolve("fake.xlsx"), "Test_Time(s),Voltage(V)\n");
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> XlsxLines.open(text, "Channel"));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertEquals(text.toString(), e.where().orElseThrow().file());
    Path w = Workbooks.write(dir.resolve("w.xlsx"), Map.of("Statistics_1-008", List.of(List.of("a"))));
    e = assertThrows(CycleLakeException.class, () -> XlsxLines.open(w, "Channel"));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
  }

  private static void put(ZipOutputStream z, String name, String text) throws IOException {
    z.putNextEntry(new ZipEntry(name));
    z.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    z.closeEntry();
  }
}
