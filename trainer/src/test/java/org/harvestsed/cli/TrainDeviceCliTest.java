package org.harvestsed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train.device: gpu} where PyTorch sees no GPU: one message, exit 2, nothing written. */
class TrainDeviceCliTest {
  @Test
  void gpuWithoutAGpuExitsWithTwoBeforeWritingAnything(@TempDir Path dir) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU: train.device: gpu is valid here");
    Path cfg = dir.resolve("gpu.yaml");
    Files.writeString(cfg, Files.readString(CliTest.QUICKSTART).replace("train:\n", "train:\n  device: gpu\n"));
    Path out = dir.resolve("run");
    CliTest.Run r = CliTest.cli("train", "--config", cfg.toString(), "--out", out.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("harvest: error: train.device: gpu, but PyTorch sees no GPU").contains("train.device: cpu");
    assertThat(r.err().lines().count()).as("one message, no stack trace").isEqualTo(1);
    assertThat(out).doesNotExist();
  }
}
