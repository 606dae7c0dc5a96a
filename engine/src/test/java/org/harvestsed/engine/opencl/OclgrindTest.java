package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three mappings of the OpenCL step under Oclgrind (an OpenCL device simulator that checks every
 * memory access): data races, uninitialized values, out-of-bounds accesses, barrier divergence and
 * API errors. {@link OclgrindRun} runs in a separate JVM whose only OpenCL platform is Oclgrind
 * (its ICD library through OCL_ICD_VENDORS, its checks switched on by the OCLGRIND_* variables
 * the {@code oclgrind} command sets); any message Oclgrind logs fails the test. Without Oclgrind the test is skipped with the reason; with
 * HARVEST_REQUIRE_OPENCL=1 (CI, whose .ci/run installs it) it fails instead.
 */
class OclgrindTest {
  /** Small configs with short episodes, periods and rounds, so resets, taxes and votes happen in a few hundred steps. */
  static final String[][] CONFIGS = {
      {"default map", "env: {episode_length: 60, tax: {period: 10, divergence_limit: 0.3}, voting: {round_periods: 3}}", "200"},
      {"ssd_harvest, zap, majority", "env: {map: ssd_harvest, players: 12, zap: {enabled: true, fire_cost: 0.25, hit_penalty: 1.5},"
          + " episode_length: 60, tax: {period: 10}, voting: {round_periods: 3, social_choice: majority, objective: nash}}", "200"},
      {"generated map, 100 players, zap", "env: {map: generated, players: 100, generated: {seed: 4}, zap: {enabled: true},"
          + " episode_length: 30, tax: {period: 5}, voting: {round_periods: 2, social_choice: median}}", "40"}};

  static final int ENVS = 1;
  /** The warp mapping's envs (one work-group) where their local state fits Oclgrind's local memory: its barriers span envs. */
  static final int WARP_ENVS = 2;
  static final int LOCAL_SIZE = 16;

  /** Oclgrind's ICD library. */
  static Path icd;

  @BeforeAll
  static void needsOclgrind() {
    OpenClAvailable.assume();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, "oclgrind");
      if (!Files.isExecutable(p) || p.getParent().getParent() == null) continue;
      Path prefix = p.getParent().getParent();
      for (String lib : new String[] {"lib/oclgrind/liboclgrind-rt-icd.so", "lib/x86_64-linux-gnu/liboclgrind-rt-icd.so", "lib/liboclgrind-rt-icd.so"}) {
        if (icd == null && Files.exists(prefix.resolve(lib))) icd = prefix.resolve(lib);
      }
    }
    if (icd != null) return;
    String why = "Oclgrind (oclgrind on the PATH and its liboclgrind-rt-icd.so) is not installed (Debian/Ubuntu: apt-get install oclgrind)";
    if ("1".equals(System.getenv("HARVEST_REQUIRE_OPENCL"))) Assertions.fail("HARVEST_REQUIRE_OPENCL=1 but " + why);
    Assumptions.assumeTrue(false, "skipped: " + why);
  }

  /** Runs OclgrindRun under Oclgrind; returns {stdout and stderr, Oclgrind's log}. */
  static String[] run(List<String> jvmProps, String... args) throws IOException, InterruptedException {
    Path log = Files.createTempFile("oclgrind", ".log");
    Path vendors = Files.createTempDirectory("oclgrind-icd");
    Path icdFile = Files.writeString(vendors.resolve("oclgrind.icd"), icd + "\n");
    try {
      // Oclgrind 21.10's uninitialized-value checker stops at LLVM's `freeze`, which clang's optimizer
      // emits (the kernel then does not run): build the kernels unoptimized under Oclgrind
      String output = ChildJvm.run(OclgrindRun.class, jvmProps, Map.of("OCL_ICD_VENDORS", vendors.toString(),
          "OCLGRIND_BUILD_OPTIONS", "-cl-opt-disable", "OCLGRIND_DATA_RACES", "1", "OCLGRIND_UNINITIALIZED", "1",
          "OCLGRIND_CHECK_API", "1", "OCLGRIND_LOG", log.toString()), 15, args);
      assertThat(output).as("the run's device").contains("Oclgrind");
      return new String[] {output, Files.readString(log, StandardCharsets.UTF_8)};
    } finally {
      Files.deleteIfExists(log);
      Files.deleteIfExists(icdFile);
      Files.deleteIfExists(vendors);
    }
  }

  @Test
  void threeMappingsOnThreeConfigsWithoutAnyReport() throws Exception {
    String[] r = run(List.of(), String.valueOf(ENVS), String.valueOf(LOCAL_SIZE));
    System.out.print(r[0]);
    assertThat(r[1]).as("Oclgrind's report").isEmpty();
    for (String[] c : CONFIGS) {
      for (String m : new String[] {"env", "group", "warp"}) {
        assertThat(r[0]).containsPattern(java.util.regex.Pattern.quote(c[0] + ", mapping " + m + ": " + c[2] + " steps (")
            + "[1-9]\\d* episode ends, [1-9]\\d* round ends\\) bit-identical to java");
      }
    }
  }

  /**
   * The same in the warp mapping (local state): the barrier between work-item 0's move chain and the
   * copy of the staged positions back to global memory left out (moves.cl, TEST_RACE).
   */
  @Test
  void aWarpKernelWithAMissingBarrierIsReported() throws Exception {
    String[] r = run(List.of("-Dharvest.opencl.test-race=true", "-Dharvest.oclgrind.steps=3"), String.valueOf(ENVS), String.valueOf(LOCAL_SIZE), "0", "warp");
    assertThat(r[0]).contains("state in __local memory");
    assertThat(r[1]).as("Oclgrind's report").containsIgnoringCase("data race");
  }

  /** The check can fail: the group kernel with one barrier left out (consumption.cl, TEST_RACE) is reported as a data race. */
  @Test
  void aKernelWithAMissingBarrierIsReported() throws Exception {
    String[] r = run(List.of("-Dharvest.opencl.test-race=true", "-Dharvest.oclgrind.steps=3"), String.valueOf(ENVS), String.valueOf(LOCAL_SIZE), "0", "group");
    assertThat(r[1]).as("Oclgrind's report").containsIgnoringCase("data race");
  }
}
