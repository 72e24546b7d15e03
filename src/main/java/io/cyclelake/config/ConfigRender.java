package io.cyclelake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Renders the effective {@code cyclelake} configuration for printing and storing, with secrets masked. */
public final class ConfigRender {
  private static final Pattern SECRET =
      Pattern.compile("(?i).*(password|secret|token|credential|access[-_.]?key|api[-_.]?key).*");

  private ConfigRender() {}

  public static Config masked(Config config) {
    Config c = config.getConfig("cyclelake");
    for (var e : c.entrySet()) {
      if (SECRET.matcher(e.getKey()).matches()) {
        c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef("***"));
      }
    }
    return c;
  }

  /** HOCON text of the masked {@code cyclelake} tree, keys sorted, no comments. */
  public static String hocon(Config config) {
    return masked(config).root().render(ConfigRenderOptions.concise().setJson(false).setFormatted(true));
  }

  /** JSON text of the masked {@code cyclelake} tree. */
  public static String json(Config config) {
    return masked(config).root().render(ConfigRenderOptions.concise());
  }

  /** SHA-256 (hex, first 12 chars) of the JSON of a sub-tree: identifies settings in lineage. */
  public static String hash(Config config, String path) {
    String json = config.getValue(path).render(ConfigRenderOptions.concise());
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
