package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;
import org.jocl.CL;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.junit.jupiter.api.Test;

/** Kernel build errors, the memory check, the generated header. */
class OpenClErrorsTest {
  @Test
  void brokenKernelSourceYieldsTheBuildLog() {
    OpenClAvailable.assume();
    Devices.Device d = Devices.choose("");
    cl_context_properties props = new cl_context_properties();
    props.addProperty(CL.CL_CONTEXT_PLATFORM, d.platform());
    cl_context ctx = CL.clCreateContext(props, 1, new cl_device_id[] {d.id()}, null, null, null);
    try {
      String broken = KernelSource.build(new Layout(Config.defaults().env())) + "\n__kernel void broken(__global int* x) { x[0] = undefined_symbol_42; }\n";
      assertThatThrownBy(() -> OpenClBackend.build(ctx, d, broken))
          .isInstanceOf(KernelBuildException.class)
          .hasMessageContaining("OpenCL kernel build failed on " + d.name())
          .hasMessageContaining("undefined_symbol_42");
    } finally {
      CL.clReleaseContext(ctx);
    }
  }

  @Test
  void tooManyEnvsForTheDeviceIsRefusedBeforeAllocatingWithTheMaximumThatFits() {
    Layout l = new Layout(Config.defaults().env());
    long perEnv = EnvState.bytesPerEnv(l);
    // a fake device with room for about 1000 envs
    Devices.Device small = new Devices.Device(0, null, null, "fake", "tiny-device", "OpenCL 1.2", 4, perEnv * 1000, perEnv * 1000, 1, true, true, 1024, 65536);
    OpenClBackend.checkMemory(l, 800, small);
    assertThatThrownBy(() -> OpenClBackend.checkMemory(l, 5000, small))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("5000 envs need")
        .hasMessageContaining("tiny-device")
        .hasMessageContaining("at most 900 envs fit with this map");
  }

  @Test
  void realDeviceRefusesAnAbsurdEnvCount() {
    OpenClAvailable.assume();
    assertThatThrownBy(() -> VecEnv.create(Config.defaults().env(), 50_000_000, "opencl", 1, ""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("envs fit with this map");
  }

  @Test
  void unknownDeviceIsAClearError() {
    OpenClAvailable.assume();
    assertThatThrownBy(() -> Devices.choose("no-such-device-xyz")).hasMessageContaining("matches no device; see ./harvest devices");
    assertThatThrownBy(() -> Devices.choose("99")).hasMessageContaining("--device 99 does not exist");
  }

  @Test
  void generatedHeaderDefinesEveryBufferAndSpecConstant() {
    String h = KernelSource.header(new Layout(Config.parse("env: {tax: {divergence_limit: 0.1}}", "t").env()));
    for (org.harvestsed.engine.state.Buf b : org.harvestsed.engine.state.Buf.values()) assertThat(h).contains("* " + b.name() + ";");
    assertThat(h).contains("#define N 7\n").contains("#define TAX_PERIOD 50\n").contains("#define HAS_DIVERGENCE_LIMIT 1\n")
        .contains("#define DIVERGENCE_LIMIT (" + Float.toHexString(0.1f) + "f)")
        .as("no phase is skipped unless the diagnostic property asks").contains("#define SKIP_REGROWTH 0\n", "#define SKIP_OBSERVE 0\n");
  }

  @Test
  void zeroCopyOnHostUnifiedDevices() {
    OpenClAvailable.assume();
    Devices.Device d = Devices.choose("");
    org.junit.jupiter.api.Assumptions.assumeTrue(d.hostUnified(), "skipped: device " + d.name() + " has no host-unified memory");
    OpenClBackend b = new OpenClBackend(new Layout(Config.defaults().env()), 4, "", 1);
    try {
      assertThat(b.zeroCopy()).as("the device maps the host buffers in place").isTrue();
    } finally {
      b.close();
    }
  }
}
