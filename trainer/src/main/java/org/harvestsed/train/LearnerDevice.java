package org.harvestsed.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.function.Supplier;
import org.harvestsed.engine.config.ConfigException;

/**
 * The learner's device ({@code train.device}): where the networks, the rollout storage, the
 * players' sampling, GAE and the minibatch gathers live. {@code auto} picks the first GPU when
 * PyTorch sees one and the CPU otherwise; {@code gpu} without a GPU, or a PyTorch that does not
 * load (a {@code -Pcuda} build on a machine without the NVIDIA driver), is bad input: one message
 * naming the fix, before the trainer builds anything.
 */
public final class LearnerDevice {
  private LearnerDevice() {}

  /** The {@code train.device} values. */
  public enum Setting { AUTO, CPU, GPU }

  /** The device for {@code setting}, asking the PyTorch engine how many GPUs it sees. */
  public static Device resolve(Setting setting) {
    return resolve(setting, Engine::getInstance, nativeFlavor());
  }

  /**
   * {@link #resolve(Setting)} with the engine and the bundled PyTorch flavor ({@code cpu},
   * {@code cu124}, ...) given (tests).
   */
  static Device resolve(Setting setting, Supplier<Engine> engine, String flavor) {
    if (setting == Setting.CPU) {
      load(engine, flavor); // the same clear message if PyTorch does not load at all
      return Device.cpu();
    }
    int gpus = load(engine, flavor).getGpuCount();
    if (gpus > 0) return Device.gpu(0);
    if (setting == Setting.AUTO) return Device.cpu();
    String why = flavor.startsWith("cu")
        ? "this build bundles PyTorch for CUDA (" + flavor + ", built with -Pcuda) but no NVIDIA GPU and driver are visible (check nvidia-smi)"
        : "this build bundles the CPU PyTorch (" + flavor + "); on a machine with an NVIDIA GPU and driver, build with ./mvnw -Pcuda";
    throw ConfigException.at("train.device", "gpu, but PyTorch sees no GPU: " + why + "; or set train.device: cpu (or auto)");
  }

  private static Engine load(Supplier<Engine> engine, String flavor) {
    try {
      return engine.get();
    } catch (RuntimeException | LinkageError e) {
      String hint = flavor.startsWith("cu")
          ? "this build bundles PyTorch for CUDA (" + flavor + ", built with -Pcuda), which needs an NVIDIA driver; on a machine without one,"
              + " rebuild without -Pcuda (./mvnw -B -ntp -DskipTests package) for the CPU PyTorch"
          : "the bundled PyTorch (" + flavor + ") did not load; rebuild with ./mvnw -B -ntp -DskipTests package";
      throw ConfigException.at("train.device", "PyTorch could not start (" + rootMessage(e) + "): " + hint);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** The flavor of the PyTorch native jar on the class path ({@code cpu}, {@code cu124}, ...), "unknown" without one. */
  static String nativeFlavor() {
    try (InputStream in = LearnerDevice.class.getResourceAsStream("/native/lib/pytorch.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("flavor", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
