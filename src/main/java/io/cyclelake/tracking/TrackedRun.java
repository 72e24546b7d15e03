package io.cyclelake.tracking;

import java.util.List;
import java.util.Map;

/**
 * One CycleLake run (one {@code run_id}) as it is logged to MLflow: one MLflow run with these params, metrics and
 * tags, status FINISHED (CycleLake status {@code ok}) or FAILED, and these artifacts.
 *
 * @param startMillis the run's {@code created_at}
 * @param steps metrics with a history, e.g. the loss per epoch (MLflow's {@code step} = the epoch)
 */
public record TrackedRun(String runId, long startMillis, boolean ok, Map<String, String> params,
    Map<String, Double> metrics, Map<String, String> tags, List<Artifact> artifacts, List<Step> steps) {

  /** A run without per-step metrics. */
  public TrackedRun(String runId, long startMillis, boolean ok, Map<String, String> params,
      Map<String, Double> metrics, Map<String, String> tags, List<Artifact> artifacts) {
    this(runId, startMillis, ok, params, metrics, tags, artifacts, List.of());
  }

  /** One value of a metric's history: {@code key} at {@code step}. */
  public record Step(String key, int step, double value) {}

  /** A file logged with the run: {@code name} under the run's artifact root, and its bytes. */
  public record Artifact(String name, byte[] bytes) {}
}
