package org.harvestsed.tornado;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.harvestsed.engine.config.ConfigException;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/** TornadoVM's devices, numbered 0.. over all its backends in TornadoVM's order, and how a selector picks one. */
final class TornadoDevices {
  private TornadoDevices() {}

  /**
   * TornadoVM options the backend needs, set before TornadoVM reads them (its options are read
   * once, when its runtime starts): no fused multiply-add (TornadoVM fuses a*b+c into fma by
   * default, which rounds once instead of twice), no fast or approximate math, OpenCL builds
   * without -cl-fast-relaxed-math / -cl-mad-enable (TornadoVM's default flags) but with correctly
   * rounded division, and full inlining (the step is one kernel). The launcher and the test JVM
   * pass the same as -D flags (tornado/jvm.args); Graal's inlining limit can only be set there.
   */
  static void configure() {
    System.setProperty("tornado.enable.fma", "false");
    System.setProperty("tornado.enable.mathOptimizations", "false");
    System.setProperty("tornado.enable.fastMathOptimizations", "false");
    System.setProperty("tornado.compiler.fullInlining", "true");
    System.setProperty("tornado.opencl.compiler.flags", OPENCL_FLAGS);
    if (!"0".equals(System.getProperty("jdk.graal.MethodInlineBailoutLimit"))) {
      throw new IllegalStateException("the JVM was started without the tornado backend's options: start it with"
          + " @$TORNADOVM_HOME/tornado-argfile @tornado/jvm.args (./harvest does when TORNADOVM_HOME is set)");
    }
  }

  static final String OPENCL_FLAGS = "-cl-fp32-correctly-rounded-divide-sqrt -w";

  record Device(int index, String id, TornadoDevice device) {
    String describe() {
      return String.format(Locale.ROOT, "%d (TornadoVM %s): %s [%s] %s, %.1f GiB global memory, %s", index, id,
          device.getPhysicalDevice().getDeviceName(), device.getTornadoVMBackend(), device.getPlatformName(),
          device.getMaxGlobalMemory() / 1073741824.0, device.getDeviceType());
    }
  }

  /** Every device of every TornadoVM backend; an {@link IllegalStateException} with the reason if none. */
  static List<Device> list() {
    configure();
    TornadoRuntime rt;
    try {
      rt = TornadoRuntimeProvider.getTornadoRuntime();
    } catch (Throwable t) {
      throw new IllegalStateException("TornadoVM's runtime did not start (" + t + "); check that the JVM runs with"
          + " TornadoVM's flags (@$TORNADOVM_HOME/tornado-argfile; ./harvest adds them when TORNADOVM_HOME is set)", t);
    }
    List<Device> all = new ArrayList<>();
    for (int b = 0; b < rt.getNumBackends(); b++) {
      TornadoBackend backend = rt.getBackend(b);
      for (int d = 0; d < backend.getNumDevices(); d++) all.add(new Device(all.size(), b + ":" + d, backend.getDevice(d)));
    }
    if (all.isEmpty()) throw new IllegalStateException("TornadoVM found no device (is an OpenCL platform or the NVIDIA driver installed?)");
    return all;
  }

  /**
   * Picks a device: empty = TornadoVM's default device, digits = an index of {@link #list},
   * {@code b:d} = TornadoVM's backend:device numbering, else a part of the device name.
   */
  static Device choose(String selector) {
    List<Device> all = list();
    String s = selector == null ? "" : selector.trim();
    if (s.isEmpty()) {
      TornadoDevice def = TornadoRuntimeProvider.getTornadoRuntime().getDefaultDevice();
      for (Device d : all) if (d.device().getDeviceName().equals(def.getDeviceName())) return d;
      return all.get(0);
    }
    if (s.matches("\\d+")) {
      int i = Integer.parseInt(s);
      if (i < all.size()) return all.get(i);
    } else {
      for (Device d : all) if (d.id().equals(s)) return d;
      String lower = s.toLowerCase(Locale.ROOT);
      for (Device d : all) if (d.device().getPhysicalDevice().getDeviceName().toLowerCase(Locale.ROOT).contains(lower)) return d;
    }
    StringBuilder sb = new StringBuilder("run.device / --device '" + s + "' matches no TornadoVM device; the devices are:");
    for (Device d : all) sb.append("\n  ").append(d.describe());
    throw new ConfigException(sb.toString());
  }
}
