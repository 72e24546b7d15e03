package io.cyclelake.ingest.mapped;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.mapped.CsvMapping.Column;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mapping files: the example loads; each mistake is an error naming the file and line. */
class MappingFileTest {
  @TempDir Path dir;

  static final String BASE = "columns {\n  time { header = t, unit = s }\n  voltage { header = v, unit = V }\n"
      + "  current { header = i, unit = A }\n";

  @Test
  void theExampleLoads() {
    CsvMapping m = MappingFile.load(MappedReaderTest.EXAMPLE);
    assertEquals(';', m.delimiter());
    assertEquals(',', m.decimal());
    assertEquals(3, m.headerLine());
    assertEquals(false, m.chargePositive());
    assertEquals(3600.0, m.columns().get(Column.TIME).unit().toCanonical(1), 0);
    assertEquals(0.0, m.columns().get(Column.TEMPERATURE).unit().toCanonical(273.15), 1e-12);
  }

  @Test
  void aMappingByNameIsTheFileInConfSources() {
    assertEquals(Path.of(".", "conf", "sources", "example-mapped.conf"), MappedReader.resolve("example-mapped"));
    assertEquals(Path.of("my/own.conf"), MappedReader.resolve("my/own.conf"));
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> new MappedReader()
        .configured(com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of("mapping", "no-such-mapping"))));
    assertEquals(ErrorCode.CONFIG_FILE_MISSING, e.code());
    assertTrue(e.getMessage().contains("no-such-mapping.conf"), e.getMessage());
  }

  void fails(String text, int line, String words) throws IOException {
    Path f = dir.resolve("m.conf");
    Files.writeString(f, text);
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> MappingFile.load(f));
    assertEquals(ErrorCode.CONFIG_INVALID, e.code());
    assertEquals(f.toString(), e.where().orElseThrow().file());
    assertEquals(line, e.where().orElseThrow().line(), e.getMessage());
    assertTrue(e.getMessage().contains(words), e.getMessage());
  }

  @Test
  void mistakesNameTheLine() throws IOException {
    fails(BASE + "}\ndelimeter = \";\"\n", 6, "unknown key 'delimeter'");
    fails(BASE + "  voltag { header = x, unit = V }\n}\n", 5, "unknown canonical column 'voltag'");
    fails(BASE + "  temperature { header = T, unit = Kelvins }\n}\n", 5, "is unknown");
    fails(BASE + "  charge-capacity { header = q, unit = mV }\n}\n", 5, "measures voltage");
    fails("columns {\n  time { header = t, unit = s }\n  current { header = i, unit = A }\n}\n", 1, "'voltage'");
    fails(BASE + "}\ndecimal = \",\"\ndelimiter = \",\"\n", 6, "both ','");
    fails(BASE + "}\ncell { file-name-pattern = \"^[A-Z]+_\" }\n", 6, "group");
    fails(BASE + "}\ncurrent-sign = positive\n", 6, "charge-positive or charge-negative");
    fails(BASE + "  voltage { header = v2, unit = V }\n  time { header = t, unit = s }\n}\nheader-line = 0\n", 8,
        "1-based");
  }

  @Test
  void unitsConvertToCanonical() {
    assertEquals(0.25, Units.find("mV").toCanonical(250), 1e-15);
    assertEquals(-1.5, Units.find("mA").toCanonical(-1500), 1e-15);
    assertEquals(2.0, Units.find("mAh").toCanonical(2000), 1e-15);
    assertEquals(25.0, Units.find("K").toCanonical(298.15), 1e-12);
    assertEquals(100.0, Units.find("degF").toCanonical(212), 1e-12);
    assertEquals(5400.0, Units.find("h").toCanonical(1.5), 0);
    assertEquals(90.0, Units.find("min").toCanonical(1.5), 0);
    assertEquals(0.5, Units.find("ms").toCanonical(500), 1e-15);
    assertEquals(3.0, Units.find("mWh").toCanonical(3000), 1e-15);
    assertEquals(Units.find("mV"), Units.find("mv"));
    assertEquals(null, Units.find("MWh"), "never read as mWh");
    assertEquals(null, Units.find("furlong"));
  }
}
