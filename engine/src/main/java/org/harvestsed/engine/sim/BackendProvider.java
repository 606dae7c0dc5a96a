package org.harvestsed.engine.sim;

import java.util.List;
import org.harvestsed.engine.state.Layout;

/**
 * A backend built outside the engine module and found at run time with {@link java.util.ServiceLoader}
 * (a {@code META-INF/services/org.harvestsed.engine.sim.BackendProvider} entry in its jar). The
 * optional {@code tornado} module is one: it is built only where a TornadoVM SDK is installed, so
 * the engine must not depend on it. {@link Backends} looks providers up by name.
 */
public interface BackendProvider {
  /** The name used with {@code --backend} and {@code run.backend}. */
  String name();

  /**
   * A backend for {@code envs} envs of the layout.
   *
   * @param device  the device: its index or part of its name; empty = the provider's default
   * @param threads host worker threads for the reference reset (0 = one per core)
   */
  Backend create(Layout layout, int envs, String device, int threads);

  /**
   * One line per device the backend can run on, for {@code ./harvest devices}; throws
   * {@link IllegalStateException} with the reason when it can run on none.
   */
  List<String> devices();
}
