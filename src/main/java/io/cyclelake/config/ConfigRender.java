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
  /**
   * Keys whose values are secrets: passwords, secrets, tokens, credentials, access/API/account/private keys (S3A's
   * {@code fs.s3a.secret.key}, Azure's {@code fs.azure.account.key.<account>...}, GCS's {@code private.key}), SAS
   * tokens ({@code fs.azure.sas...}).
   */
  private static final Pattern SECRET = Pattern.compile("(?i).*(passw|secret|token|credential|access[-_.]?key|"
      + "api[-_.]?key|account[-_.]?key|private[-_.]?key|(^|[._-])sas([._-]|$)).*");

  /** The user-info part of a URI ({@code s3a://KEY:SECRET@bucket}, {@code https://user:pass@mlflow}). */
  private static final Pattern URI_USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

  private ConfigRender() {}

  /**
   * The {@code cyclelake} tree with the value of every secret key replaced by {@code ***}, and credentials written
   * into a URI in any value ({@code s3a://KEY:SECRET@bucket/lake}) replaced by {@code ***@}.
   */
  public static Config masked(Config config) {
    Config c = config.getConfig("cyclelake");
    for (var e : c.entrySet()) {
      if (SECRET.matcher(e.getKey()).matches()) {
        c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef("***"));
      } else if (e.getValue().unwrapped() instanceof String v && !maskValue(v).equals(v)) {
        c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(maskValue(v)));
      }
    }
    return c;
  }

  /** {@code value} with URI credentials replaced by {@code ***@}. */
  public static String maskValue(String value) {
    return URI_USER_INFO.matcher(value).replaceAll("***@");
  }

  /**
   * A command line for printing: a {@code key=value} argument whose key is a secret's has its value replaced by
   * {@code ***}, and URI credentials in any argument are masked.
   */
  public static java.util.List<String> maskArgs(java.util.List<String> args) {
    java.util.List<String> out = new java.util.ArrayList<>(args.size());
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq > 0 && SECRET.matcher(a.substring(0, eq)).matches()) {
        out.add(a.substring(0, eq + 1) + "***");
      } else {
        out.add(maskValue(a));
      }
    }
    return out;
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
