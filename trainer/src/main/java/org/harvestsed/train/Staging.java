package org.harvestsed.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * The rollout's way onto a learner device that is not the host (a GPU): what one step hands to
 * the learner is gathered by plain memory copies into two host tensors, one per element type, and
 * crosses in two copies, whatever the number of envs:
 * <pre>
 *   bytes  [m * view codes | envs dones]      uint8
 *   floats [m * F features | m rewards]       float32
 * </pre>
 * Step t sends the observation of s_t together with the rewards and dones of step t - 1 (they
 * are known at the same moment), so a step costs two host-to-device copies instead of four; the
 * last step's rewards and dones follow at the end of the rollout ({@link #sendOutcome}). On the
 * device the parts are views of the two tensors, copied into the storage rows there.
 */
final class Staging implements AutoCloseable {
  private final NDManager host, device;
  private final NDArray hostBytes, hostFloats, deviceBytes, deviceFloats;
  private final StepIo io;
  private final ByteBuffer hostBytesMem, hostFloatsMem;
  private final long[] bytesAll, floatsAll, bytesTail, floatsTail; // slice bounds: whole tensors, where their tails start
  private final NDArray hostBytesTail, hostFloatsTail;
  private final HostCopies copies;
  /** Device views: [m, view] codes, [m, F] features of the staged observation; [m] rewards, [envs] dones of the staged outcome. */
  final NDArray codes, features, rewards, dones;

  /** {@code io}: the engine's buffers of {@code m} actors. */
  Staging(StepIo io, int m, NDManager learner, HostCopies copies) {
    this.io = io;
    this.copies = copies;
    int codeBytes = io.codeBytes(), doneBytes = io.doneBytes(), featureBytes = io.featureBytes();
    int view = codeBytes / m, f = featureBytes / (4 * m);
    host = NDManager.newBaseManager(Device.cpu());
    device = learner.newSubManager();
    hostBytes = host.zeros(new Shape(codeBytes + doneBytes), DataType.UINT8);
    hostFloats = host.zeros(new Shape(m * f + m));
    deviceBytes = device.zeros(new Shape(codeBytes + doneBytes), DataType.UINT8);
    deviceFloats = device.zeros(new Shape(m * f + m));
    hostBytesMem = PlayerPolicy.view(hostBytes);
    hostFloatsMem = PlayerPolicy.view(hostFloats);
    bytesAll = new long[] {codeBytes + doneBytes};
    floatsAll = new long[] {m * f + m};
    bytesTail = new long[] {codeBytes};
    floatsTail = new long[] {m * f};
    hostBytesTail = hostBytes.get(codeBytes + ":");
    hostFloatsTail = hostFloats.get(m * f + ":");
    codes = deviceBytes.get(":" + codeBytes).reshape(m, view);
    dones = deviceBytes.get(codeBytes + ":");
    features = deviceFloats.get(":" + m * f).reshape(m, f);
    rewards = deviceFloats.get(m * f + ":");
  }

  /** The env's current observation (codes, features) into the host tensors. */
  void stageObservation() {
    io.copyObservation(hostBytesMem, 0, hostFloatsMem, 0);
  }

  /** The env's last rewards and dones into the host tensors. */
  void stageOutcome() {
    io.copyOutcome(hostFloatsMem, io.featureBytes(), hostBytesMem, io.codeBytes());
  }

  /** Both host tensors to the device: two copies. */
  void send() {
    Copy.all(deviceBytes, bytesAll, hostBytes);
    Copy.all(deviceFloats, floatsAll, hostFloats);
    copies.in(io.codeBytes() + io.doneBytes() + io.featureBytes() + io.rewardBytes());
  }

  /** Only the staged outcome (rewards, dones) to the device: the end of a rollout. */
  void sendOutcome() {
    Copy.into(deviceBytes, bytesTail, bytesAll, hostBytesTail);
    Copy.into(deviceFloats, floatsTail, floatsAll, hostFloatsTail);
    copies.in(io.doneBytes() + io.rewardBytes());
  }

  @Override
  public void close() {
    device.close();
    host.close();
  }
}
