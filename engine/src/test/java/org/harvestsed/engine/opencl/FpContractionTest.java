package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jocl.CL.*;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.state.Layout;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_program;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No multiply-add is fused in the compiled step (kernels/common.h: {@code #pragma OPENCL FP_CONTRACT OFF};
 * parity with the java reference depends on it), checked where the platform exposes the compiled
 * program: PoCL keeps its LLVM bitcode (inside the program binary, and as program.bc in its kernel cache: no llvm.fmuladd or llvm.fma call, no
 * {@code contract} flag on a float operation, read with llvm-dis) and keeps each kernel's machine code
 * in its cache (no vfmadd/vfmsub/vfnmadd/vfnmsub instruction, read with objdump). The check can fail:
 * the same source with the pragma switched ON compiles to llvm.fmuladd calls. Skipped, with the
 * reason, without PoCL or the LLVM and binutils tools; the fused-multiply-add of the division
 * fix-up (common.h div_rn, an explicit fma() where the device has no correctly rounded division) is
 * not compiled on PoCL, which has it.
 */
class FpContractionTest {
  static String llvmDis;

  @BeforeAll
  static void needsPoclAndLlvmDis() {
    OpenClAvailable.assume();
    Devices.Device d = Devices.choose("");
    Assumptions.assumeTrue(d.platformName().contains("Portable Computing Language"), "skipped: the default device is not PoCL's: " + d.describe());
    // the newest first: PoCL 3.1 writes LLVM 15 bitcode, which an older llvm-dis cannot read
    for (String name : new String[] {"llvm-dis-19", "llvm-dis-18", "llvm-dis-17", "llvm-dis-16", "llvm-dis-15", "llvm-dis-14", "llvm-dis"}) {
      if (llvmDis == null && onPath(name)) llvmDis = name;
    }
    Assumptions.assumeTrue(llvmDis != null, "skipped: llvm-dis is not installed (apt-get install llvm)");
  }

  static boolean onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) if (Files.isExecutable(Path.of(dir, name))) return true;
    return false;
  }

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out.length() > 2000 ? out.substring(0, 2000) : out).isZero();
    return out;
  }

  static Path cache() {
    return Path.of(System.getenv().getOrDefault("POCL_CACHE_DIR", System.getProperty("user.home") + "/.cache/pocl/kcache"));
  }

  /**
   * PoCL's cache directory of a built program: the one whose program.bc (LLVM bitcode) is the
   * bitcode inside the program's binary (PoCL's binary format wraps it).
   */
  static Path cacheDir(byte[] binary) throws IOException {
    int at = -1;
    for (int i = 0; i + 3 < binary.length && at < 0; i++) {
      if (binary[i] == 'B' && binary[i + 1] == 'C' && binary[i + 2] == (byte) 0xC0 && binary[i + 3] == (byte) 0xDE) at = i;
    }
    assertThat(at).as("LLVM bitcode inside PoCL's program binary").isNotNegative();
    try (Stream<Path> s = Files.exists(cache()) ? Files.walk(cache(), 2) : Stream.empty()) {
      for (Path dir : s.filter(p -> Files.exists(p.resolve("program.bc"))).toList()) {
        byte[] bc = Files.readAllBytes(dir.resolve("program.bc"));
        if (at + bc.length <= binary.length && java.util.Arrays.equals(bc, 0, bc.length, binary, at, at + bc.length)) return dir;
      }
    }
    throw new AssertionError("no program.bc under " + cache() + " is the program's bitcode");
  }

  static String disassemble(Path bc) throws IOException, InterruptedException {
    return run(llvmDis, bc.toString(), "-o", "-");
  }

  /** The fused float operations of LLVM IR: calls of llvm.fmuladd / llvm.fma, and float operations carrying the contract flag. */
  static int fused(String ir) {
    int n = 0;
    Matcher m = Pattern.compile("@llvm\\.(fmuladd|fma)\\.|= (fadd|fsub|fmul)[^\\n]*\\bcontract\\b").matcher(ir);
    while (m.find()) n++;
    return n;
  }

  @Test
  void theStepOfEveryMappingCompilesWithoutAFusedMultiplyAdd() throws Exception {
    for (Mapping m : new Mapping[] {Mapping.ENV, Mapping.GROUP, Mapping.WARP}) {
      byte[] bin;
      try (VecEnv v = VecEnv.create(Config.defaults().env(), 8, "opencl", 1, "", new OpenClBackend.Launch(m, 0, null))) {
        v.reset(1);
        v.stepRandom(); // PoCL compiles the kernel's machine code at its first launch
        bin = v.openCl().programBinary();
      }
      Path dir = cacheDir(bin);
      String ir = disassemble(dir.resolve("program.bc"));
      assertThat(ir).as("mapping %s", m.label()).contains("harvest_step");
      assertThat(fused(ir)).as("fused float operations in the bitcode, mapping %s", m.label()).isZero();
      // the kernels' machine code, compiled at the launch
      List<Path> objects;
      try (Stream<Path> so = Files.walk(dir)) {
        objects = so.filter(p -> p.toString().endsWith(".so")).toList();
      }
      assertThat(objects).as("PoCL's compiled kernels of mapping %s under %s", m.label(), dir).isNotEmpty();
      Assumptions.assumeTrue(onPath("objdump"), "skipped the machine-code half: objdump is not installed (apt-get install binutils)");
      for (Path so : objects) {
        String asm = run("objdump", "-d", so.toString());
        assertThat(asm).contains("harvest_step");
        assertThat(Pattern.compile("\\bv?f(n)?m(add|sub)[0-9]{3}").matcher(asm).results().count()).as("FMA instructions in %s", so).isZero();
      }
    }
  }

  @Test
  void theSameSourceWithContractionOnCompilesToFusedMultiplyAdds() throws Exception {
    Devices.Device d = Devices.choose("");
    String src = KernelSource.build(new Layout(Config.defaults().env()));
    assertThat(src).contains("#pragma OPENCL FP_CONTRACT OFF");
    cl_context_properties props = new cl_context_properties();
    props.addProperty(CL_CONTEXT_PLATFORM, d.platform());
    cl_context ctx = clCreateContext(props, 1, new cl_device_id[] {d.id()}, null, null, null);
    try {
      cl_program p = OpenClBackend.build(ctx, d, src.replace("#pragma OPENCL FP_CONTRACT OFF", "#pragma OPENCL FP_CONTRACT ON"));
      try {
        assertThat(fused(disassemble(cacheDir(OpenClBackend.binary(p)).resolve("program.bc")))).isPositive();
      } finally {
        clReleaseProgram(p);
      }
    } finally {
      clReleaseContext(ctx);
    }
  }
}
