package io.cyclelake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the effective configuration from its layers, lowest precedence first: {@code reference.conf} in the jar,
 * {@code conf/cyclelake.conf} of the CycleLake home (if present), each {@code --conf FILE}, each {@code --set key=value}.
 */
public final class ConfigLoader {
  /** Sub-trees whose keys are free-form (Spark settings), not checked against reference.conf. */
  private static final Set<String> FREE_FORM = Set.of("cyclelake.spark.conf", "cyclelake.submit.conf");

  private ConfigLoader() {}

  public static Config load(Path home, List<Path> confFiles, List<String> sets) {
    Config reference = ConfigFactory.defaultReference();
    Config user = ConfigFactory.empty();
    Path homeConf = home.resolve("conf").resolve("cyclelake.conf");
    if (Files.isRegularFile(homeConf)) {
      user = parseFile(homeConf).withFallback(user);
    }
    for (Path f : confFiles) {
      if (!Files.isRegularFile(f)) {
        throw new CycleLakeException(ErrorCode.CONFIG_FILE_MISSING,
            "config file " + f.toAbsolutePath() + " does not exist; check the path given to --conf");
      }
      user = parseFile(f).withFallback(user);
    }
    for (String set : sets) {
      user = parseSet(set).withFallback(user);
    }
    checkKnownKeys(user, reference);
    Config effective;
    try {
      effective = user.withFallback(reference).resolve();
      effective.checkValid(reference, "cyclelake");
      checkScalarTypes(user, reference, effective);
    } catch (ConfigException e) {
      throw invalid(e);
    }
    return effective;
  }

  private static Config parseFile(Path f) {
    try {
      return ConfigFactory.parseFile(f.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw invalid(e);
    }
  }

  /** {@code key=value}; the {@code cyclelake.} prefix may be left out. Values are HOCON, else taken as a string. */
  static Config parseSet(String set) {
    int eq = set.indexOf('=');
    if (eq <= 0) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID,
          "--set expects key=value, got '" + set + "'; for example --set lake.path=/data/lake");
    }
    String key = set.substring(0, eq).trim();
    String value = set.substring(eq + 1).trim();
    if (!key.startsWith("cyclelake.")) key = "cyclelake." + key;
    try {
      ConfigUtil.splitPath(key);
    } catch (ConfigException e) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--set has an invalid key '" + key + "': " + e.getMessage());
    }
    try {
      return ConfigFactory.parseString(key + " = " + value, ConfigParseOptions.defaults().setOriginDescription("--set " + set));
    } catch (ConfigException e) {
      return ConfigFactory.parseMap(Map.of(key, value), "--set " + set);
    }
  }

  private static void checkKnownKeys(Config user, Config reference) {
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String path = e.getKey();
      if (!path.startsWith("cyclelake.")) continue;
      if (FREE_FORM.stream().anyMatch(p -> path.startsWith(p + "."))) continue;
      if (!reference.hasPathOrNull(path)) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID,
            "unknown setting '" + path + "'; every setting is listed with its default in reference.conf",
            location(e.getValue().origin()), null);
      }
    }
  }

  /** checkValid accepts a string where the default is a number or boolean; reject it unless it converts. */
  private static void checkScalarTypes(Config user, Config reference, Config effective) {
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String path = e.getKey();
      if (!reference.hasPath(path)) continue;
      switch (reference.getValue(path).valueType()) {
        case NUMBER -> effective.getNumber(path);
        case BOOLEAN -> effective.getBoolean(path);
        default -> { }
      }
    }
  }

  private static CycleLakeException invalid(ConfigException e) {
    return new CycleLakeException(ErrorCode.CONFIG_INVALID, e.getMessage(), location(e.origin()), e);
  }

  private static SourceLocation location(ConfigOrigin origin) {
    if (origin == null) return null;
    String file = origin.filename() != null ? origin.filename() : origin.description();
    return new SourceLocation(file, Math.max(origin.lineNumber(), 0), 0, null);
  }
}
