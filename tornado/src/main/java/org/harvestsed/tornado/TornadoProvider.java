package org.harvestsed.tornado;

import java.util.List;
import org.harvestsed.engine.sim.Backend;
import org.harvestsed.engine.sim.BackendProvider;
import org.harvestsed.engine.state.Layout;

/** Makes the {@code tornado} backend known to the engine (META-INF/services). */
public final class TornadoProvider implements BackendProvider {
  @Override
  public String name() {
    return "tornado";
  }

  @Override
  public Backend create(Layout layout, int envs, String device, int threads) {
    return new TornadoBackend(layout, envs, device, threads);
  }

  @Override
  public List<String> devices() {
    return TornadoDevices.list().stream().map(TornadoDevices.Device::describe).toList();
  }
}
