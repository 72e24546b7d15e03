package io.cyclelake.tracking;

import io.cyclelake.jobs.Progress;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs {@link TrackedRun}s to an MLflow tracking server through the MLflow Java client, on the driver, after the job
 * has written its Delta tables and files: the experiment {@code experiment} (created when missing), one MLflow run per
 * CycleLake run ({@code runs/create} with the CycleLake run id as run name and the tags, {@code runs/log-batch} for
 * params and metrics in chunks of at most 100 params and 1000 values, {@code runs/update} to FINISHED or FAILED).
 *
 * <p><b>Artifacts.</b> The Java client 2.17.2 uploads artifacts only by running the Python {@code mlflow} command
 * ({@code CliBasedArtifactRepository}), and refuses {@code file:} tracking URIs. So, by the scheme of the artifact
 * URI the server gives each run ({@code artifacts = auto}): {@code mlflow-artifacts:} (a server with the artifact
 * proxy, the default of {@code mlflow server} 2.x) — an HTTP {@code PUT} of each file to
 * {@code <uri>/api/2.0/mlflow-artifacts/artifacts/<path>/<name>}; {@code file:} or a plain path (a server started
 * with {@code --no-serve-artifacts} and a local or shared {@code --default-artifact-root}) — the file is written
 * into that folder, which must be reachable from the driver; any other store (s3, gs, dbfs, ...) — the Java client's
 * {@code logArtifact}, which needs {@code mlflow} on the PATH. A failed upload is a warning; the run stays logged.
 *
 * <p><b>Failures.</b> Tracking never fails a job: the tables and files in the lake are already complete when it
 * starts. Any error reaching MLflow (refused connection, HTTP error, more than {@code timeout-s} in all) ends the
 * logging with one warning that names the URI, the error and how many runs were logged; the job then finishes
 * normally.
 */
public final class MlflowTracker {
  private static final Logger LOG = LoggerFactory.getLogger(MlflowTracker.class);

  /** Start of every warning line. */
  public static final String WARNING = "WARNING: MLflow tracking";

  /** What tracking did: runs logged out of those given, and the warnings printed. */
  public record Outcome(int logged, int total, List<String> warnings) {}

  private MlflowTracker() {}

  /** Logs the runs when {@code s} is enabled; never throws. Warnings go to {@code progress} and the log. */
  public static Outcome log(MlflowSettings s, List<TrackedRun> runs, Progress progress) {
    if (!s.enabled() || runs.isEmpty()) return new Outcome(0, runs.size(), List.of());
    progress.step("logging " + runs.size() + " runs to MLflow at " + s.uri() + " (experiment '" + s.experiment()
        + "')");
    List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger logged = new AtomicInteger();
    ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "cyclelake-mlflow");
      t.setDaemon(true);
      return t;
    });
    Future<?> f = ex.submit(() -> {
      send(s, runs, logged, warnings, progress);
      return null;
    });
    String failure = null;
    try {
      f.get((long) (s.timeoutSeconds() * 1000), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      failure = "no answer within tracking.mlflow.timeout-s = " + s.timeoutSeconds() + " s";
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      String msg = firstLine(c.getMessage());
      Throwable root = c.getCause();
      String rootMsg = root == null ? null : firstLine(root.getMessage());
      failure = c.getClass().getSimpleName() + ": " + msg + (root != null && !msg.contains(rootMsg)
          ? " (" + root.getClass().getSimpleName() + ": " + rootMsg + ")" : "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted";
    } finally {
      ex.shutdownNow();
    }
    if (failure != null) {
      warn(progress, warnings, WARNING + " at " + s.uri() + " failed: " + failure + "; " + logged.get() + " of "
          + runs.size() + " runs logged. The runs are complete in the lake's Delta tables (runs, fold_metrics, "
          + "predictions) and run files; only the MLflow copy is missing.");
    } else {
      progress.done(logged.get() + " runs logged to MLflow" + (warnings.isEmpty() ? ""
          : " (" + warnings.size() + " warnings)"));
    }
    return new Outcome(logged.get(), runs.size(), List.copyOf(warnings));
  }

  private static void warn(Progress progress, List<String> warnings, String w) {
    warnings.add(w);
    progress.say(w);
    LOG.warn(w);
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static void send(MlflowSettings s, List<TrackedRun> runs, AtomicInteger logged, List<String> warnings,
      Progress progress) {
    try (MlflowClient client = new MlflowClient(s.uri())) {
      String experimentId = client.getExperimentByName(s.experiment())
          .map(Service.Experiment::getExperimentId)
          .orElseGet(() -> client.createExperiment(s.experiment()));
      for (TrackedRun r : runs) {
        if (Thread.currentThread().isInterrupted()) return;
        Service.CreateRun.Builder create = Service.CreateRun.newBuilder().setExperimentId(experimentId)
            .setRunName(r.runId()).setStartTime(r.startMillis());
        r.tags().forEach((k, v) -> create.addTags(Service.RunTag.newBuilder().setKey(k).setValue(v)));
        Service.RunInfo info = client.createRun(create.build());
        String id = info.getRunId();
        logBatches(client, id, r, System.currentTimeMillis());
        if (s.artifacts().equals("auto")) {
          for (TrackedRun.Artifact a : r.artifacts()) {
            try {
              upload(s, client, info, a);
            } catch (Exception e) {
              warn(progress, warnings, WARNING + ": artifact " + a.name() + " of run " + r.runId() + " not logged ("
                  + "artifact URI " + info.getArtifactUri() + "): " + e.getClass().getSimpleName() + ": "
                  + firstLine(e.getMessage()));
            }
          }
        }
        client.setTerminated(id, r.ok() ? Service.RunStatus.FINISHED : Service.RunStatus.FAILED,
            System.currentTimeMillis());
        logged.incrementAndGet();
      }
    }
  }

  /** MLflow's limits per {@code runs/log-batch}: 100 params, 1000 metrics, 1000 entries in all. */
  static final int BATCH_PARAMS = 100;
  static final int BATCH_ENTRIES = 1000;

  static void logBatches(MlflowClient client, String id, TrackedRun r, long timestamp) {
    List<Service.Param> params = new ArrayList<>();
    r.params().forEach((k, v) -> params.add(Service.Param.newBuilder().setKey(k).setValue(v).build()));
    List<Service.Metric> metrics = new ArrayList<>();
    for (Map.Entry<String, Double> m : r.metrics().entrySet()) {
      metrics.add(Service.Metric.newBuilder().setKey(m.getKey()).setValue(m.getValue()).setTimestamp(timestamp)
          .setStep(0).build());
    }
    for (TrackedRun.Step s : r.steps()) {
      metrics.add(Service.Metric.newBuilder().setKey(s.key()).setValue(s.value()).setTimestamp(timestamp)
          .setStep(s.step()).build());
    }
    int p = 0;
    int m = 0;
    while (p < params.size() || m < metrics.size()) {
      int np = Math.min(BATCH_PARAMS, params.size() - p);
      int nm = Math.min(BATCH_ENTRIES - np, metrics.size() - m);
      client.logBatch(id, metrics.subList(m, m + nm), params.subList(p, p + np), List.of());
      p += np;
      m += nm;
    }
  }

  static void upload(MlflowSettings s, MlflowClient client, Service.RunInfo info, TrackedRun.Artifact a)
      throws IOException, InterruptedException {
    String root = info.getArtifactUri();
    if (root.startsWith("mlflow-artifacts:")) {
      URI url = proxyUrl(s.uri(), root, a.name());
      HttpResponse<String> resp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
          .send(HttpRequest.newBuilder(url).timeout(Duration.ofMillis((long) (s.timeoutSeconds() * 1000)))
              .header("Content-Type", "application/octet-stream")
              .PUT(HttpRequest.BodyPublishers.ofByteArray(a.bytes())).build(), HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() / 100 != 2) {
        throw new IOException("PUT " + url + " answered " + resp.statusCode() + ": " + firstLine(resp.body()));
      }
    } else if (root.startsWith("file:") || root.startsWith("/")) {
      Path dir = root.startsWith("file:") ? Path.of(URI.create(root)) : Path.of(root);
      Files.createDirectories(dir);
      Files.write(dir.resolve(a.name()), a.bytes());
    } else {
      Path tmp = Files.createTempDirectory("cyclelake-mlflow");
      Path file = tmp.resolve(a.name());
      try {
        Files.write(file, a.bytes());
        client.logArtifact(info.getRunId(), file.toFile());
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * The artifact proxy's address of {@code name} under a run's {@code mlflow-artifacts:} root, as the Python client
   * resolves it: {@code mlflow-artifacts:/1/abc/artifacts} with tracking URI {@code http://h:5000} gives
   * {@code http://h:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/<name>}; a root with its own host
   * ({@code mlflow-artifacts://other:5001/...}) is sent there with the tracking URI's scheme.
   */
  static URI proxyUrl(String trackingUri, String artifactRoot, String name) {
    URI t = URI.create(trackingUri.replaceAll("/+$", ""));
    URI a = URI.create(artifactRoot);
    String path = a.getRawPath() == null ? "" : a.getRawPath().replaceAll("^/+", "").replaceAll("/+$", "");
    String base = a.getHost() != null
        ? t.getScheme() + "://" + a.getHost() + (a.getPort() > 0 ? ":" + a.getPort() : "")
        : t.getScheme() + "://" + t.getRawAuthority() + (t.getRawPath() == null ? "" : t.getRawPath());
    return URI.create(base + "/api/2.0/mlflow-artifacts/artifacts/" + (path.isEmpty() ? "" : path + "/")
        + name.replace(" ", "%20"));
  }
}
