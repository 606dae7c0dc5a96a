package org.harvestsed.engine.opencl;

/** The OpenCL compiler rejected the kernels; the message carries its build log. */
public final class KernelBuildException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KernelBuildException(String device, String log) {
    super("OpenCL kernel build failed on " + device + ":\n" + log);
  }
}
