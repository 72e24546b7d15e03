package io.cyclelake.cli;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cyclelake} command line: parses, loads config, runs one command, maps failures to exit codes. */
@Command(name = "cyclelake", mixinStandardHelpOptions = true, version = "cyclelake 0.1.0",
    description = "Battery degradation analytics on Spark and Delta Lake.",
    subcommands = {DemoCommand.class, IngestCommand.class, ReprocessCommand.class, FeaturesCommand.class, TrainCommand.class, SweepCommand.class,
        ReportCommand.class, TablesCommand.class, SqlCommand.class, ExportCommand.class,
        DatasheetCommand.class, CardsCommand.class, CompareCommand.class, SequenceBenchCommand.class,
        TelemetryCommand.class, PredictCommand.class, DoctorCommand.class, RestoreCommand.class,
        BenchCommand.class, ExperimentCommand.class, NotebookKernelCommand.class})
public final class CycleLake implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs one command and returns its exit code; does not exit the JVM (tests call this). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new CycleLake());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      CycleLakeException e = find(ex);
      if (e == null && ex instanceof com.typesafe.config.ConfigException ce) {
        e = new CycleLakeException(ErrorCode.CONFIG_INVALID, ce.getMessage(), null, ce);
      }
      if (e != null) {
        cmd.getErr().println("cyclelake: error [" + e.code() + "]: " + e.getMessage());
        return e.code().exitCode();
      }
      cmd.getErr().println("cyclelake: " + cmd.getCommandName() + " failed: " + ex);
      ex.printStackTrace(cmd.getErr());
      return ErrorCode.JOB_FAILED.exitCode();
    });
    return cl.execute(args);
  }

  /** The CycleLakeException behind a failure, also when Spark wrapped it in a task failure. */
  private static CycleLakeException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CycleLakeException e) return e;
    }
    return null;
  }

  public static void main(String[] args) {
    int code = execute(args);
    stopSpark();
    System.exit(code);
  }

  private static void stopSpark() {
    org.apache.spark.sql.SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
  }
}
