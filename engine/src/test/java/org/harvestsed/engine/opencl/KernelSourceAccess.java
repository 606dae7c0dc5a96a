package org.harvestsed.engine.opencl;

import java.util.List;
import org.harvestsed.engine.state.Layout;

/** Test access to {@link KernelSource}'s package-private assembly. */
public final class KernelSourceAccess {
  private KernelSourceAccess() {}

  public static String build(Layout l) {
    return KernelSource.build(l);
  }

  public static List<String> files() {
    return KernelSource.FILES;
  }
}
