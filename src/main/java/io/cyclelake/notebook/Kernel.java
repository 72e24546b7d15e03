package io.cyclelake.notebook;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;

/**
 * The CycleLake Jupyter kernel: Java cells run by {@link Shell} (JShell in this JVM, with the application classpath
 * and {@code io.cyclelake.notebook.*} imported), Jupyter messaging from jjava-jupyter's {@link BaseKernel}. A cell's
 * last expression is shown as its result; {@link Displayable} values (figures, tables) as their MIME bundle, e.g.
 * {@code image/svg+xml}; {@link Display#show} shows more values from inside a cell.
 *
 * <p>Started by Jupyter with the connection file: {@code java ... io.cyclelake.notebook.Kernel CONNECTION_FILE} (see
 * {@code notebooks/install-kernel.sh}).
 */
public final class Kernel extends BaseKernel {
  /** Snippets every session starts with. */
  public static final List<String> STARTUP = List.of(
      "import java.util.*;",
      "import io.cyclelake.notebook.*;",
      "import static io.cyclelake.notebook.Display.show;");

  private final Shell shell;

  private Kernel(Builder b, Shell shell) {
    super(b.name(), b.version(), new LanguageInfo("java", String.valueOf(Runtime.version().feature()),
            "text/x-java-source", ".jshell", "java", "java", "script"), List.of(), b.history(), b.io(), b.comms(),
        b.renderer(), new MagicParser("^\\s*%", "%%", b.transpiler()), b.magics(), false, b.errorStyler());
    this.shell = shell;
  }

  /** A kernel over a new {@link Shell} with this JVM's classpath; shown values go to the connected front end. */
  public static Kernel create() {
    Kernel k = new Builder().name("cyclelake").version(version()).build();
    Display.sink(bundle -> k.display(displayData(bundle)));
    return k;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java -cp <classpath> io.cyclelake.notebook.Kernel CONNECTION_FILE   (Jupyter passes "
          + "{connection_file}; notebooks/install-kernel.sh writes the kernel spec)");
      System.exit(2);
    }
    serve(Path.of(args[0]));
    System.exit(0); // Spark's threads would keep the JVM alive after the shutdown request
  }

  /**
   * Connects to the front end described by Jupyter's {@code connectionFile} and answers it until it asks the kernel
   * to shut down.
   */
  public static void serve(Path connectionFile) throws Exception {
    // Configure logging now, while System.err is the process's own: a cell replaces it with the notebook's stream,
    // and a console appender created then (by Spark's first log line) would write into whichever cell ran last.
    org.apache.logging.log4j.LogManager.getRootLogger();
    String json = Files.readString(connectionFile, StandardCharsets.UTF_8);
    JupyterConnection connection = new JupyterConnection(KernelConnectionProperties.parse(json));
    Kernel kernel = create();
    kernel.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
  }

  @Override
  public Object evalRaw(String code) {
    return shell.eval(code);
  }

  @Override
  public DisplayData eval(String code) {
    Object v = evalRaw(code);
    return v == null ? null : displayData(Display.bundle(v));
  }

  static DisplayData displayData(Map<String, String> bundle) {
    DisplayData d = new DisplayData();
    bundle.forEach(d::putData);
    return d;
  }

  @Override
  public DisplayData inspect(String code, int at, boolean extraDetail) {
    return null;
  }

  @Override
  public ReplacementOptions complete(String code, int at) {
    Shell.Completions c = shell.complete(code, at);
    return c.replacements().isEmpty() ? null : new ReplacementOptions(c.replacements(), c.start(), c.end());
  }

  @Override
  public String isComplete(String code) {
    return switch (shell.isComplete(code)) {
      case "complete" -> IS_COMPLETE_YES;
      case "incomplete" -> IS_COMPLETE_MAYBE;
      default -> IS_COMPLETE_BAD;
    };
  }

  @Override
  public List<String> formatError(Throwable e) {
    if (e instanceof Shell.CompileError) {
      List<String> out = new ArrayList<>();
      out.add("cell does not compile:");
      out.addAll(List.of(e.getMessage().split("\n")));
      return out;
    }
    return super.formatError(e);
  }

  @Override
  public void interrupt() {
    shell.stop();
  }

  @Override
  public void onShutdown(boolean restart) {
    Display.sink(null);
    shell.close();
  }

  private static String version() {
    String v = Kernel.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Exposes BaseKernelBuilder's parts to the constructor. */
  private static final class Builder extends BaseKernelBuilder<Builder, Kernel> {
    @Override
    public Kernel build() {
      return new Kernel(this, new Shell(Shell.applicationClasspath(), STARTUP));
    }

    String name() {
      return buildName();
    }

    String version() {
      return buildVersion();
    }

    org.dflib.jjava.jupyter.kernel.history.HistoryManager history() {
      return buildHistoryManager();
    }

    org.dflib.jjava.jupyter.kernel.JupyterIO io() {
      return buildJupyterIO(buildJupyterIOEncoding());
    }

    org.dflib.jjava.jupyter.kernel.comm.CommManager comms() {
      return buildCommManager();
    }

    org.dflib.jjava.jupyter.kernel.display.Renderer renderer() {
      return buildRenderer();
    }

    org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler transpiler() {
      return buildMagicTranspiler();
    }

    org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry magics() {
      return buildMagicsRegistry();
    }

    org.dflib.jjava.jupyter.kernel.util.StringStyler errorStyler() {
      return buildErrorStyler();
    }
  }
}
