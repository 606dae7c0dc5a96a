package uk.ac.manchester.tornado.api.types.arrays;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A JVM stand-in for TornadoVM's {@code FloatArray} (the methods StepKernel, Packing and TornadoLaunch use): an
 * off-heap segment of floats. Not TornadoVM: TornadoVM's arrays also carry a header, which the
 * reported size mimics.
 */
public class FloatArray {
  private final MemorySegment segment;

  public FloatArray(int n) {
    segment = Arena.ofAuto().allocate((long) n * ValueLayout.JAVA_FLOAT.byteSize(), 16);
  }

  public float get(int i) {
    return segment.getAtIndex(ValueLayout.JAVA_FLOAT, i);
  }

  public void set(int i, float v) {
    segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
  }

  public MemorySegment getSegment() {
    return segment;
  }

  public long getNumBytesOfSegmentWithHeader() {
    return segment.byteSize() + 16;
  }

  public long getNumBytesWithoutHeader() {
    return segment.byteSize();
  }
}
