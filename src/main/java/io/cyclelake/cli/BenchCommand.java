package io.cyclelake.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.cyclelake.bench.BenchJob;
import io.cyclelake.bench.BenchReport;
import io.cyclelake.bench.Workloads;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.SparkSessions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "End-to-end benchmark: per stage (ingest, features, a LOCO sweep, LSTM epochs) wall seconds, rows/s, "
        + "cycles/s and the JVM's peak heap, each run on a fresh lake under the work folder (settings: "
        + "cyclelake.bench). Without --synthetic it runs on --input (default cyclelake.bench.input).")
final class BenchCommand extends LakeCommand {
  @Option(names = "--replicate", paramLabel = "K", description = "Ingest K distinct copies of every cell of the input "
      + "(cell ids suffixed, files linked, not copied).")
  Integer replicate;

  @Option(names = "--synthetic", paramLabel = "CELLSxCYCLESxSAMPLES", description = "Generate a SYNTHETIC fleet of "
      + "this size (SAMPLES: mean samples per charge or discharge) in the NASA layout and run on it.")
  String synthetic;

  @Option(names = "--source", paramLabel = "NAME", description = "Reader of --input (default: "
      + "cyclelake.ingest.source).")
  String source;

  @Option(names = "--input", paramLabel = "DIR", description = "Input folder (default: cyclelake.bench.input).")
  Path input;

  @Option(names = "--stages", split = ",", paramLabel = "STAGE", description = "Stages to run, of ingest, features, "
      + "sweep, lstm (default: cyclelake.bench.stages).")
  List<String> stages;

  @Option(names = "--repeat", paramLabel = "N", description = "Runs, each on a fresh lake; medians are reported "
      + "(default: cyclelake.bench.repeat).")
  Integer repeat;

  @Option(names = "--incremental", description = "Also time ingest + features without the last cell, again with "
      + "nothing new, and with that cell added; ratios to the first.")
  boolean incremental;

  @Option(names = "--cores", split = ",", paramLabel = "N", description = "Run the same benchmark at local[N] for each "
      + "N, each in its own JVM, and print the speedups.")
  List<Integer> cores;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Generated data, replica links and lakes (default: "
      + "cyclelake.bench.work-dir).")
  Path workDir;

  @Option(names = "--json", description = "Also print the figures as one JSON document.")
  boolean json;

  @Option(names = "--json-file", paramLabel = "FILE", description = "Write the JSON document to FILE.")
  Path jsonFile;

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  int execute() throws Exception {
    Config c = common.config();
    if (stages != null) c = c.withValue("cyclelake.bench.stages", ConfigValueFactory.fromIterable(stages));
    if (workDir != null) {
      c = c.withValue("cyclelake.bench.work-dir", ConfigValueFactory.fromAnyRef(workDir.toAbsolutePath().toString()));
    }
    BenchJob.Settings s = BenchJob.Settings.of(c.getConfig("cyclelake.bench"));
    int n = repeat != null ? repeat : c.getInt("cyclelake.bench.repeat");
    String command = "cyclelake bench " + String.join(" ", ownArgs());
    Progress p = new Progress(System.out);
    Map<String, Object> doc;
    if (cores != null && !cores.isEmpty()) {
      doc = children(command, s);
    } else {
      common.printConfig(System.out, "bench");
      BenchJob.Workload w = workload(c, s, p);
      BenchJob.Result r = BenchJob.run(SparkSessions.getOrCreate(c), c, s, w, n, incremental, p);
      doc = BenchReport.json(r, command);
      System.out.println();
      BenchReport.print(doc, System.out);
    }
    String text = MAPPER.writeValueAsString(doc);
    if (jsonFile != null) {
      Path f = jsonFile.toAbsolutePath();
      if (f.getParent() != null) Files.createDirectories(f.getParent());
      Files.writeString(f, text);
      p.say("bench: JSON written to " + f);
    }
    if (json) System.out.println(text);
    return 0;
  }

  private BenchJob.Workload workload(Config c, BenchJob.Settings s, Progress p) {
    int copies = replicate == null ? 0 : replicate;
    if (replicate != null && replicate < 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--replicate must be >= 1, got " + replicate);
    }
    if (synthetic != null) {
      if (input != null || source != null) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--synthetic generates its own input (NASA layout); "
            + "leave out --input and --source");
      }
      return Workloads.synthetic(c, s, Workloads.SyntheticSize.parse(synthetic), copies, p);
    }
    String name = source != null ? source : c.getString("cyclelake.ingest.source");
    Path in = input != null ? input : Path.of(c.getString("cyclelake.bench.input"));
    return Workloads.real(c, s, name, in, copies, p);
  }

  /**
   * Runs this benchmark once per core count in a child JVM (Spark's master is fixed for the life of a JVM's
   * context), with this JVM's options and class path and {@code --master local[N]}, one after the other.
   */
  private Map<String, Object> children(String command, BenchJob.Settings s) throws IOException, InterruptedException {
    List<String> args = ownArgs();
    strip(args, Set.of("--cores", "--master", "--json-file"), Set.of("--json"));
    List<Map<String, Object>> docs = new ArrayList<>();
    for (int n : cores) {
      if (n < 1) throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--cores: each N must be >= 1, got " + n);
      Path out = s.workDir().resolve("bench-local" + n + ".json");
      Files.createDirectories(s.workDir());
      Files.deleteIfExists(out);
      List<String> cmd = new ArrayList<>();
      String pin = common.config().getString("cyclelake.bench.cores-pin-command");
      if (!pin.isEmpty()) {
        // Pinned to N processors, local[N] gets N cores in all: JIT, GC and library threads share them.
        for (String part : pin.split(" ")) cmd.add(part.replace("{cpus}", n == 1 ? "0" : "0-" + (n - 1)));
      }
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(CycleLake.class.getName());
      cmd.add("bench");
      cmd.addAll(args);
      cmd.addAll(List.of("--master", "local[" + n + "]", "--json-file", out.toString()));
      System.out.println("bench: --cores: starting a JVM for local[" + n + "]");
      int code = new ProcessBuilder(cmd).inheritIO().start().waitFor();
      if (code != 0 || !Files.isRegularFile(out)) {
        throw new CycleLakeException(ErrorCode.JOB_FAILED, "the bench at local[" + n + "] failed (exit code " + code
            + "); its output is above");
      }
      docs.add(MAPPER.readValue(out.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { }));
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("command", command);
    doc.put("workload", docs.get(0).get("workload"));
    doc.put("cores", docs);
    List<Map<String, Object>> scaling = BenchReport.scaling(docs);
    doc.put("scaling", scaling);
    System.out.println();
    for (Map<String, Object> d : docs) BenchReport.print(d, System.out);
    BenchReport.printScaling(scaling, System.out);
    return doc;
  }

  /** This command's arguments: the command line after {@code bench}. */
  private List<String> ownArgs() {
    List<String> all = spec.commandLine().getParseResult().originalArgs();
    int at = all.indexOf(spec.name());
    return new ArrayList<>(all.subList(at + 1, all.size()));
  }

  /** Removes options (with their value, also in --opt=value form) and flags from an argument list. */
  static void strip(List<String> args, Set<String> withValue, Set<String> flags) {
    for (int i = 0; i < args.size(); ) {
      String a = args.get(i);
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (withValue.contains(name)) {
        args.remove(i);
        if (!a.contains("=") && i < args.size()) args.remove(i);
      } else if (flags.contains(a)) {
        args.remove(i);
      } else {
        i++;
      }
    }
  }
}
