package io.cyclelake.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that runs on the lake: here in an embedded Spark, or through spark-submit with --submit. */
abstract class LakeCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    if (common.submit) {
      return Submit.run(common.config(), spec.commandLine().getParseResult().originalArgs());
    }
    return execute();
  }

  abstract int execute() throws Exception;
}
