package org.harvestsed.engine.state;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.util.EnumMap;
import java.util.Map;

/**
 * The buffers of E envs, one direct native-order ByteBuffer per {@link Buf}, allocated once.
 * Typed views are created once too; accessors hand them out without copying.
 */
public final class EnvState {
  public final Layout layout;
  public final int envs;
  private final Map<Buf, ByteBuffer> bytes = new EnumMap<>(Buf.class);
  private final Map<Buf, IntBuffer> ints = new EnumMap<>(Buf.class);
  private final Map<Buf, FloatBuffer> floats = new EnumMap<>(Buf.class);
  private final Map<Buf, ShortBuffer> shorts = new EnumMap<>(Buf.class);

  public EnvState(Layout layout, int envs) {
    this(layout, envs, b -> null);
  }

  /**
   * Buffers from {@code provided} where it returns one (a native-order buffer of exactly
   * {@code b.bytesPerEnv(layout) * envs} bytes, e.g. a slice of a pinned staging arena), fresh
   * direct buffers elsewhere.
   */
  public EnvState(Layout layout, int envs, java.util.function.Function<Buf, ByteBuffer> provided) {
    this.layout = layout;
    this.envs = envs;
    long total = bytesPerEnv(layout) * envs;
    for (Buf b : Buf.values()) {
      long size = b.bytesPerEnv(layout) * envs;
      if (size > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException(envs + " envs need " + size + " bytes for buffer " + b
            + " (over 2 GiB); use at most " + ((Integer.MAX_VALUE - 16) / b.bytesPerEnv(layout)) + " envs with this map");
      }
      ByteBuffer given = provided.apply(b);
      if (given != null && (given.capacity() != size || given.order() != ByteOrder.nativeOrder() || !given.isDirect())) {
        throw new IllegalArgumentException("buffer for " + b + " must be direct, native-order and " + size + " bytes");
      }
      ByteBuffer buf = given != null ? given : ByteBuffer.allocateDirect((int) size).order(ByteOrder.nativeOrder());
      bytes.put(b, buf);
      if (b.type == Buf.Type.INT) ints.put(b, buf.asIntBuffer());
      if (b.type == Buf.Type.FLOAT) floats.put(b, buf.asFloatBuffer());
      if (b.type == Buf.Type.SHORT) shorts.put(b, buf.asShortBuffer());
    }
    assert total > 0;
  }

  /** Total bytes of all buffers for one env. */
  public static long bytesPerEnv(Layout layout) {
    long t = 0;
    for (Buf b : Buf.values()) t += b.bytesPerEnv(layout);
    return t;
  }

  /** The raw buffer (position 0, whole capacity), e.g. for OpenCL or DJL. */
  public ByteBuffer raw(Buf b) {
    return bytes.get(b);
  }

  public IntBuffer ints(Buf b) {
    IntBuffer v = ints.get(b);
    if (v == null) throw new IllegalArgumentException(b + " is not an int buffer");
    return v;
  }

  public ShortBuffer shorts(Buf b) {
    ShortBuffer v = shorts.get(b);
    if (v == null) throw new IllegalArgumentException(b + " is not a short buffer");
    return v;
  }

  public FloatBuffer floats(Buf b) {
    FloatBuffer v = floats.get(b);
    if (v == null) throw new IllegalArgumentException(b + " is not a float buffer");
    return v;
  }

  public ByteBuffer bytes(Buf b) {
    if (b.type != Buf.Type.BYTE) throw new IllegalArgumentException(b + " is not a byte buffer");
    return bytes.get(b);
  }
}
