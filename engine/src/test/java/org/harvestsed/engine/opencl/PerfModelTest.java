package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.state.Layout;
import org.junit.jupiter.api.Test;

/** The performance model ({@link PerfModel}): its measured inputs, what it says binds, and the mapping auto picks by it. */
class PerfModelTest {
  static final Layout SMALL = PerfModel.layout("default");
  static final Layout BIG = PerfModel.layout("generated7000");
  static final Mapping[] MAPPINGS = {Mapping.ENV, Mapping.GROUP, Mapping.WARP};

  @Test
  void everyMappingAndLayoutHasMeasuredCountsWhoseWarpsIssueNoMoreThanTheirLanes() {
    for (Layout l : new Layout[] {SMALL, BIG}) {
      for (Mapping m : MAPPINGS) {
        PerfModel.Counts c = PerfModel.counts(l, m, "none");
        assertThat(c.warpInsts()).as("%s %s", l.players, m).isPositive().isLessThanOrEqualTo(c.laneInsts());
        assertThat(c.warpGlobal()).isPositive().isLessThanOrEqualTo(c.laneGlobal());
        // the per-env mapping has no barrier; the others have some every step
        assertThat(c.barriers() > 0).isEqualTo(m != Mapping.ENV);
        Map<String, Double> phases = PerfModel.phaseWarpInsts(l, m);
        // leaving a phase out never adds work, and observing is a real share of every step
        for (double v : phases.values()) assertThat(v).as("%s %s %s", l.players, m, phases).isGreaterThanOrEqualTo(0);
        assertThat(phases.get("observe")).isGreaterThan(0.05 * c.warpInsts());
      }
    }
  }

  @Test
  void theWarpMappingIssuesFewerWarpInstructionsPerEnvThanTheGroupMapping() {
    // one warp per env against four, each of which runs every phase's loops and per-player checks (since
    // the flag counts of group_count_before replaced the 128-iteration scans, 0.60 of the group's on the default map)
    assertThat(PerfModel.counts(SMALL, Mapping.WARP, "none").warpInsts()).isLessThan(0.7 * PerfModel.counts(SMALL, Mapping.GROUP, "none").warpInsts());
  }

  @Test
  void theBindingLimitIsNamedAndIsTheLargestTerm() {
    for (Mapping m : MAPPINGS) {
      for (int envs : new int[] {1, 4096, 65536}) {
        PerfModel.Projection p = PerfModel.project(PerfModel.H100, SMALL, envs, m);
        double top = switch (p.binds()) {
          case ISSUE -> p.issueS();
          case LOCAL_MEMORY -> p.localS();
          case LATENCY -> p.latencyS();
          case MEMORY_BANDWIDTH -> p.memoryS();
          case LAUNCH -> p.launchS();
        };
        for (double v : new double[] {p.issueS(), p.localS(), p.latencyS(), p.memoryS(), p.launchS()}) assertThat(top).isGreaterThanOrEqualTo(v);
        assertThat(p.stepS()).isGreaterThanOrEqualTo(top);
      }
    }
    // one env of 7 players fills one warp of one SM: its latency path, or the launch, binds, never the GPU's issue rate
    assertThat(PerfModel.project(PerfModel.H100, SMALL, 1, Mapping.WARP).binds()).isIn(PerfModel.Limit.LATENCY, PerfModel.Limit.LAUNCH);
  }

  @Test
  void moreEnvsThanTheGpuHoldsAtOnceTakeMoreRounds() {
    PerfModel.Projection few = PerfModel.project(PerfModel.H100, SMALL, 4096, Mapping.WARP);
    PerfModel.Projection many = PerfModel.project(PerfModel.H100, SMALL, 65536, Mapping.WARP);
    assertThat(few.envsPerGroup()).isEqualTo(1); // one env per work-group on a GPU (OpenClBackend.warpEnvs: measured best on an H100)
    assertThat(many.rounds()).isGreaterThan(few.rounds());
    assertThat(many.playerStepsPerS()).isGreaterThanOrEqualTo(few.playerStepsPerS());
  }

  @Test
  void autoPicksTheModelsFastestMappingPerDeviceAndCase() {
    // this machine's CPU: one work-item per env (the fastest on PoCL, docs/BENCHMARKS.md)
    assertThat(PerfModel.best(PerfModel.POCL_2_CORES, SMALL, 1024)).isEqualTo(Mapping.ENV);
    // an H100: one warp per env for many small envs
    assertThat(PerfModel.best(PerfModel.H100, SMALL, 4096)).isEqualTo(Mapping.WARP);
    for (Layout l : new Layout[] {SMALL, BIG}) {
      for (int envs : new int[] {1, 64, 4096}) {
        Mapping best = PerfModel.best(PerfModel.H100, l, envs);
        for (Mapping m : MAPPINGS) {
          assertThat(PerfModel.project(PerfModel.H100, l, envs, best).playerStepsPerS())
              .isGreaterThanOrEqualTo(PerfModel.project(PerfModel.H100, l, envs, m).playerStepsPerS());
        }
      }
    }
  }

  @Test
  void aDevicesParametersComeFromWhatOpenClReports() {
    Devices.Device gpu = new Devices.Device(0, null, null, "fake", "fake-gpu", "OpenCL 3.0", org.jocl.CL.CL_DEVICE_TYPE_GPU, 1L << 34, 1L << 32, 16,
        false, true, 1024, 49152, 1000);
    PerfModel.Device d = PerfModel.of(gpu);
    assertThat(d.computeUnits()).isEqualTo(16);
    assertThat(d.clockHz()).isEqualTo(1e9);
    assertThat(d.localPerGroup()).isEqualTo(49152);
    assertThat(d.warpWidth()).isEqualTo(32);
    Devices.Device cpu = new Devices.Device(0, null, null, "fake", "fake-cpu", "OpenCL 3.0", org.jocl.CL.CL_DEVICE_TYPE_CPU, 1L << 34, 1L << 32, 8,
        true, true, 4096, 1 << 20, 3000);
    assertThat(PerfModel.of(cpu).cpu()).isTrue();
    assertThat(cpu.autoMapping(SMALL, 1024)).isEqualTo(Mapping.ENV);
    assertThat(gpu.autoMapping(SMALL, 4096)).isEqualTo(PerfModel.best(PerfModel.of(gpu), SMALL, 4096));
  }

  @Test
  void anUnmeasuredLayoutIsProjectedFromTheNearestMeasuredOneScaledByPlayers() {
    Layout ssd = new Layout(org.harvestsed.engine.config.Config.parse("env: {map: ssd_harvest, players: 12}", "ssd").env());
    assertThat(PerfModel.counts(ssd, Mapping.WARP, "none").warpInsts())
        .isCloseTo(PerfModel.counts(SMALL, Mapping.WARP, "none").warpInsts() * 12 / SMALL.players, org.assertj.core.data.Offset.offset(1e-6));
    for (Mapping m : MAPPINGS) assertThat(PerfModel.project(PerfModel.H100, ssd, 64, m).playerStepsPerS()).isPositive();
  }

  @Test
  void theWarpMappingTakesOneEnvPerWorkGroupOnAGpuAndUpToEightOnACpu() {
    // 4,096 envs, 48 KiB of local memory, 5,248 B per env: a CPU device takes 8 (fewer, larger groups), a GPU 1 (docs/BENCHMARKS.md,
    // "Measured on an NVIDIA H100": 1 env per work-group the fastest or within 1%, 8 envs 6-41% slower)
    assertThat(OpenClBackend.warpEnvs(true, 4096, 1024, 49152, 5248)).isEqualTo(8);
    assertThat(OpenClBackend.warpEnvs(false, 4096, 1024, 49152, 5248)).isEqualTo(1);
    // a divisor of the envs, within local memory and the work-group limit
    assertThat(OpenClBackend.warpEnvs(true, 12, 1024, 49152, 5248)).isEqualTo(6);
    assertThat(OpenClBackend.warpEnvs(true, 4096, 1024, 3 * 5248, 5248)).isEqualTo(2);
    assertThat(OpenClBackend.warpEnvs(true, 4096, 64, 49152, 5248)).isEqualTo(2);
    assertThat(OpenClBackend.warpEnvs(false, 7, 1024, 100, 5248)).isEqualTo(1);
  }

  @Test
  void aLaunchOfManyStepsSharesItsCostAndMoreRegistersPerWorkItemHoldFewerGroups() {
    PerfModel.Projection one = PerfModel.project(PerfModel.H100, SMALL, 4096, Mapping.WARP, 32, 56, 1);
    PerfModel.Projection fifty = PerfModel.project(PerfModel.H100, SMALL, 4096, Mapping.WARP, 32, 56, 50);
    assertThat(fifty.launchS()).isCloseTo(one.launchS() / 50, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(fifty.stepS()).isLessThan(one.stepS());
    // the env's cells are copied into __local memory and back once per launch: a launch's steps share those bytes too
    assertThat(fifty.memoryS()).isLessThan(one.memoryS() / 2);
    // and their instructions: a two-step launch (measured) splits into per step and per launch
    PerfModel.Counts c1 = PerfModel.counts(SMALL, Mapping.WARP, "none"), c2 = PerfModel.counts(SMALL, Mapping.WARP, "steps2");
    assertThat(c2.warpInsts()).isGreaterThan(c1.warpInsts()).isLessThan(2 * c1.warpInsts());
    assertThat(PerfModel.perStep(SMALL, Mapping.WARP, 1)).isEqualTo(c1);
    assertThat(PerfModel.perStep(SMALL, Mapping.WARP, 2).warpInsts()).isCloseTo(c2.warpInsts() / 2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(PerfModel.perStep(SMALL, Mapping.WARP, 50).warpInsts())
        .isCloseTo(c2.warpInsts() - c1.warpInsts() + (2 * c1.warpInsts() - c2.warpInsts()) / 50, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(fifty.warpInsts()).isEqualTo(PerfModel.perStep(SMALL, Mapping.WARP, 50).warpInsts());
    // 65,536 registers per SM: 56 per work-item hold 32 one-warp groups (the SM's limit of groups), 168 hold 12, and a group of 8 warps at 168 only 1
    assertThat(one.residentGroups()).isEqualTo(32);
    assertThat(PerfModel.project(PerfModel.H100, SMALL, 4096, Mapping.WARP, 32, 168, 50).residentGroups()).isEqualTo(12);
    assertThat(PerfModel.project(PerfModel.H100, SMALL, 4096, Mapping.WARP, 256, 168, 50).residentGroups()).isEqualTo(1);
    assertThat(PerfModel.project(PerfModel.H100, SMALL, 4096, Mapping.WARP, 256, 168, 50).playerStepsPerS())
        .isLessThan(PerfModel.project(PerfModel.H100, SMALL, 4096, Mapping.WARP, 32, 168, 50).playerStepsPerS());
    assertThatThrownBy(() -> PerfModel.project(PerfModel.H100, SMALL, 4096, Mapping.WARP, 96, 0, 1)).hasMessageContaining("does not divide");
  }

  @Test
  void theCheckAgainstAGpuCheckReportUsesEachCellsKernelRegistersAndReadBack() throws Exception {
    String report = """
        {"stages": {
          "build": {"programs": [{"name": "7p-warp-localcells", "kernels": [{"name": "harvest_step", "registers": 56},
                                                                            {"name": "harvest_step_many", "registers": 168}]}]},
          "throughput": {"cells": [
            {"players": 7, "envs": 4096, "mapping": "warp", "local_size": 32, "steps_per_launch": 1, "result": "ok",
             "player_steps_per_s": 2.0e8, "bytes_from_device_per_step": 4.65e6},
            {"players": 7, "envs": 4096, "mapping": "warp", "local_size": 32, "steps_per_launch": 50, "result": "ok",
             "player_steps_per_s": 8.0e8, "bytes_from_device_per_step": 1.97e5, "kernel_player_steps_per_s": 1.0e9},
            {"players": 7, "envs": 4096, "mapping": "warp", "local_size": 64, "steps_per_launch": 1, "result": "refused"}]},
          "bandwidth": {"device_copy": {"bytes_per_s": 2.8e12}, "transfers": {"device_to_host_bytes_per_s": 5.0e10}}}}""";
    java.util.List<String> rows = PerfModel.check(new com.fasterxml.jackson.databind.ObjectMapper().readTree(report));
    // header, rule, the two measured cells (the refused one left out), a summary of both and one of the one with a kernel time
    assertThat(rows).hasSize(2 + 2 + 1 + 1);
    assertThat(rows.get(2)).contains("| 7 x 4,096 | warp | 32 | 1 | 56 | 32 x 1 |").contains("4.0 + 93.0").endsWith("| not measured |"); // 4.65 MB at 50 GB/s
    assertThat(rows.get(3)).contains("| 50 | 168 | 12 x 1 |");
    // the model's figures and the ratios, from the model itself
    PerfModel.Device d = PerfModel.H100.withBytesPerS(2.8e12, "the report's bandwidth");
    double model = 28672 / (PerfModel.project(d, SMALL, 4096, Mapping.WARP, 32, 56, 1).stepS() + 4.65e6 / 5.0e10);
    assertThat(rows.get(2)).contains(String.format(java.util.Locale.ROOT, "| %.3g | %.3g | %.2f |", model, 2.0e8, model / 2.0e8));
    PerfModel.Projection many = PerfModel.project(d, SMALL, 4096, Mapping.WARP, 32, 168, 50);
    double kernel = 28672 / (many.stepS() - many.launchS());
    assertThat(rows.get(3)).endsWith(String.format(java.util.Locale.ROOT, "| %.3g / %.3g (%.2f) |", kernel, 1.0e9, kernel / 1.0e9));
    assertThat(rows.get(4)).startsWith("warp: model / measured over 2 cells");
    assertThat(rows.get(5)).startsWith("warp: kernel only, model / measured over 1 cells");
    assertThatThrownBy(() -> PerfModel.check(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"stages\": {}}")))
        .hasMessageContaining("no measured bandwidths");
  }
}
