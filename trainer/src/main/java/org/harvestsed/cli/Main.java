package org.harvestsed.cli;

import java.io.PrintWriter;
import org.harvestsed.engine.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./harvest}: the command line (docs/USAGE.md, "Commands"). */
@Command(name = "harvest", mixinStandardHelpOptions = true, version = "harvest-sed 0.1.0",
    description = "Vectorized engine for the Apple Picking Game of Social Environment Design.",
    subcommands = {DevicesCommand.class, SimulateCommand.class, TraceCommand.class, RenderCommand.class, TrainCommand.class, PlayersCommand.class, EvaluateCommand.class, ScaleCommand.class, SweepCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given streams; returns the exit code (0 ok, 2 bad input, 1 failure). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      if (ex instanceof ConfigException || ex instanceof IllegalArgumentException || ex instanceof UsageError
          || ex instanceof org.harvestsed.engine.opencl.Devices.NoOpenClException
          || ex instanceof org.harvestsed.engine.opencl.KernelBuildException) {
        err.println("harvest: error: " + ex.getMessage());
        return 2;
      }
      err.println("harvest: failed: " + ex);
      ex.printStackTrace(err);
      return 1;
    });
    return cl.execute(args);
  }

  /** A user mistake that is not a config error; printed without a stack trace. */
  static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }
}
