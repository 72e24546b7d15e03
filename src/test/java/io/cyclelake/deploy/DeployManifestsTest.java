package io.cyclelake.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cyclelake.cli.CycleLake;
import io.cyclelake.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The deployment material in {@code deploy/} cannot rot silently: every Kubernetes manifest parses, and its image,
 * jar, main class, subcommand, options, {@code --conf} files and {@code --set} keys are checked against the code, the
 * Dockerfiles and the pom; the HOCON files in {@code deploy/conf} load against reference.conf.
 */
class DeployManifestsTest {
  static final Path ROOT = Path.of(System.getProperty("cyclelake.project.dir", ".")).toAbsolutePath().normalize();
  static final Path DEPLOY = ROOT.resolve("deploy");
  static final String IMAGE_REPO = "registry.example.com/cyclelake";

  /** The application's version, as the CLI reports it ("cyclelake 0.1.0" → "0.1.0"). */
  static String version() {
    String v = new CommandLine(new CycleLake()).getCommandSpec().version()[0];
    return v.substring(v.indexOf(' ') + 1);
  }

  static String pom() throws IOException {
    return Files.readString(ROOT.resolve("pom.xml"));
  }

  static String pomProperty(String name) throws IOException {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom());
    assertTrue(m.find(), name + " not in pom.xml");
    return m.group(1).trim();
  }

  /** One Dockerfile: its COPY destinations mapped to repository paths, and its jar. */
  record Image(String tag, Path dockerfile, Map<String, String> copies, String jar) {
    /** The repository file behind a path in the image, or null when the image does not take it from the repo. */
    Path source(String inImage) {
      String best = null;
      for (String dest : copies.keySet()) {
        boolean hit = inImage.equals(dest) || (dest.endsWith("/") && inImage.startsWith(dest));
        if (hit && (best == null || dest.length() > best.length())) best = dest;
      }
      if (best == null) return null;
      return inImage.equals(best) ? ROOT.resolve(copies.get(best))
          : ROOT.resolve(copies.get(best)).resolve(inImage.substring(best.length()));
    }
  }

  static Map<String, Image> images() throws IOException {
    Map<String, Image> out = new LinkedHashMap<>();
    String v = version();
    out.put(IMAGE_REPO + ":" + v, image(IMAGE_REPO + ":" + v, DEPLOY.resolve("kubernetes/Dockerfile")));
    String cuda = cudaVersion();
    out.put(IMAGE_REPO + ":" + v + "-cuda" + cuda,
        image(IMAGE_REPO + ":" + v + "-cuda" + cuda, DEPLOY.resolve("kubernetes/Dockerfile.cuda")));
    return out;
  }

  static Image image(String tag, Path dockerfile) throws IOException {
    Map<String, String> copies = new LinkedHashMap<>();
    String jar = null;
    Matcher m = Pattern.compile("(?m)^COPY (?!--from)(\\S+) (\\S+)$").matcher(Files.readString(dockerfile));
    while (m.find()) {
      copies.put(m.group(2), m.group(1));
      if (m.group(2).endsWith(".jar") && m.group(2).startsWith("/opt/cyclelake/")) jar = m.group(2);
    }
    assertNotNull(jar, dockerfile + " copies no application jar to /opt/cyclelake/");
    // The jar it copies is the one the build makes: target/<app.jar.name>.jar (cpu) or the cuda profile's.
    String built = copies.get(jar);
    assertTrue(built.equals("target/" + pomProperty("app.jar.name") + ".jar") || built.equals("target/cyclelake-cuda.jar"),
        dockerfile + " copies " + built);
    return new Image(tag, dockerfile, copies, jar);
  }

  /** "11.6" from the cuda profile's nd4j-cuda-11.6 artifact. */
  static String cudaVersion() throws IOException {
    Matcher m = Pattern.compile("<artifactId>nd4j-cuda-([0-9.]+)</artifactId>").matcher(pom());
    assertTrue(m.find(), "no nd4j-cuda artifact in the pom's cuda profile");
    return m.group(1);
  }

  static List<Path> yamlFiles() throws IOException {
    try (Stream<Path> s = Files.walk(DEPLOY.resolve("kubernetes"))) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> documents(Path file) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object d : new Yaml().loadAll(Files.readString(file))) {
      if (d != null) out.add((Map<String, Object>) d);
    }
    assertFalse(out.isEmpty(), file + " holds no YAML document");
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String key) {
    Object v = m.get(key);
    assertTrue(v instanceof Map, key + " is not a mapping in " + m.keySet());
    return (Map<String, Object>) v;
  }

  @Test
  void everyManifestParsesAndEveryJobHasOne() throws IOException {
    List<String> jobs = new ArrayList<>();
    for (Path f : yamlFiles()) {
      for (Map<String, Object> d : documents(f)) {
        assertNotNull(d.get("kind"), f + ": no kind");
        if ("SparkApplication".equals(d.get("kind"))) jobs.add(sparkApp(f, map(d, "spec")).get(0));
      }
    }
    for (String job : List.of("ingest", "features", "train", "sweep", "report")) {
      assertTrue(jobs.contains(job), "no SparkApplication runs `" + job + "`: " + jobs);
    }
  }

  @Test
  void scheduledReprocessIsForbiddenToOverlapAndRunsReprocess() throws IOException {
    Map<String, Object> d = documents(DEPLOY.resolve("kubernetes/scheduled-reprocess.yaml")).get(0);
    assertEquals("ScheduledSparkApplication", d.get("kind"));
    Map<String, Object> spec = map(d, "spec");
    assertEquals("Forbid", spec.get("concurrencyPolicy"));
    assertEquals(5, spec.get("schedule").toString().trim().split("\\s+").length, "cron schedule of 5 fields");
    assertEquals("reprocess", sparkApp(DEPLOY.resolve("kubernetes/scheduled-reprocess.yaml"), map(spec, "template"))
        .get(0));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theCronJobSubmitsReprocessWithTheApplicationJar() throws IOException {
    Path f = DEPLOY.resolve("kubernetes/cronjob-reprocess.yaml");
    Map<String, Object> d = documents(f).get(0);
    assertEquals("CronJob", d.get("kind"));
    assertEquals("Forbid", map(d, "spec").get("concurrencyPolicy"));
    Map<String, Object> pod = map(map(map(map(d, "spec"), "jobTemplate"), "spec"), "template");
    Map<String, Object> c = ((List<Map<String, Object>>) map(pod, "spec").get("containers")).get(0);
    Image image = images().get((String) c.get("image"));
    assertNotNull(image, "unknown image " + c.get("image") + "; built ones: " + images().keySet());
    List<String> command = ((List<Object>) c.get("command")).stream().map(String::valueOf).toList();
    assertTrue(command.get(0).endsWith("/bin/spark-submit"), command.get(0));
    assertEquals(CycleLake.class.getName(), command.get(command.indexOf("--class") + 1));
    assertEquals("local://" + image.jar(), command.get(command.size() - 1));
    Map<String, String> conf = new LinkedHashMap<>();
    for (int i = 0; i < command.size() - 1; i++) {
      if (command.get(i).equals("--conf")) {
        String kv = command.get(i + 1);
        conf.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    checkSparkConf(f, image, conf);
    assertEquals(c.get("image"), conf.get("spark.kubernetes.container.image"));
    List<String> args = ((List<Object>) c.get("args")).stream().map(String::valueOf).toList();
    assertEquals("reprocess", checkArguments(f, image, args));
  }

  @Test
  @SuppressWarnings("unchecked")
  void gpuPodTemplateRequestsWhatTheGpuApplicationsAsk() throws IOException {
    Map<String, Object> pod = documents(DEPLOY.resolve("kubernetes/pod-templates/executor-gpu.yaml")).get(0);
    Map<String, Object> c = ((List<Map<String, Object>>) map(pod, "spec").get("containers")).get(0);
    assertEquals("spark-kubernetes-executor", c.get("name"), "Spark merges its executor into this container name");
    Object gpus = map(map(c, "resources"), "limits").get("nvidia.com/gpu");
    assertEquals(1, gpus);
    Map<String, Object> app = map(documents(DEPLOY.resolve("kubernetes/spark-apps/sweep-gpu.yaml")).get(0), "spec");
    Map<String, Object> conf = map(app, "sparkConf");
    assertEquals(String.valueOf(gpus), String.valueOf(conf.get("spark.executor.resource.gpu.amount")));
    assertEquals("/opt/cyclelake/pod-templates/executor-gpu.yaml", conf.get("spark.kubernetes.executor.podTemplateFile"));
  }

  @Test
  void theCudaImageMatchesTheCudaProfile() throws IOException {
    String docker = Files.readString(DEPLOY.resolve("kubernetes/Dockerfile.cuda"));
    Matcher m = Pattern.compile("CUDA_IMAGE=nvidia/cuda:([0-9]+\\.[0-9]+)[0-9.]*-cudnn8-").matcher(docker);
    assertTrue(m.find(), "Dockerfile.cuda: no nvidia/cuda:<version>-cudnn8 base image");
    assertEquals(cudaVersion(), m.group(1), "CUDA of the base image vs nd4j-cuda-<version> in the pom");
    assertTrue(docker.contains("COPY target/gpu-jars/ /opt/spark/jars/"), "the cuda profile's backend jars");
    String cpu = Files.readString(DEPLOY.resolve("kubernetes/Dockerfile"));
    for (String d : List.of(docker, cpu)) {
      Matcher s = Pattern.compile("SPARK_IMAGE=apache/spark:([0-9.]+)-scala([0-9.]+)-java17").matcher(d);
      assertTrue(s.find(), "no apache/spark base image");
      assertEquals(pomProperty("spark.version"), s.group(1));
      assertEquals(pomProperty("scala.binary.version"), s.group(2));
      Matcher delta = Pattern.compile("io\\.delta:delta-storage-s3-dynamodb:([0-9.]+)").matcher(d);
      assertTrue(delta.find());
      assertEquals(pomProperty("delta.version"), delta.group(1), "Delta's S3 DynamoDB LogStore version");
    }
  }

  @Test
  void lakeAndGpuConfigFilesLoadAgainstReferenceConf() throws IOException {
    try (Stream<Path> s = Files.list(DEPLOY.resolve("conf"))) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
      assertTrue(files.size() >= 4, files.toString());
      for (Path f : files) {
        var c = ConfigLoader.load(Path.of("does-not-exist"), List.of(f), List.of());
        assertNotNull(c.getString("cyclelake.lake.path"), f.toString());
      }
    }
    var s3 = ConfigLoader.load(Path.of("does-not-exist"), List.of(DEPLOY.resolve("conf/lake-s3.conf")), List.of());
    assertEquals("io.delta.storage.S3DynamoDBLogStore",
        s3.getConfig("cyclelake.spark.conf").getString("\"spark.delta.logStore.s3a.impl\""));
    assertTrue(s3.getString("cyclelake.lake.path").startsWith("s3a://"));
    // GPU executors: every executor announces its GPU; the training stage alone asks for it (stage-level).
    var gpu = ConfigLoader.load(Path.of("does-not-exist"), List.of(DEPLOY.resolve("conf/gpu-executors.conf")),
        List.of());
    assertTrue(gpu.getBoolean("cyclelake.gpu.enabled"));
    var spark = gpu.getConfig("cyclelake.spark.conf");
    assertFalse(spark.hasPath("\"spark.task.resource.gpu.amount\""), "no application-wide task GPUs");
    assertTrue(spark.getDouble("\"spark.executor.resource.gpu.amount\"") >= gpu.getDouble("cyclelake.gpu.task-amount"));
    assertEquals("/opt/cyclelake/gpu/getGpusResources.sh",
        spark.getString("\"spark.executor.resource.gpu.discoveryScript\""));
    assertTrue(gpu.getInt("cyclelake.gpu.task-cpus") <= spark.getInt("\"spark.executor.cores\""));
    String k8s = Files.readString(DEPLOY.resolve("submit/kubernetes.sh"));
    assertTrue(k8s.contains("--set gpu.enabled=true") && !k8s.contains("--conf spark.task.resource.gpu.amount"), k8s);
  }

  @Test
  void spark_submitExamplesUseTheMainClassAndDelta() throws IOException {
    try (Stream<Path> s = Files.list(DEPLOY.resolve("submit"))) {
      List<Path> scripts = s.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
      assertEquals(3, scripts.size(), scripts.toString());
      for (Path f : scripts) {
        String text = Files.readString(f);
        assertTrue(text.contains("--class " + CycleLake.class.getName()), f.toString());
        assertTrue(text.contains("spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension"), f.toString());
        assertTrue(text.contains("spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog"),
            f.toString());
        assertTrue(text.contains("spark.eventLog.enabled=true"), f.toString());
      }
    }
  }

  @Test
  void airflowDagRunsReprocessThroughSparkSubmit() throws IOException {
    String dag = Files.readString(DEPLOY.resolve("airflow/cyclelake_reprocess.py"));
    assertTrue(dag.contains("java_class=\"" + CycleLake.class.getName() + "\""), "main class");
    assertTrue(dag.contains("\"reprocess\""), "subcommand");
    assertTrue(dag.contains("max_active_runs=1"), "no overlapping runs");
  }

  @Test
  void gpuDiscoveryScriptPrintsSparksResourceJson(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path script = DEPLOY.resolve("gpu/getGpusResources.sh");
    assertTrue(Files.isExecutable(script), script + " must be executable");
    // A stand-in nvidia-smi that lists two GPUs as `nvidia-smi --query-gpu=index --format=csv,noheader` does.
    Path fake = tmp.resolve("bin/nvidia-smi");
    Files.createDirectories(fake.getParent());
    Files.writeString(fake, "#!/bin/sh\nprintf '0\\n1\\n'\n");
    assertTrue(fake.toFile().setExecutable(true));
    assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\",\"1\"]}", runScript(script, tmp.resolve("bin") + ":/usr/bin:/bin"));
    // Without nvidia-smi it fails with a message rather than offering no GPU.
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).redirectErrorStream(true);
    pb.environment().put("PATH", empty.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(1, p.waitFor(), out);
    assertTrue(out.contains("nvidia-smi not found"), out);
  }

  static String runScript(Path script, String path) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).redirectErrorStream(true);
    pb.environment().put("PATH", path);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** Checks one SparkApplication spec; returns its arguments. */
  @SuppressWarnings("unchecked")
  static List<String> sparkApp(Path f, Map<String, Object> spec) throws IOException {
    assertEquals("Java", spec.get("type"), f.toString());
    assertEquals("cluster", spec.get("mode"), f.toString());
    assertEquals(CycleLake.class.getName(), spec.get("mainClass"), f.toString());
    try {
      Class.forName((String) spec.get("mainClass"));
    } catch (ClassNotFoundException e) {
      fail(f + ": main class " + spec.get("mainClass") + " does not exist");
    }
    Image image = images().get((String) spec.get("image"));
    assertNotNull(image, f + ": image " + spec.get("image") + " is not one deploy/kubernetes builds: "
        + images().keySet());
    assertEquals("local://" + image.jar(), spec.get("mainApplicationFile"), f.toString());
    assertEquals(pomProperty("spark.version"), String.valueOf(spec.get("sparkVersion")), f.toString());
    Map<String, String> conf = new LinkedHashMap<>();
    map(spec, "sparkConf").forEach((k, v) -> conf.put(k, String.valueOf(v)));
    checkSparkConf(f, image, conf);
    for (String part : List.of("driver", "executor")) {
      Map<String, Object> p = map(spec, part);
      assertTrue(String.valueOf(p.get("memory")).matches("[0-9]+[mg]"), f + ": " + part + ".memory");
      assertTrue(p.get("cores") instanceof Integer, f + ": " + part + ".cores");
    }
    List<String> args = ((List<Object>) spec.get("arguments")).stream().map(String::valueOf).toList();
    checkArguments(f, image, args);
    // GPU executors go with cyclelake.gpu.enabled: the training stage asks for the GPUs the executors announce.
    boolean gpu = conf.containsKey("spark.executor.resource.gpu.amount");
    com.typesafe.config.Config app = configOf(f, image, args);
    assertEquals(gpu, app.getBoolean("cyclelake.gpu.enabled"), f + ": executors announce GPUs if and only if "
        + "cyclelake.gpu.enabled is set");
    if (gpu) {
      assertTrue(Double.parseDouble(conf.get("spark.executor.resource.gpu.amount"))
          >= app.getDouble("cyclelake.gpu.task-amount"), f + ": fewer executor GPUs than a training task asks");
    }
    return args;
  }

  /** Delta is configured; files the configuration names are in the image; GPU settings come together. */
  static void checkSparkConf(Path f, Image image, Map<String, String> conf) {
    assertEquals("io.delta.sql.DeltaSparkSessionExtension", conf.get("spark.sql.extensions"), f.toString());
    assertEquals("org.apache.spark.sql.delta.catalog.DeltaCatalog", conf.get("spark.sql.catalog.spark_catalog"),
        f.toString());
    for (String cls : List.of(conf.get("spark.sql.extensions"), conf.get("spark.sql.catalog.spark_catalog"))) {
      try {
        Class.forName(cls);
      } catch (ClassNotFoundException e) {
        fail(f + ": " + cls + " is not on the application's class path");
      }
    }
    assertEquals("true", conf.get("spark.eventLog.enabled"), f + ": event log");
    for (String key : List.of("spark.kubernetes.executor.podTemplateFile",
        "spark.executor.resource.gpu.discoveryScript")) {
      if (conf.containsKey(key)) {
        Path src = image.source(conf.get(key));
        assertTrue(src != null && Files.isRegularFile(src), f + ": " + key + "=" + conf.get(key) + " is not copied "
            + "into " + image.dockerfile().getFileName() + " from a file of the repository");
      }
    }
    boolean gpu = conf.containsKey("spark.executor.resource.gpu.amount");
    assertEquals(gpu, image.jar().endsWith("-cuda.jar"), f + ": GPU executors need the CUDA image and vice versa");
    if (gpu) {
      assertTrue(conf.containsKey("spark.executor.resource.gpu.discoveryScript"), f + ": discovery script");
    }
    assertFalse(conf.containsKey("spark.task.resource.gpu.amount"), f + ": spark.task.resource.gpu.amount makes "
        + "every stage wait for a GPU; the training stage alone asks for GPUs (cyclelake.gpu, stage-level scheduling)");
  }

  /**
   * The arguments parse as a CycleLake command line (registered subcommand, existing options); every --conf file is
   * in the image, taken from the repository; with them and the --set values the configuration loads against
   * reference.conf (unknown keys fail). Returns the subcommand.
   */
  static String checkArguments(Path f, Image image, List<String> args) {
    configOf(f, image, args);
    return args.get(0);
  }

  /** The CycleLake configuration an application's arguments load (see {@link #checkArguments}). */
  static com.typesafe.config.Config configOf(Path f, Image image, List<String> args) {
    CommandLine cl = new CommandLine(new CycleLake());
    assertTrue(cl.getSubcommands().containsKey(args.get(0)), f + ": `" + args.get(0) + "` is not a subcommand of "
        + "CycleLake: " + cl.getSubcommands().keySet());
    try {
      cl.parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      fail(f + ": arguments " + args + " do not parse: " + e.getMessage());
    }
    List<Path> confs = new ArrayList<>();
    List<String> sets = new ArrayList<>();
    for (int i = 0; i < args.size() - 1; i++) {
      if (args.get(i).equals("--conf")) {
        Path src = image.source(args.get(i + 1));
        assertTrue(src != null && Files.isRegularFile(src), f + ": --conf " + args.get(i + 1) + " is not in "
            + image.dockerfile().getFileName());
        confs.add(src);
      } else if (args.get(i).equals("--set")) {
        sets.add(args.get(i + 1));
      }
    }
    try {
      return ConfigLoader.load(Path.of("does-not-exist"), confs, sets);
    } catch (RuntimeException e) {
      return fail(f + ": the configuration of " + args + " does not load: " + e.getMessage());
    }
  }
}
