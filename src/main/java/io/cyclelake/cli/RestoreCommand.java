package io.cyclelake.cli;

import io.cyclelake.lake.Lake;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "restore", mixinStandardHelpOptions = true,
    description = {"Restore a table of the lake to an earlier Delta version (Delta RESTORE). The restore is written as "
        + "a new version, so it can be undone the same way. Asks for confirmation unless --yes.",
        "Restoring one table can leave the manifest (files) disagreeing with it: run `cyclelake doctor` after."})
final class RestoreCommand extends LakeCommand {
  @Option(names = "--table", required = true, paramLabel = "T", description = "e.g. timeseries")
  String table;

  @Option(names = "--version", required = true, paramLabel = "V",
      description = "the Delta version to go back to (see `cyclelake tables` and DESCRIBE HISTORY)")
  long version;

  @Option(names = "--yes", description = "Do not ask for confirmation.")
  boolean yes;

  @Override
  int execute() throws IOException {
    Lake lake = common.openLake();
    if (!lake.exists(table)) {
      lake.restore(table, version); // throws the error naming the lake and the table
    }
    long current = lake.version(table);
    long rowsNow = lake.read(table, "ingest").count();
    long rowsThen = version >= 0 && version <= current ? lake.readVersion(table, version).count() : -1;
    System.out.println("restore: table " + table + " (" + lake.path(table) + ") is at version " + current + " with "
        + rowsNow + " rows" + (rowsThen >= 0 ? "; version " + version + " has " + rowsThen + " rows" : ""));
    if (!yes) {
      System.out.print("restore " + table + " to version " + version + "? type yes to continue: ");
      System.out.flush();
      String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
        System.out.println("restore: not confirmed; nothing was changed");
        return 1;
      }
    }
    long now = lake.restore(table, version);
    System.out.println("restore: " + table + " now holds version " + version + "'s rows, as version " + now
        + " (undo: cyclelake restore --table " + table + " --version " + current + ")");
    return 0;
  }
}
