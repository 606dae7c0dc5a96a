package org.harvestsed.train;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The calling thread's thread counts for PyTorch's CPU ops, set in the libraries that PyTorch loaded
 * (found in /proc/self/maps) rather than through PyTorch's set_num_threads: the OpenMP runtime's
 * (libgomp's omp_set_num_threads: PyTorch's own parallel loops and oneDNN's convolutions read it when
 * they parallelise an op) and MKL's for this thread (its matrix products; MKL_Set_Num_Threads_Local in
 * libtorch_cpu, where PyTorch links MKL: the C entry of mkl_set_num_threads_local, whose lower-case
 * symbols are MKL's Fortran entries and take a pointer). PyTorch's set_num_threads also clears
 * oneDNN's cache of compiled convolution kernels (at::set_num_threads calls
 * mkldnn::clear_computation_cache): switched every iteration, it made the update recompile its
 * convolutions every iteration, 4-8% of the update (docs/BENCHMARKS.md, "The rollout on one thread").
 */
final class OmpThreads {
  /**
   * On a CPU learner, a forward of at most this many samples runs on one thread: measured faster than
   * two and the same bits (docs/BENCHMARKS.md, "The rollout on one thread"). The rollout's PyTorch ops
   * ({@code Trainer.step}) and the host convolutions ({@code HostConvolutions}) follow it.
   */
  static final int ONE_THREAD_BATCH = 512;

  private final MethodHandle omp;
  /** MKL's per-thread count (0 = MKL's global count again); null where PyTorch has no MKL. */
  private final MethodHandle mklLocal;

  private OmpThreads(MethodHandle omp, MethodHandle mklLocal) {
    this.omp = omp;
    this.mklLocal = mklLocal;
  }

  /** The counts' setters in this process's libgomp and (if there) libtorch_cpu's MKL, after PyTorch's engine is loaded; empty without a libgomp. */
  static Optional<OmpThreads> find() {
    try {
      List<String> libs = Files.readAllLines(Path.of("/proc/self/maps")).stream().map(l -> l.substring(l.lastIndexOf(' ') + 1))
          .filter(p -> p.startsWith("/")).distinct().toList();
      Linker linker = Linker.nativeLinker();
      // PyTorch's own libgomp sits beside its libtorch_cpu (DJL's cache): prefer it to any other OpenMP runtime in the process
      Optional<String> torch = libs.stream().filter(p -> p.matches(".*/libtorch_cpu\\.so[^/]*")).findFirst();
      String dir = torch.map(p -> p.substring(0, p.lastIndexOf('/') + 1)).orElse("");
      Optional<MemorySegment> gomp = symbol(libs, Pattern.quote(dir) + "libgomp[^/]*\\.so[^/]*", "omp_set_num_threads")
          .or(() -> symbol(libs, ".*/libgomp[^/]*\\.so[^/]*", "omp_set_num_threads"));
      if (gomp.isEmpty()) return Optional.empty();
      Optional<MemorySegment> mkl = torch.flatMap(p -> lookup(p, "MKL_Set_Num_Threads_Local"));
      return Optional.of(new OmpThreads(linker.downcallHandle(gomp.get(), FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT)),
          mkl.map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT))).orElse(null)));
    } catch (IOException | RuntimeException e) { // no /proc (not Linux), a library not loadable: the caller keeps one count
      return Optional.empty();
    }
  }

  /** The symbol in the first loaded library whose path matches (dlopen of a loaded library returns its handle). */
  private static Optional<MemorySegment> symbol(List<String> libs, String pathRegex, String name) {
    return libs.stream().filter(p -> p.matches(pathRegex)).findFirst().flatMap(p -> lookup(p, name));
  }

  /** The symbol in the library at {@code path}. */
  private static Optional<MemorySegment> lookup(String path, String name) {
    return SymbolLookup.libraryLookup(Path.of(path), Arena.global()).find(name);
  }

  /** One thread for this thread's ops: OpenMP's count 1, MKL's for this thread 1. */
  void one() {
    set(1, 1);
  }

  /** {@code threads} for this thread's ops, and MKL's count for this thread back to its global one (PyTorch's). */
  void restore(int threads) {
    set(threads, 0);
  }

  /** Whether MKL's count is set too (PyTorch built with MKL). */
  boolean withMkl() {
    return mklLocal != null;
  }

  private void set(int ompThreads, int mklThreads) {
    try {
      omp.invokeExact(ompThreads);
      if (mklLocal != null) {
        int previous = (int) mklLocal.invokeExact(mklThreads); // the count it had: not needed
      }
    } catch (Throwable t) {
      throw new IllegalStateException("setting the thread counts (" + ompThreads + ", MKL " + mklThreads + ") failed: " + t, t);
    }
  }
}
