package io.cyclelake.lineage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * What the build recorded about the code in {@value #RESOURCE}: the git commit of the checkout Maven built
 * ({@code maven-antrun-plugin}, phase generate-resources, in pom.xml), whether tracked or untracked files differed from
 * it, and why the commit is {@code unknown} when it is (no git, not a checkout, classes not built by Maven). The
 * resource sits in target/classes and in the shaded jar, so a job run by {@code spark-submit} reports the commit its
 * jar was built from.
 *
 * @param commit 40 hex digits, or {@code unknown}
 * @param dirty the working tree had changes against {@code commit} when the classes were built
 * @param reason why {@code commit} is unknown; empty otherwise
 */
public record BuildInfo(String commit, boolean dirty, String reason, String version) {
  /** Classpath resource written by the build. */
  public static final String RESOURCE = "io/cyclelake/build-info.properties";
  public static final String UNKNOWN = "unknown";

  private static volatile BuildInfo current;

  /** The build info of the classes that are running (read once). */
  public static BuildInfo current() {
    BuildInfo b = current;
    if (b == null) {
      b = load(BuildInfo.class.getClassLoader().getResourceAsStream(RESOURCE));
      current = b;
    }
    return b;
  }

  /** Parses the resource; {@code null} (no resource) gives {@code unknown} with the reason. */
  static BuildInfo load(InputStream in) {
    if (in == null) {
      return new BuildInfo(UNKNOWN, false, "no " + RESOURCE + " on the classpath: the classes were not built by "
          + "Maven (its generate-resources phase writes it)", "");
    }
    Properties p = new Properties();
    try (InputStreamReader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      return new BuildInfo(UNKNOWN, false, "cannot read " + RESOURCE + ": " + e.getMessage(), "");
    }
    String commit = p.getProperty("git.commit", "").trim();
    if (!commit.matches("[0-9a-f]{40}")) {
      String reason = p.getProperty("git.reason", "").trim();
      return new BuildInfo(UNKNOWN, false, reason.isEmpty() ? RESOURCE + " holds no commit ('" + commit + "')"
          : reason, p.getProperty("version", ""));
    }
    return new BuildInfo(commit, Boolean.parseBoolean(p.getProperty("git.dirty", "false").trim()), "",
        p.getProperty("version", ""));
  }

  /**
   * The value stored in {@code runs.git_commit}: the commit, with {@code -dirty} appended when the build's working
   * tree had changes (as {@code git describe --dirty} does), or {@code unknown}.
   */
  public String label() {
    return commit.equals(UNKNOWN) ? UNKNOWN : dirty ? commit + "-dirty" : commit;
  }
}
