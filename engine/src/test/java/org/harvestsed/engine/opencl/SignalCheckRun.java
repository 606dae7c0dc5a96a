package org.harvestsed.engine.opencl;

/**
 * Loads the OpenCL platforms (PoCL brings LLVM into the process, which installs its signal handlers
 * then), then idles long enough for {@code -Xcheck:jni}'s periodic check of the JVM's signal handlers
 * to run. Started by {@link SignalChainTest} in a JVM of its own.
 */
final class SignalCheckRun {
  private SignalCheckRun() {}

  public static void main(String[] args) throws Exception {
    System.out.println("signal check: " + Devices.list().size() + " OpenCL device(s)");
    Thread.sleep(1500);
    System.out.println("signal check: done");
  }
}
