package org.harvestsed.engine.sim;

import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Role;

/**
 * What every backend whose step runs on a device shares, written once: OpenCL
 * ({@code OpenClBackend}), TornadoVM ({@code TornadoBackend}) and tornado-check's run of the
 * TornadoVM kernel as plain Java all launch through it (docs/DESIGN-transfers.md).
 *
 * <ul>
 *   <li>reset(seed) runs the java reference on the host buffers; the device then takes them as its
 *       state ({@link #takeHostState}), as it does after a restore ({@link #restoreHostState}).</li>
 *   <li>A launch of n steps: the inputs go up ({@link #uploadInputs}), the device runs the steps
 *       ({@link #execute}), and the host reads back only the output regions the launch's last step
 *       ended ({@link Role#lastRegion}, from the steps counted since the host state was taken;
 *       {@link #downloadOutputs}); after a launch that ended a tax period the welfare bookkeeping
 *       runs on the host ({@link Bookkeeper#afterLaunch}).</li>
 *   <li>The rest of the state comes back on demand ({@link #fetchState}, {@link #downloadState}),
 *       with ACTIONS only if the last launch drew them on the device.</li>
 *   <li>The bytes each transfer moves are counted where the subclass enqueues it
 *       ({@link #countToDevice}, {@link #countFromDevice}).</li>
 * </ul>
 */
public abstract class DeviceBackend implements Backend {
  private final EnvState state;
  private final JavaBackend host;
  private final Bookkeeper.Scratch scratch;
  /** Steps since the host state was taken: every env's tick (envs run in lockstep). */
  private long ticks;
  /** Whether the last launch drew the actions on the device (so the device's ACTIONS are the current ones). */
  private boolean actionsDrawn;
  private boolean closed;
  private long bytesToDevice, bytesFromDevice;

  /**
   * @param state       the host buffers (the subclass may have placed them where the device sees them)
   * @param hostThreads threads of the host's reference reset and bookkeeping
   */
  protected DeviceBackend(EnvState state, int hostThreads) {
    this.state = state;
    this.host = new JavaBackend(state, hostThreads);
    this.scratch = new Bookkeeper.Scratch(state.layout);
  }

  // ---- the hooks: what a device does at each point of the skeleton ----

  /**
   * The host buffers are the state now (after a reset, or a restore at the tick in
   * {@code Buf.TICK}): the device takes them (uploads them, where it keeps its own copy) and the
   * run's key from {@code seed}.
   */
  protected abstract void takeHostState(long seed);

  /**
   * Before a launch: its parameters, and the inputs the device needs (ACTIONS unless drawn on the
   * device, PENDING_LEVELS), go up or are staged for {@link #execute}.
   */
  protected abstract void uploadInputs(boolean randomActions, float cap, int steps);

  /**
   * Runs {@code steps} steps of every env on the device.
   *
   * @param many whether stepMany asked for them (OpenCL has a kernel of its own for it, which it
   *             launches even for one step)
   */
  protected abstract void execute(int steps, boolean many);

  /** After a launch: the output regions up to {@code through} ({@link Role#readUpTo}) back into the host buffers. */
  protected abstract void downloadOutputs(Role through);

  /**
   * {@link #fetchState}: every host buffer the launches leave stale back from the device, except
   * what the host owns (PENDING_LEVELS, {@link Role#HOST}) and ACTIONS unless {@code actionsDrawn}.
   */
  protected abstract void downloadState(boolean actionsDrawn);

  /** Frees the device's resources; called once, by {@link #close}, after the host's. */
  protected abstract void closeDevice();

  // ---- the skeleton ----

  @Override
  public final EnvState state() {
    return state;
  }

  @Override
  public final Bookkeeper bookkeeper() {
    return host.bookkeeper();
  }

  @Override
  public final void reset(long seed) {
    host.reset(seed); // the reference reset, on the host buffers
    tookHostState(seed, 0);
  }

  /**
   * {@link Backend#restore} for a subclass whose device can take a restored state: the host
   * restores the buffers' derived state, and the device takes them at their tick.
   */
  protected final void restoreHostState(long seed) {
    host.restore(seed);
    tookHostState(seed, state.ints(Buf.TICK).get(0));
  }

  private void tookHostState(long seed, long tick) {
    ticks = tick;
    actionsDrawn = false;
    takeHostState(seed);
  }

  @Override
  public final void step(boolean randomActions, float cap) {
    launch(randomActions, cap, 1, false);
  }

  @Override
  public final void stepMany(int n, boolean randomActions, float cap) {
    launch(randomActions, cap, n, true);
  }

  private void launch(boolean randomActions, float cap, int n, boolean many) {
    uploadInputs(randomActions, cap, n);
    execute(n, many);
    Role through = Role.lastRegion(state.layout.spec, ticks + n - 1); // what the launch's last step ended
    ticks += n;
    actionsDrawn = randomActions;
    downloadOutputs(through);
    host.bookkeeper().afterLaunch(through != Role.STEP, scratch);
  }

  @Override
  public final void fetchState() {
    downloadState(actionsDrawn);
  }

  /** Counts {@code bytes} copied host to device, at the transfer that moves them. */
  protected final void countToDevice(long bytes) {
    bytesToDevice += bytes;
  }

  /** Counts {@code bytes} copied device to host, at the transfer that moves them. */
  protected final void countFromDevice(long bytes) {
    bytesFromDevice += bytes;
  }

  @Override
  public final long bytesToDevice() {
    return bytesToDevice;
  }

  @Override
  public final long bytesFromDevice() {
    return bytesFromDevice;
  }

  @Override
  public final void close() {
    if (closed) return;
    closed = true;
    host.close();
    closeDevice();
  }
}
