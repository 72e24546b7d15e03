package io.cyclelake.cli;

import io.cyclelake.notebook.Kernel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "notebook-kernel", mixinStandardHelpOptions = true,
    description = {"Run the CycleLake Jupyter kernel (Java cells in JShell) for one notebook session.",
        "Jupyter starts it through the kernel spec notebooks/install-kernel.sh installs; not meant to be run by hand."})
final class NotebookKernelCommand implements Callable<Integer> {
  @Parameters(paramLabel = "CONNECTION_FILE", description = "Jupyter's connection file ({connection_file}).")
  Path connectionFile;

  @Override
  public Integer call() throws Exception {
    Kernel.serve(connectionFile);
    return 0;
  }
}
