package org.harvestsed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.harvestsed.engine.opencl.Devices;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --mapping / run.mapping and --local-size / run.local_size: reported by simulate --json and devices; bad values are clear errors. */
class MappingCliTest {
  static final String Q = CliTest.QUICKSTART.toString();

  static void needsOpenCl() {
    try {
      Devices.list();
    } catch (Devices.NoOpenClException e) {
      if ("1".equals(System.getenv("HARVEST_REQUIRE_OPENCL"))) Assertions.fail("HARVEST_REQUIRE_OPENCL=1 but " + e.getMessage());
      Assumptions.assumeTrue(false, "skipped: " + e.getMessage());
    }
  }

  static JsonNode simulate(String... extra) throws Exception {
    String[] base = {"simulate", "--config", Q, "--envs", "3", "--steps", "60", "--json"};
    String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    CliTest.Run r = CliTest.cli(args);
    assertThat(r.code()).as(r.err()).isZero();
    return CliTest.JSON.readTree(r.out());
  }

  @Test
  void javaReportsNoMapping() throws Exception {
    JsonNode o = simulate();
    assertThat(o.get("mapping").isNull()).isTrue();
    assertThat(o.get("device").isNull()).isTrue();
    assertThat(o.get("local_size").isNull()).isTrue();
  }

  @Test
  void openclReportsTheMappingAndLocalSizeItLaunched() throws Exception {
    needsOpenCl();
    boolean cpu = Devices.choose("").autoMapping().label().equals("env");
    JsonNode auto = simulate("--backend", "opencl");
    assertThat(auto.get("mapping").asText()).isEqualTo(cpu ? "env" : "warp");
    Devices.Device d = Devices.choose("");
    assertThat(auto.get("device").asText()).isEqualTo(d.platformName() + " | " + d.name()); // the default: a GPU where one exists
    assertThat(auto.get("local_size").asInt()).isPositive();
    JsonNode group = simulate("--backend", "opencl", "--mapping", "group", "--local-size", "32");
    assertThat(group.get("mapping").asText()).isEqualTo("group");
    assertThat(group.get("local_size").asInt()).isEqualTo(32);
    // the same game either way (the parity suite checks every buffer; here the round metrics agree)
    assertThat(simulate("--backend", "opencl", "--mapping", "env").get("rounds")).isEqualTo(group.get("rounds"));
  }

  @Test
  void devicesShowsTheMappingAutoPicksPerDevice() {
    needsOpenCl();
    CliTest.Run r = CliTest.cli("devices");
    assertThat(r.code()).isZero();
    for (Devices.Device d : Devices.list()) {
      assertThat(r.out()).contains(d.name()).contains("mapping auto: " + d.autoMapping().label());
    }
  }

  @Test
  void badMappingsAndLocalSizesAreClearErrors(@TempDir Path dir) throws Exception {
    CliTest.Run r = CliTest.cli("simulate", "--config", Q, "--mapping", "wave");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("run.mapping: 'wave' is unknown; allowed: [auto, env, group, warp] (from --mapping wave)");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "run:\n  mapping: wave\n");
    r = CliTest.cli("simulate", "--config", bad.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("run.mapping: 'wave' is unknown; allowed: [auto, env, group, warp]");
    Files.writeString(bad, "run:\n  local_size: -4\n");
    r = CliTest.cli("simulate", "--config", bad.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("run.local_size: -4 must be >= 0 (0 = chosen from the device)");
  }

  @Test
  void aLocalSizeTheDeviceRefusesNamesItsLimit() {
    needsOpenCl();
    for (String m : new String[] {"env", "group"}) {
      CliTest.Run r = CliTest.cli("simulate", "--config", Q, "--backend", "opencl", "--mapping", m, "--local-size", "1000000", "--steps", "5");
      assertThat(r.code()).as(m).isEqualTo(2);
      assertThat(r.err()).as(m).contains("local size 1000000 is more than").containsPattern("CL_(DEVICE_MAX|KERNEL)_WORK_GROUP_SIZE = \\d+")
          .contains("use a local size of at most");
    }
  }
}
