package org.harvestsed.tornado;

import org.harvestsed.engine.sim.DeviceBackend;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Role;

/**
 * The tornado backend's launch on the host's side, all of it but TornadoVM's execution: the engine
 * buffers packed into the kernel's arrays ({@link Packing}) after a host reset, the inputs before
 * each launch, the output regions the launch ended read back (one range of each array, the arrays
 * being packed by role, outputs last) and unpacked, the rest on demand, and the bytes each of
 * these moves. {@link TornadoBackend} runs the task graph on a TornadoVM device; tornado-check
 * runs {@link StepKernel} as plain Java through this same class, so its tests exercise the pack,
 * launch and unpack that ship.
 *
 * <p>The state stays on the device between launches; per launch only the inputs array (actions
 * and pending levels, always both: TornadoVM moves whole arrays) and the parameters go up. After a
 * host reset that follows a launch the device's state is stale: {@link #discardDeviceState} lets
 * the next execution upload the new one, with the spec (docs/DESIGN-transfers.md).
 */
abstract class TornadoLaunch extends DeviceBackend {
  /** The packed arrays' types, in the order the launch reads them back. */
  private static final Buf.Type[] ARRAY_TYPES = {Buf.Type.INT, Buf.Type.FLOAT, Buf.Type.BYTE};
  protected final Packing pack;
  /** Whether the device holds a state (an execution since the last {@link #discardDeviceState}): else the next one uploads it. */
  private boolean stateOnDevice;
  /** Whether a launch ran since the host state was taken: else the host buffers are current. */
  private boolean launched;

  /** @param pack the packing of {@code state}'s buffers */
  TornadoLaunch(EnvState state, Packing pack, int hostThreads) {
    super(state, hostThreads);
    this.pack = pack;
  }

  // ---- what TornadoVM does (TornadoBackend), or the JVM in tornado-check's tests ----

  /** Elements [from, to) of the packed array of type {@code t} ({@code pack.ints}, {@code floats} or {@code bytes}) from the device. */
  protected abstract void transferToHost(Buf.Type t, long from, long to);

  /** The state arrays ({@code ints}, {@code floats}, {@code bytes}) and {@code inputs}, whole, from the device. */
  protected abstract void transferStateToHost();

  /** The device's state is stale: the next execution uploads the state and the spec again. */
  protected abstract void discardDeviceState();

  // ---- the launch ----

  @Override
  public final String name() {
    return "tornado";
  }

  @Override
  public final String transfer() {
    return "copy";
  }

  @Override
  protected final void takeHostState(long seed) {
    pack.afterHostReset(seed);
    launched = false;
    if (stateOnDevice) {
      stateOnDevice = false;
      discardDeviceState();
    }
  }

  /**
   * Up: the inputs array (actions, pending levels) and the parameters, plus the state arrays and
   * the spec at the first execution since the device's state was discarded.
   */
  @Override
  protected final void uploadInputs(boolean randomActions, float cap, int steps) {
    pack.beforeLaunch(randomActions, cap, steps);
    if (!stateOnDevice) {
      countToDevice(pack.ints.getNumBytesWithoutHeader() + pack.floats.getNumBytesWithoutHeader() + pack.bytes.getNumBytesWithoutHeader()
          + pack.spec.getNumBytesWithoutHeader() + pack.fspec.getNumBytesWithoutHeader());
    }
    countToDevice(pack.inputs.getNumBytesWithoutHeader() + pack.params.getNumBytesWithoutHeader() + pack.fparams.getNumBytesWithoutHeader());
    stateOnDevice = true;
    launched = true;
  }

  /** Down: only the output regions up to {@code through} ({@link Role#lastRegion}), one range of each array, then unpacked. */
  @Override
  protected final void downloadOutputs(Role through) {
    for (Buf.Type t : ARRAY_TYPES) {
      long from = pack.outputStart(t), to = pack.outputEnd(t, through);
      if (to > from) {
        transferToHost(t, from, to);
        countFromDevice((to - from) * t.bytes);
      }
    }
    pack.downloadOutputs(through);
  }

  @Override
  protected final void downloadState(boolean actionsDrawn) {
    if (!launched) return; // nothing ran since the host state was taken: the host buffers are current
    transferStateToHost();
    countFromDevice(pack.ints.getNumBytesWithoutHeader() + pack.floats.getNumBytesWithoutHeader() + pack.bytes.getNumBytesWithoutHeader()
        + pack.inputs.getNumBytesWithoutHeader());
    pack.downloadState(actionsDrawn);
  }
}
