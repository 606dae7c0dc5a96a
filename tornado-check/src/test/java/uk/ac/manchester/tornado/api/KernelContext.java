package uk.ac.manchester.tornado.api;

/**
 * A JVM stand-in for TornadoVM's {@code KernelContext}, with the one field {@code StepKernel} reads.
 * Not TornadoVM: it lets the kernel's Java run as plain Java in the tests (JvmStepKernelParityTest).
 */
public class KernelContext {
  public int globalIdx;
}
