package uk.ac.manchester.tornado.api.types.arrays;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A JVM stand-in for TornadoVM's {@code IntArray} (the methods StepKernel, Packing and TornadoLaunch use): an
 * off-heap segment of ints. Not TornadoVM: TornadoVM's arrays also carry a header, which the
 * reported size mimics.
 */
public class IntArray {
  private final MemorySegment segment;

  public IntArray(int n) {
    segment = Arena.ofAuto().allocate((long) n * ValueLayout.JAVA_INT.byteSize(), 16);
  }

  public int get(int i) {
    return segment.getAtIndex(ValueLayout.JAVA_INT, i);
  }

  public void set(int i, int v) {
    segment.setAtIndex(ValueLayout.JAVA_INT, i, v);
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
