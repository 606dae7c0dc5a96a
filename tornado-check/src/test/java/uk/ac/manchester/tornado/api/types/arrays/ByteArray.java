package uk.ac.manchester.tornado.api.types.arrays;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A JVM stand-in for TornadoVM's {@code ByteArray} (the methods StepKernel, Packing and TornadoLaunch use): an
 * off-heap segment of bytes. Not TornadoVM: TornadoVM's arrays also carry a header, which the
 * reported size mimics.
 */
public class ByteArray {
  private final MemorySegment segment;

  public ByteArray(int n) {
    segment = Arena.ofAuto().allocate((long) n * ValueLayout.JAVA_BYTE.byteSize(), 16);
  }

  public byte get(int i) {
    return segment.getAtIndex(ValueLayout.JAVA_BYTE, i);
  }

  public void set(int i, byte v) {
    segment.setAtIndex(ValueLayout.JAVA_BYTE, i, v);
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
