package org.harvestsed.cli;

import java.util.concurrent.Callable;
import org.harvestsed.engine.opencl.Devices;
import org.harvestsed.engine.sim.Backends;
import picocli.CommandLine.Command;

@Command(name = "devices", mixinStandardHelpOptions = true, description = "List the backends and OpenCL platforms/devices found, or why none.")
final class DevicesCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.println("java backend: available (" + Runtime.getRuntime().availableProcessors() + " cores, JDK "
        + Runtime.version() + ")");
    try {
      var all = Devices.list();
      System.out.println("opencl backend: " + all.size() + " device(s); choose one with --device N or a part of its name");
      for (Devices.Device d : all) System.out.println("  " + d.describe());
    } catch (Devices.NoOpenClException e) {
      System.out.println("opencl backend: unavailable: " + e.getMessage());
    }
    var tornado = Backends.provider("tornado");
    if (tornado.isEmpty()) {
      System.out.println("tornado backend: unavailable: " + Backends.TORNADO_MISSING);
    } else {
      try {
        var all = tornado.get().devices();
        System.out.println("tornado backend: " + all.size() + " device(s); choose one with --device N or a part of its name");
        for (String d : all) System.out.println("  " + d);
      } catch (IllegalStateException e) {
        System.out.println("tornado backend: unavailable: " + e.getMessage());
      }
    }
    return 0;
  }
}
