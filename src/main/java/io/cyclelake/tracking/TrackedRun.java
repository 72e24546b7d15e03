package io.cyclelake.tracking;

import java.util.List;
import java.util.Map;

/**
 * One CycleLake run (one {@code run_id}) as it is logged to MLflow: one MLflow run with these params, metrics and
 * tags, status FINISHED (CycleLake status {@code ok}) or FAILED, and these artifacts.
 *
 * @param startMillis the run's {@code created_at}
 */
public record TrackedRun(String runId, long startMillis, boolean ok, Map<String, String> params,
    Map<String, Double> metrics, Map<String, String> tags, List<Artifact> artifacts) {

  /** A file logged with the run: {@code name} under the run's artifact root, and its bytes. */
  public record Artifact(String name, byte[] bytes) {}
}
