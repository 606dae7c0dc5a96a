package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;

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
    assertThat(few.envsPerGroup()).isEqualTo(8); // 8 x 5,228 B of local state within OpenCL's 48 KiB per work-group
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
}
