package org.harvestsed.engine.opencl;

import java.util.EnumMap;
import java.util.Map;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.Layout;
import org.harvestsed.engine.state.Role;

/**
 * The layout of the IO buffers on the copy path (docs/DESIGN-transfers.md): one device buffer and
 * one pinned host arena of the same layout hold every buffer whose {@link Role} is moved at
 * launches, the inputs first, then the outputs region by region in {@link Role#OUTPUTS} order, each
 * buffer at an offset aligned for a sub-buffer. A launch reads one contiguous range: from the start
 * of the step's outputs to the end of the last region it needs.
 */
final class IoArena {
  static final Role[] ORDER = {Role.INPUT, Role.STEP, Role.PERIOD, Role.ROUND, Role.EPISODE};

  private final Map<Buf, Long> offset = new EnumMap<>(Buf.class);
  private final Map<Buf, Long> size = new EnumMap<>(Buf.class);
  private final Map<Role, Long> start = new EnumMap<>(Role.class);
  private final Map<Role, Long> end = new EnumMap<>(Role.class);
  final long bytes;

  /** @param align the device's sub-buffer base alignment in bytes (CL_DEVICE_MEM_BASE_ADDR_ALIGN / 8) */
  IoArena(Layout l, int envs, long align) {
    long at = 0;
    for (Role r : ORDER) {
      at = roundUp(at, align);
      start.put(r, at);
      for (Buf b : Buf.values()) {
        if (b.role != r) continue;
        at = roundUp(at, align);
        offset.put(b, at);
        size.put(b, b.bytesPerEnv(l) * envs);
        at += b.bytesPerEnv(l) * envs;
      }
      end.put(r, at);
    }
    bytes = roundUp(at, align);
    if (bytes > Integer.MAX_VALUE) {
      long perEnv = (bytes + envs - 1) / envs;
      throw new org.harvestsed.engine.config.ConfigException(String.format(java.util.Locale.ROOT,
          "%d envs need a %.2f GiB IO arena on the copy path, more than the 2 GiB a Java buffer addresses (int offsets); at most %d envs fit"
              + " with this map (about %d bytes each): use fewer envs per VecEnv", envs, bytes / 1073741824.0, Integer.MAX_VALUE / perEnv, perEnv));
    }
  }

  static long roundUp(long x, long a) {
    return (x + a - 1) / a * a;
  }

  boolean holds(Buf b) {
    return offset.containsKey(b);
  }

  long offset(Buf b) {
    return offset.get(b);
  }

  long size(Buf b) {
    return size.get(b);
  }

  long start(Role r) {
    return start.get(r);
  }

  long end(Role r) {
    return end.get(r);
  }
}
