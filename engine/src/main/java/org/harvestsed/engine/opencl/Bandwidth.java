package org.harvestsed.engine.opencl;

import static org.jocl.CL.*;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * Measured memory bandwidth, for the roofline: a copy of {@code bytes} (read + write counted) on
 * an OpenCL device with kernels/bandwidth.cl, or on the host with a direct-buffer bulk copy.
 * Median of the repetitions, in bytes per second.
 */
public final class Bandwidth {
  private Bandwidth() {}

  public static double host(int bytes, int reps) {
    ByteBuffer a = ByteBuffer.allocateDirect(bytes);
    ByteBuffer b = ByteBuffer.allocateDirect(bytes);
    double[] rate = new double[reps];
    b.put(0, a, 0, bytes); // touch the pages
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      b.put(0, a, 0, bytes);
      rate[r] = 2.0 * bytes / ((System.nanoTime() - t0) / 1e9);
    }
    return median(rate);
  }

  @SuppressWarnings("deprecation")
  public static double device(String selector, int bytes, int reps) {
    Devices.Device d = Devices.choose(selector);
    cl_context_properties props = new cl_context_properties();
    props.addProperty(CL_CONTEXT_PLATFORM, d.platform());
    cl_context ctx = clCreateContext(props, 1, new cl_device_id[] {d.id()}, null, null, null);
    cl_command_queue q = clCreateCommandQueue(ctx, d.id(), 0, null);
    cl_program p = OpenClBackend.build(ctx, d, KernelSource.resource("bandwidth.cl"));
    cl_kernel k = clCreateKernel(p, "copy16", null);
    int n = bytes / 16 * 16;
    cl_mem a = clCreateBuffer(ctx, CL_MEM_READ_WRITE, n, null, null);
    cl_mem b = clCreateBuffer(ctx, CL_MEM_READ_WRITE, n, null, null);
    try {
      clSetKernelArg(k, 0, Sizeof.cl_mem, Pointer.to(a));
      clSetKernelArg(k, 1, Sizeof.cl_mem, Pointer.to(b));
      long[] global = {n / 16};
      clEnqueueNDRangeKernel(q, k, 1, null, global, null, 0, null, null); // warm-up, first touch
      clFinish(q);
      double[] rate = new double[reps];
      for (int r = 0; r < reps; r++) {
        long t0 = System.nanoTime();
        clEnqueueNDRangeKernel(q, k, 1, null, global, null, 0, null, null);
        clFinish(q);
        rate[r] = 2.0 * n / ((System.nanoTime() - t0) / 1e9);
      }
      return median(rate);
    } finally {
      clReleaseMemObject(a);
      clReleaseMemObject(b);
      clReleaseKernel(k);
      clReleaseProgram(p);
      clReleaseCommandQueue(q);
      clReleaseContext(ctx);
    }
  }

  /**
   * Host-device copies over the bus, as the copy path makes them: {@code bytes} from a pinned host
   * buffer ({@code CL_MEM_ALLOC_HOST_PTR}, mapped) to a device buffer and back, blocking, median of
   * the repetitions; {up, down} in bytes per second (each byte counted once).
   */
  @SuppressWarnings("deprecation")
  public static double[] transfers(String selector, int bytes, int reps) {
    Devices.Device d = Devices.choose(selector);
    cl_context_properties props = new cl_context_properties();
    props.addProperty(CL_CONTEXT_PLATFORM, d.platform());
    cl_context ctx = clCreateContext(props, 1, new cl_device_id[] {d.id()}, null, null, null);
    cl_command_queue q = clCreateCommandQueue(ctx, d.id(), 0, null);
    cl_mem pinned = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, bytes, null, null);
    cl_mem dev = clCreateBuffer(ctx, CL_MEM_READ_WRITE, bytes, null, null);
    ByteBuffer host = clEnqueueMapBuffer(q, pinned, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0, bytes, 0, null, null, null);
    try {
      Pointer hp = Pointer.to(host);
      double[][] rate = new double[2][reps];
      clEnqueueWriteBuffer(q, dev, CL_TRUE, 0, bytes, hp, 0, null, null); // warm-up, first touch
      for (int r = 0; r < reps; r++) {
        long t0 = System.nanoTime();
        clEnqueueWriteBuffer(q, dev, CL_TRUE, 0, bytes, hp, 0, null, null);
        long t1 = System.nanoTime();
        clEnqueueReadBuffer(q, dev, CL_TRUE, 0, bytes, hp, 0, null, null);
        long t2 = System.nanoTime();
        rate[0][r] = bytes / ((t1 - t0) / 1e9);
        rate[1][r] = bytes / ((t2 - t1) / 1e9);
      }
      return new double[] {median(rate[0]), median(rate[1])};
    } finally {
      clEnqueueUnmapMemObject(q, pinned, host, 0, null, null);
      clFinish(q);
      clReleaseMemObject(dev);
      clReleaseMemObject(pinned);
      clReleaseCommandQueue(q);
      clReleaseContext(ctx);
    }
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
