package io.cyclelake.report.html;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The charting library the pages inline: the minified ECharts build of the {@code org.webjars.npm:echarts} WebJar,
 * read from the classpath (the application jar carries it), so a report needs no network to be viewed.
 */
public final class ChartLibrary {
  static final String POM_PROPERTIES = "META-INF/maven/org.webjars.npm/echarts/pom.properties";
  private static volatile ChartLibrary instance;

  private final String version;
  private final String script;
  private final String license;

  private ChartLibrary(String version, String script, String license) {
    this.version = version;
    this.script = script;
    this.license = license;
  }

  public static ChartLibrary echarts() {
    if (instance == null) {
      synchronized (ChartLibrary.class) {
        if (instance == null) instance = load();
      }
    }
    return instance;
  }

  public String name() {
    return "Apache ECharts";
  }

  public String version() {
    return version;
  }

  /** The library's JavaScript, safe to place inside a {@code <script>} element. */
  public String script() {
    return script;
  }

  /** The library's licence text (Apache-2.0), for the page's notice. */
  public String license() {
    return license;
  }

  private static ChartLibrary load() {
    Properties p = new Properties();
    try (InputStream in = resource(POM_PROPERTIES)) {
      p.load(in);
    } catch (IOException e) {
      throw missing(POM_PROPERTIES, e);
    }
    String version = p.getProperty("version");
    String base = "META-INF/resources/webjars/echarts/" + version + "/";
    String js = read(base + "dist/echarts.min.js");
    if (js.contains("</script")) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, base + "dist/echarts.min.js contains '</script' and cannot"
          + " be inlined as is");
    }
    return new ChartLibrary(version, js, read(base + "LICENSE"));
  }

  private static String read(String path) {
    try (InputStream in = resource(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw missing(path, e);
    }
  }

  private static InputStream resource(String path) throws IOException {
    InputStream in = ChartLibrary.class.getClassLoader().getResourceAsStream(path);
    if (in == null) throw new IOException("not on the classpath");
    return in;
  }

  private static CycleLakeException missing(String path, Exception e) {
    return new CycleLakeException(ErrorCode.JOB_FAILED, "cannot read the charting library's " + path + " from the"
        + " classpath (" + e.getMessage() + "); the org.webjars.npm:echarts WebJar must be on it: rebuild with `mvn"
        + " -DskipTests package`", null, e);
  }
}
