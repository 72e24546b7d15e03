package io.cyclelake.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake MLflow tracking server (JDK HttpServer) answering the REST calls the MLflow Java client 2.17.2 makes
 * ({@code api/2.0/mlflow/experiments/get-by-name}, {@code experiments/create}, {@code runs/create},
 * {@code runs/log-batch}, {@code runs/update}) and the artifact proxy's {@code PUT
 * /api/2.0/mlflow-artifacts/artifacts/...}; it keeps what it was sent. Any other request is answered 404 and listed in
 * {@link #unexpected}.
 */
final class FakeMlflowServer implements AutoCloseable {
  static final String API = "/api/2.0/mlflow/";
  static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts/";

  /** One MLflow run as the server saw it. */
  static final class Run {
    String id;
    String experimentId;
    String name;
    long startTime;
    final Map<String, String> tags = new LinkedHashMap<>();
    final Map<String, String> params = new LinkedHashMap<>();
    /** Metrics logged at step 0 (a run's values). */
    final Map<String, Double> metrics = new LinkedHashMap<>();
    /** Metrics logged at steps >= 1 (histories such as the loss per epoch): key -> step -> value. */
    final Map<String, Map<Integer, Double>> history = new LinkedHashMap<>();
    final Map<String, byte[]> artifacts = new LinkedHashMap<>();
    String status = "RUNNING";
    int batches;
  }

  final ObjectMapper json = new ObjectMapper();
  final HttpServer server;
  final Map<String, String> experiments = new LinkedHashMap<>(); // name -> id
  final Map<String, Run> runs = Collections.synchronizedMap(new LinkedHashMap<>());
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());

  FakeMlflowServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  Run byName(String name) {
    synchronized (runs) {
      return runs.values().stream().filter(r -> name.equals(r.name)).findFirst().orElse(null);
    }
  }

  private synchronized void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    byte[] body = ex.getRequestBody().readAllBytes();
    calls.add(method + " " + path);
    try {
      if (path.startsWith(ARTIFACTS) && method.equals("PUT")) {
        // <experiment>/<run>/artifacts/<name>
        String[] p = path.substring(ARTIFACTS.length()).split("/");
        Run r = runs.get(p[1]);
        if (r == null || p.length != 4 || !p[2].equals("artifacts")) {
          notFound(ex, method, path);
          return;
        }
        r.artifacts.put(URLDecoder.decode(p[3], StandardCharsets.UTF_8), body);
        reply(ex, 200, "{}");
        return;
      }
      if (!path.startsWith(API)) {
        notFound(ex, method, path);
        return;
      }
      String call = path.substring(API.length());
      JsonNode in = body.length == 0 ? json.createObjectNode() : json.readTree(body);
      switch (method + " " + call) {
        case "GET experiments/get-by-name" -> {
          String name = query(ex, "experiment_name");
          String id = experiments.get(name);
          if (id == null) {
            reply(ex, 404, "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"Could not find experiment "
                + "with name '" + name + "'\"}");
          } else {
            reply(ex, 200, "{\"experiment\":{\"experiment_id\":\"" + id + "\",\"name\":\"" + name
                + "\",\"lifecycle_stage\":\"active\"}}");
          }
        }
        case "POST experiments/create" -> {
          String id = Integer.toString(experiments.size() + 1);
          experiments.put(in.get("name").asText(), id);
          reply(ex, 200, "{\"experiment_id\":\"" + id + "\"}");
        }
        case "POST runs/create" -> {
          Run r = new Run();
          r.id = String.format("%032x", runs.size() + 1);
          r.experimentId = in.path("experiment_id").asText();
          r.name = in.path("run_name").asText(null);
          r.startTime = in.path("start_time").asLong();
          for (JsonNode t : in.path("tags")) r.tags.put(t.get("key").asText(), t.get("value").asText());
          runs.put(r.id, r);
          ObjectNode info = json.createObjectNode();
          info.put("run_id", r.id).put("run_uuid", r.id).put("experiment_id", r.experimentId)
              .put("run_name", r.name).put("status", "RUNNING").put("start_time", r.startTime)
              .put("artifact_uri", "mlflow-artifacts:/" + r.experimentId + "/" + r.id + "/artifacts")
              .put("lifecycle_stage", "active");
          ObjectNode out = json.createObjectNode();
          out.putObject("run").set("info", info);
          reply(ex, 200, json.writeValueAsString(out));
        }
        case "POST runs/log-batch" -> {
          Run r = runs.get(in.path("run_id").asText());
          if (r == null) {
            reply(ex, 404, "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"no run\"}");
            return;
          }
          r.batches++;
          for (JsonNode p : in.path("params")) {
            if (r.params.containsKey(p.get("key").asText())) throw new IllegalStateException("param logged twice");
            r.params.put(p.get("key").asText(), p.get("value").asText());
          }
          for (JsonNode m : in.path("metrics")) {
            int step = m.path("step").asInt(0);
            if (step == 0) {
              r.metrics.put(m.get("key").asText(), m.get("value").asDouble());
            } else {
              r.history.computeIfAbsent(m.get("key").asText(), k -> new java.util.TreeMap<>()).put(step,
                  m.get("value").asDouble());
            }
          }
          for (JsonNode t : in.path("tags")) r.tags.put(t.get("key").asText(), t.get("value").asText());
          reply(ex, 200, "{}");
        }
        case "POST runs/update" -> {
          Run r = runs.get(in.path("run_id").asText(in.path("run_uuid").asText()));
          if (r == null) {
            reply(ex, 404, "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"no run\"}");
            return;
          }
          r.status = in.path("status").asText();
          reply(ex, 200, "{\"run_info\":{\"run_id\":\"" + r.id + "\",\"status\":\"" + r.status + "\"}}");
        }
        default -> notFound(ex, method, path);
      }
    } catch (RuntimeException e) {
      unexpected.add(method + " " + path + ": " + e);
      reply(ex, 500, "{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"" + e + "\"}");
    }
  }

  private void notFound(HttpExchange ex, String method, String path) throws IOException {
    unexpected.add(method + " " + path);
    reply(ex, 404, "{\"error_code\":\"ENDPOINT_NOT_FOUND\",\"message\":\"no such endpoint\"}");
  }

  private static String query(HttpExchange ex, String key) {
    String q = ex.getRequestURI().getRawQuery();
    if (q == null) return null;
    for (String kv : q.split("&")) {
      int i = kv.indexOf('=');
      if (i > 0 && kv.substring(0, i).equals(key)) {
        return URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
