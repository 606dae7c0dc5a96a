package org.harvestsed.engine.opencl;

import static org.jocl.CL.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.harvestsed.engine.config.Mapping;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** The OpenCL platforms and devices of this machine, or why there are none. */
public final class Devices {
  private Devices() {}

  public static final String INSTALL_HINT = "install an OpenCL platform, e.g. on Debian/Ubuntu: "
      + "apt-get install ocl-icd-libopencl1 pocl-opencl-icd (CPU), or your GPU vendor's OpenCL driver; "
      + "the java backend works without one";

  /** One device: its index in the flattened list, platform, and the facts the engine uses. */
  public record Device(int index, cl_platform_id platform, cl_device_id id, String platformName, String name,
      String version, long type, long globalMem, long maxAlloc, int computeUnits, boolean hostUnified,
      boolean correctlyRoundedDivide, long maxWorkGroupSize, long localMem, int clockMhz) {
    public boolean isGpu() {
      return (type & CL_DEVICE_TYPE_GPU) != 0;
    }

    public boolean isCpu() {
      return (type & CL_DEVICE_TYPE_CPU) != 0;
    }

    /**
     * The mapping {@code auto} picks for {@code envs} envs of {@code layout}: the fastest by the
     * performance model ({@link PerfModel#best}) with this device's parameters ({@link PerfModel#of}).
     */
    public Mapping autoMapping(org.harvestsed.engine.state.Layout layout, int envs) {
      return PerfModel.best(PerfModel.of(this), layout, envs);
    }

    /** {@link #autoMapping(org.harvestsed.engine.state.Layout, int)} for the default map at 4,096 envs (what the device list shows). */
    public Mapping autoMapping() {
      return autoMapping(PerfModel.layout("default"), 4096);
    }

    public String describe() {
      return String.format(Locale.ROOT, "[%d] %s | %s | %s | %d compute units | %.2f GiB global memory (largest buffer %.2f GiB)%s"
          + " | %d KiB local memory, work-groups up to %d | mapping auto: %s", index, platformName, name, version, computeUnits,
          globalMem / 1073741824.0, maxAlloc / 1073741824.0, hostUnified ? " | host-unified memory" : "", localMem / 1024, maxWorkGroupSize,
          switch (autoMapping()) {
            case ENV -> "env (one work-item per env)";
            case GROUP -> "group (one work-group per env)";
            default -> "warp (one 32-lane sub-group per env, several envs per work-group)";
          });
    }
  }

  /** Thrown when no OpenCL platform or device can be used; the message says how to get one. */
  public static final class NoOpenClException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoOpenClException(String why) {
      super("no OpenCL device available (" + why + "); " + INSTALL_HINT);
    }
  }

  /** Every device of every platform; throws {@link NoOpenClException} if there is none. */
  public static List<Device> list() {
    try {
      CL.setExceptionsEnabled(true);
      int[] count = new int[1];
      clGetPlatformIDs(0, null, count);
      if (count[0] == 0) throw new NoOpenClException("the OpenCL loader found no platform");
      cl_platform_id[] platforms = new cl_platform_id[count[0]];
      clGetPlatformIDs(count[0], platforms, null);
      List<Device> out = new ArrayList<>();
      for (cl_platform_id p : platforms) {
        String pname = platformString(p, CL_PLATFORM_NAME);
        int[] nd = new int[1];
        try {
          clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, nd);
        } catch (CLException e) {
          continue; // a platform without devices
        }
        cl_device_id[] ds = new cl_device_id[nd[0]];
        clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, nd[0], ds, null);
        for (cl_device_id d : ds) {
          long fp = deviceLong(d, CL_DEVICE_SINGLE_FP_CONFIG);
          out.add(new Device(out.size(), p, d, pname, deviceString(d, CL_DEVICE_NAME), deviceString(d, CL_DEVICE_VERSION),
              deviceLong(d, CL_DEVICE_TYPE), deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
              deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS), deviceInt(d, CL_DEVICE_HOST_UNIFIED_MEMORY) != 0,
              (fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0, deviceSize(d, CL_DEVICE_MAX_WORK_GROUP_SIZE),
              deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE), deviceInt(d, CL_DEVICE_MAX_CLOCK_FREQUENCY)));
        }
      }
      if (out.isEmpty()) throw new NoOpenClException("the OpenCL platforms have no devices");
      return out;
    } catch (UnsatisfiedLinkError e) {
      throw new NoOpenClException("the OpenCL library libOpenCL.so.1 could not be loaded: " + e.getMessage());
    } catch (CLException e) {
      throw new NoOpenClException("the OpenCL loader found no platform: " + e.getMessage());
    }
  }

  /**
   * The device named by {@code selector}: an index into {@link #list()}, or a case-insensitive
   * part of the device or platform name; empty = the first GPU, else the first device.
   */
  public static Device choose(String selector) {
    List<Device> all = list();
    if (selector == null || selector.isBlank()) {
      return all.stream().filter(Device::isGpu).findFirst().orElse(all.get(0));
    }
    String s = selector.trim();
    if (s.chars().allMatch(Character::isDigit)) {
      int i = Integer.parseInt(s);
      if (i >= all.size()) throw new IllegalArgumentException("--device " + i + " does not exist; devices are 0.." + (all.size() - 1) + " (see ./harvest devices)");
      return all.get(i);
    }
    String low = s.toLowerCase(Locale.ROOT);
    return all.stream().filter(d -> (d.name() + " " + d.platformName()).toLowerCase(Locale.ROOT).contains(low)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("--device '" + s + "' matches no device; see ./harvest devices"));
  }

  static String platformString(cl_platform_id p, int param) {
    long[] size = new long[1];
    clGetPlatformInfo(p, param, 0, null, size);
    byte[] buf = new byte[(int) size[0]];
    clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
    return new String(buf, 0, Math.max(0, buf.length - 1)).trim();
  }

  static String deviceString(cl_device_id d, int param) {
    long[] size = new long[1];
    clGetDeviceInfo(d, param, 0, null, size);
    byte[] buf = new byte[(int) size[0]];
    clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
    return new String(buf, 0, Math.max(0, buf.length - 1)).trim();
  }

  static long deviceLong(cl_device_id d, int param) {
    long[] v = new long[1];
    clGetDeviceInfo(d, param, Sizeof.cl_long, Pointer.to(v), null);
    return v[0];
  }

  static long deviceSize(cl_device_id d, int param) {
    long[] v = new long[1];
    clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
    return v[0];
  }

  static int deviceInt(cl_device_id d, int param) {
    int[] v = new int[1];
    clGetDeviceInfo(d, param, Sizeof.cl_int, Pointer.to(v), null);
    return v[0];
  }
}
