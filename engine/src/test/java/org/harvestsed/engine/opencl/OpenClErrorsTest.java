package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.Mapping;
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
    Devices.Device small = new Devices.Device(0, null, null, "fake", "tiny-device", "OpenCL 1.2", 4, perEnv * 1000, perEnv * 1000, 1, true, true, 1024, 65536, 0);
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

  /** A fake GPU: work-groups up to 256, 16 KiB of local memory. */
  static Devices.Device gpu(long localMem) {
    return new Devices.Device(0, null, null, "fake", "tiny-gpu", "OpenCL 1.2", CL.CL_DEVICE_TYPE_GPU, 1L << 30, 1L << 28, 4, false, true, 256, localMem, 0);
  }

  /** auto is the performance model's choice (PerfModelTest checks the model): warp on an H100-sized GPU, env on a CPU. */
  @Test
  void autoPicksTheWarpMappingOnALargeGpuAndThePerEnvOneOnCpus() {
    Devices.Device h100 = new Devices.Device(0, null, null, "fake", "h100-like", "OpenCL 3.0", CL.CL_DEVICE_TYPE_GPU, 80L << 30, 20L << 30, 132, false,
        true, 1024, 49152, 1755);
    assertThat(h100.autoMapping()).isEqualTo(Mapping.WARP);
    // a GPU of 4 compute units and 16 KiB of local memory: whatever the model projects fastest
    Layout l = new Layout(Config.defaults().env());
    assertThat(gpu(16384).autoMapping(l, 4096)).isEqualTo(PerfModel.best(PerfModel.of(gpu(16384)), l, 4096));
    Devices.Device cpu = new Devices.Device(0, null, null, "fake", "cpu", "OpenCL 1.2", CL.CL_DEVICE_TYPE_CPU, 1L << 30, 1L << 28, 4, true, true, 4096, 1 << 20, 0);
    assertThat(cpu.autoMapping()).isEqualTo(Mapping.ENV);
    assertThat(cpu.describe()).contains("mapping auto: env (one work-item per env)");
  }

  @Test
  void theGroupMappingKeepsTheCellsInLocalMemoryWhereTheyFitAndRefusesToForceThemWhereNot() {
    Layout l = new Layout(Config.defaults().env());
    long need = new KernelSource.Shape(true, 256, true).localBytes(l);
    assertThat(OpenClBackend.shape(l, gpu(need), Mapping.GROUP, new OpenClBackend.Launch(Mapping.GROUP, 0, null)).localCells()).isTrue();
    assertThat(OpenClBackend.shape(l, gpu(need - 1), Mapping.GROUP, new OpenClBackend.Launch(Mapping.GROUP, 0, null)).localCells()).isFalse();
    assertThatThrownBy(() -> OpenClBackend.shape(l, gpu(need - 1), Mapping.GROUP, new OpenClBackend.Launch(Mapping.GROUP, 0, true)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("CL_DEVICE_LOCAL_MEM_SIZE = " + (need - 1));
  }

  @Test
  void theWorkGroupSizeComesFromTheDeviceAndASizeItRefusesNamesItsLimit() {
    Devices.Device d = gpu(1 << 16);
    KernelSource.Shape group = new KernelSource.Shape(true, 256, true);
    OpenClBackend.KernelLimit k = new OpenClBackend.KernelLimit(192, 32, 4096);
    // default: 128, a multiple of the preferred 32, within the kernel's 192
    assertThat(OpenClBackend.localSize(d, 0, group, k)).isEqualTo(128);
    assertThat(OpenClBackend.localSize(d, 0, group, new OpenClBackend.KernelLimit(96, 32, 4096))).isEqualTo(96);
    assertThat(OpenClBackend.localSize(d, 0, KernelSource.Shape.PER_ENV, k)).isEqualTo(32);
    assertThat(OpenClBackend.localSize(d, 64, group, k)).isEqualTo(64);
    assertThatThrownBy(() -> OpenClBackend.localSize(d, 200, group, k)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("local size 200 is more than tiny-gpu can take: CL_KERNEL_WORK_GROUP_SIZE = 192");
    assertThatThrownBy(() -> OpenClBackend.shape(new Layout(Config.defaults().env()), d, Mapping.GROUP, new OpenClBackend.Launch(Mapping.GROUP, 512, null)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("CL_DEVICE_MAX_WORK_GROUP_SIZE = 256");
    assertThatThrownBy(() -> OpenClBackend.localSize(d, 0, group, new OpenClBackend.KernelLimit(192, 32, 1 << 20)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("CL_DEVICE_LOCAL_MEM_SIZE = 65536");
  }
}
