package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.harvestsed.engine.config.Mapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU check's own logic, on this machine: its arguments, the refusal of a CPU device, a stage
 * cut by its time limit and one abandoned past it (the report still says what ran), the field
 * check CI applies to the dry run, and the counts it reads from NVIDIA's build log and PTX. The
 * whole check runs in CI from the bundle (ci/test, docs/GPU.md), not here.
 */
class GpuCheckTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private JsonNode report() throws Exception {
    return JSON.readTree(dir.resolve(GpuCheckReport.JSON).toFile());
  }

  @Test
  void badArgumentsGetOneMessage() {
    assertThatThrownBy(() -> GpuCheck.parse(new String[] {"--short"})).isInstanceOf(GpuCheck.UsageException.class).hasMessageContaining("--out DIR is required");
    assertThatThrownBy(() -> GpuCheck.parse(new String[] {"--out", "x", "--stages", "device,warp"})).hasMessageContaining("'warp' is unknown");
    assertThatThrownBy(() -> GpuCheck.parse(new String[] {"--out", "x", "--budget", "parity=-3"})).hasMessageContaining("not a positive number");
    assertThatThrownBy(() -> GpuCheck.parse(new String[] {"--out", "x", "--fast"})).hasMessageContaining("unknown argument '--fast'");
    assertThatThrownBy(() -> GpuCheck.parse(new String[] {"--out"})).hasMessageContaining("--out needs a value");
  }

  @Test
  void fullRunFitsSevenMinutes() {
    GpuCheck.Options o = GpuCheck.parse(new String[] {"--out", "x"});
    double sum = o.budget().values().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(sum).isLessThanOrEqualTo(GpuCheck.TOTAL_S);
    assertThat(o.total()).isEqualTo(420);
    assertThat(o.settings().localSizes()).containsExactly(32, 64, 128, 256);
  }

  @Test
  void everyMappingButAutoIsChecked() {
    assertThat(GpuCheck.mappings()).doesNotContain(Mapping.AUTO).hasSize(Mapping.values().length - 1);
  }

  @Test
  void refusesACpuDeviceWithoutAllowCpu() throws Exception {
    OpenClAvailable.assume();
    org.junit.jupiter.api.Assumptions.assumeTrue(Devices.list().stream().noneMatch(Devices.Device::isGpu), "a GPU is present: nothing to refuse");
    int code = GpuCheck.run(GpuCheck.parse(new String[] {"--out", dir.toString()}));
    assertThat(code).isEqualTo(2);
    JsonNode r = report();
    assertThat(r.path("status").asText()).isEqualTo("refused");
    assertThat(r.path("stages").path("device").path("status").asText()).isEqualTo("refused");
    assertThat(r.path("stages").path("device").path("detail").asText()).contains("not a GPU").contains("--allow-cpu");
    assertThat(r.path("stages").path("device").path("devices")).isNotEmpty(); // what the loader did find
    assertThat(r.path("stages").path("parity").path("status").asText()).isEqualTo("skipped");
    assertThat(Files.readString(dir.resolve(GpuCheckReport.TEXT))).contains("REFUSED").contains("not a GPU");
    assertThat(GpuCheckReport.verify(dir, false)).contains("status is 'refused', not 'complete'");
  }

  /** A parity stage with a 1 s limit stops inside its first run: that run says how far it was identical, the rest 'not run'. */
  @Test
  void aStageCutByItsLimitSaysWhatRan() throws Exception {
    OpenClAvailable.assume();
    // compile the first run's program first (PoCL caches it): a cold compile could outlast the limit and its grace
    try (org.harvestsed.engine.VecEnv warm = org.harvestsed.engine.VecEnv.create(org.harvestsed.engine.Parity.CASES.get(0).spec(), 128, "opencl", 0,
        "", org.harvestsed.engine.config.Transfer.AUTO, OpenClBackend.Launch.of(Mapping.ENV))) {
      warm.reset(1);
      warm.stepRandom();
    }
    int code = GpuCheck.run(GpuCheck.parse(new String[] {"--out", dir.toString(), "--allow-cpu", "--stages", "parity", "--budget", "parity=1"}));
    assertThat(code).isEqualTo(1);
    JsonNode r = report();
    JsonNode parity = r.path("stages").path("parity");
    assertThat(parity.path("status").asText()).isEqualTo("cut");
    JsonNode first = parity.path("runs").get(0);
    assertThat(first.path("result").asText()).isIn("stopped", "identical");
    assertThat(first.path("steps_checked").asInt()).isPositive();
    assertThat(parity.path("runs").get(parity.path("runs").size() - 1).path("result").asText()).isEqualTo("not run");
    assertThat(r.path("status").asText()).isEqualTo("incomplete");
    List<String> problems = GpuCheckReport.verify(dir, false);
    assertThat(problems).contains("stage parity is 'cut', not 'ok'").anyMatch(p -> p.startsWith("parity: ") && p.endsWith("not run"))
        .anyMatch(p -> p.startsWith("throughput: no measured cell"));
  }

  @Test
  void aStageStuckPastItsLimitIsAbandoned() throws Exception {
    GpuCheckReport report = new GpuCheckReport(dir, GpuCheck.parse(new String[] {"--out", dir.toString()}));
    GpuCheckReport.Stage st = report.begin("build", 0.2);
    long t0 = System.nanoTime();
    String status = st.runWithin(s -> {
      s.activity("waiting for a driver that never answers");
      Thread.sleep(60_000);
    }, 0.3);
    assertThat(status).isEqualTo("timed_out");
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
    JsonNode build = report().path("stages").path("build");
    assertThat(build.path("status").asText()).isEqualTo("timed_out");
    assertThat(build.path("detail").asText()).contains("waiting for a driver that never answers");
  }

  @Test
  void readsRegistersFromAnNvidiaBuildLog() {
    String log = """
        ptxas info    : 0 bytes gmem
        ptxas info    : Compiling entry function 'harvest_step' for 'sm_90'
        ptxas info    : Function properties for harvest_step
            48 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
        ptxas info    : Used 72 registers, 5564 bytes smem, 436 bytes cmem[0]
        ptxas info    : Compiling entry function 'harvest_step_many' for 'sm_90'
        ptxas info    : Used 80 registers, 5564 bytes smem, 440 bytes cmem[0]
        """;
    assertThat(GpuCheck.registers(log)).containsEntry("harvest_step", 72).containsEntry("harvest_step_many", 80).hasSize(2);
    assertThat(GpuCheck.registers("PoCL: no such lines")).isEmpty();
  }

  @Test
  void countsFusedMultiplyAddsAndFencesInPtx() {
    String ptx = """
        \tmul.rn.f32 \t%f3, %f1, %f2;
        \tmul.f32 \t%f6, %f1, %f2;
        \tmul.ftz.f32 \t%f7, %f1, %f2;
        \tmul.f64 \t%fd5, %fd2, %fd3;
        \tdiv.rn.f32 \t%f8, %f1, %f2;
        \tdiv.approx.f32 \t%f9, %f1, %f2;
        \tdiv.full.ftz.f32 \t%f10, %f1, %f2;
        \tfma.rn.f32 \t%f4, %f1, %f2, %f3;
        \tfma.rn.ftz.f32 \t%f5, %f1, %f2, %f3;
        \tfma.rn.f64 \t%fd1, %fd2, %fd3, %fd4;
        \tmembar.gl;
        \tfence.sc.gpu;
        \tmembar.cta;
        \tbar.sync \t0;
        """;
    JsonNode c = GpuCheck.binaryCounts(ptx);
    assertThat(c.path("fma_f32").asInt()).isEqualTo(2);
    assertThat(c.path("mul_f32_unrounded").asInt()).isEqualTo(2); // mul.f32 and mul.ftz.f32; not mul.rn.f32, not f64
    assertThat(c.path("div_f32_inexact").asInt()).isEqualTo(2); // div.approx and div.full; not div.rn
    assertThat(c.path("global_fences").asInt()).isEqualTo(2);
    assertThat(c.path("barriers").asInt()).isEqualTo(1);
    assertThat(GpuCheck.isText(ptx.getBytes())).isTrue();
    assertThat(GpuCheck.isText(new byte[] {0x7f, 'E', 'L', 'F', 0, 1})).isFalse();
  }
}
