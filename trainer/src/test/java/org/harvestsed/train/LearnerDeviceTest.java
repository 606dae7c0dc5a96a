package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.junit.jupiter.api.Test;

/** train.device: auto picks what PyTorch sees; gpu without one, or a PyTorch that does not load, is one clear error. */
class LearnerDeviceTest {
  static {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void autoAndCpuFollowWhatPyTorchSees() {
    boolean gpu = Engine.getInstance().getGpuCount() > 0;
    assertThat(LearnerDevice.resolve(LearnerDevice.Setting.AUTO)).isEqualTo(gpu ? Device.gpu(0) : Device.cpu());
    assertThat(LearnerDevice.resolve(LearnerDevice.Setting.CPU)).isEqualTo(Device.cpu());
    assertThat(LearnerDevice.nativeFlavor()).as("the bundled PyTorch's flavor is read from its jar").isNotEqualTo("unknown");
  }

  @Test
  void gpuWithoutAGpuNamesTheFix() {
    Engine noGpu = new Engine() {
      @Override public String getEngineName() { return "none"; }
      @Override public int getRank() { return 0; }
      @Override public String getVersion() { return "0"; }
      @Override public boolean hasCapability(String c) { return false; }
      @Override public ai.djl.training.GradientCollector newGradientCollector() { throw new UnsupportedOperationException(); }
      @Override public ai.djl.ndarray.NDManager newBaseManager() { throw new UnsupportedOperationException(); }
      @Override public ai.djl.ndarray.NDManager newBaseManager(Device d) { throw new UnsupportedOperationException(); }
      @Override public ai.djl.nn.SymbolBlock newSymbolBlock(ai.djl.ndarray.NDManager m) { throw new UnsupportedOperationException(); }
      @Override public ai.djl.Model newModel(String n, Device d) { throw new UnsupportedOperationException(); }
      @Override public Engine getAlternativeEngine() { return null; }
      @Override public int getGpuCount() { return 0; }
    };
    assertThat(LearnerDevice.resolve(LearnerDevice.Setting.AUTO, () -> noGpu, "cpu")).isEqualTo(Device.cpu());
    assertThatThrownBy(() -> LearnerDevice.resolve(LearnerDevice.Setting.GPU, () -> noGpu, "cpu"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("train.device: gpu, but PyTorch sees no GPU")
        .hasMessageContaining("./mvnw -Pcuda").hasMessageContaining("train.device: cpu");
    assertThatThrownBy(() -> LearnerDevice.resolve(LearnerDevice.Setting.GPU, () -> noGpu, "cu124"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("built with -Pcuda").hasMessageContaining("nvidia-smi");
  }

  @Test
  void aCudaBuildWithoutADriverNamesTheFix() {
    for (LearnerDevice.Setting s : LearnerDevice.Setting.values()) {
      assertThatThrownBy(() -> LearnerDevice.resolve(s, () -> {
        throw new EngineException("Failed to load PyTorch native library", new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file"));
      }, "cu124")).isInstanceOf(ConfigException.class).hasMessageContaining("PyTorch could not start")
          .hasMessageContaining("libcuda.so.1").hasMessageContaining("rebuild without -Pcuda");
    }
  }

  @Test
  void anUnknownDeviceIsAConfigError() {
    assertThatThrownBy(() -> TrainConfig.parse(Config.parse("train: {device: tpu}", "t").train()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("train.device").hasMessageContaining("[auto, cpu, gpu]");
    assertThat(TrainConfig.parse(Config.parse("train: {device: GPU}", "t").train()).device()).isEqualTo(LearnerDevice.Setting.GPU);
    assertThat(TrainConfig.parse(Config.parse("train: {}", "t").train()).device()).isEqualTo(LearnerDevice.Setting.AUTO);
  }
}
