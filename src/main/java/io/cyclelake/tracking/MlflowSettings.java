package io.cyclelake.tracking;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.net.URI;
import java.util.List;

/**
 * {@code cyclelake.tracking.mlflow}: where runs are also logged. An empty {@code uri} turns MLflow tracking off.
 *
 * @param uri the tracking server ({@code http://host:5000}, {@code https://...}, or {@code databricks} /
 *     {@code databricks://profile}); the MLflow Java client refuses {@code file:} stores
 * @param artifacts {@code auto} (upload run.json and saved models where the MLflow run's artifact URI allows it, see
 *     {@link MlflowTracker}) or {@code none}
 * @param timeoutSeconds the most time all MLflow calls of one job may take before the job goes on without them
 */
public record MlflowSettings(String uri, String experiment, String artifacts, double timeoutSeconds) {
  static final List<String> ARTIFACT_MODES = List.of("auto", "none");

  public static MlflowSettings of(Config config) {
    Config c = config.getConfig("cyclelake.tracking.mlflow");
    MlflowSettings s = new MlflowSettings(c.getString("uri").trim(), c.getString("experiment"),
        c.getString("artifacts"), c.getDouble("timeout-s"));
    s.check();
    return s;
  }

  public boolean enabled() {
    return !uri.isEmpty();
  }

  /** Configuration errors, raised before a job starts its work (not warnings after it). */
  void check() {
    if (!enabled()) return;
    String scheme;
    try {
      scheme = URI.create(uri).getScheme();
    } catch (IllegalArgumentException e) {
      throw invalid("tracking.mlflow.uri '" + uri + "' is not a URI: " + e.getMessage());
    }
    if (scheme == null && !uri.equals("databricks")) {
      throw invalid("tracking.mlflow.uri '" + uri + "' has no scheme; use http://host:port or https://...");
    }
    if (scheme != null && (scheme.equals("file") || uri.startsWith("/"))) {
      throw invalid("tracking.mlflow.uri '" + uri + "': the MLflow Java client does not support local (file:) "
          + "tracking stores; start a tracking server (mlflow server --backend-store-uri <that folder>) and use "
          + "its http:// address");
    }
    if (scheme != null && !List.of("http", "https", "databricks").contains(scheme)) {
      throw invalid("tracking.mlflow.uri '" + uri + "': scheme '" + scheme + "' is not supported; use http, https "
          + "or databricks");
    }
    if (experiment.isBlank()) throw invalid("tracking.mlflow.experiment must not be empty");
    if (!ARTIFACT_MODES.contains(artifacts)) {
      throw invalid("tracking.mlflow.artifacts must be one of " + ARTIFACT_MODES + ", got '" + artifacts + "'");
    }
    if (!(timeoutSeconds > 0)) throw invalid("tracking.mlflow.timeout-s must be > 0, got " + timeoutSeconds);
  }

  private static CycleLakeException invalid(String message) {
    return new CycleLakeException(ErrorCode.CONFIG_INVALID, message);
  }
}
