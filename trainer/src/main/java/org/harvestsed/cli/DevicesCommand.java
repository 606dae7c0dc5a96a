package org.harvestsed.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "devices", description = "List the backends and OpenCL platforms/devices found, or why none.")
final class DevicesCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.println("java backend: available (" + Runtime.getRuntime().availableProcessors() + " cores, "
        + Runtime.version() + ")");
    System.out.println("opencl backend: not available in this build yet; every command runs with --backend java");
    return 0;
  }
}
