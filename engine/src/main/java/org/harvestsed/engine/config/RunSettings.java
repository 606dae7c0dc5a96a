package org.harvestsed.engine.config;

import java.util.List;

/**
 * How a run executes (not what the game is): the {@code run:} section of a config.
 *
 * @param envs      number of envs stepped together
 * @param seed      the run seed: with the spec it fully determines a simulation
 * @param backend   {@code java} (reference), {@code opencl}, or {@code tornado} (optional module)
 * @param threads   worker threads of the java backend; 0 = one per available core
 * @param principal principal spec for simulate/trace: free_market, flat:x, fixed:a,b,c
 * @param device    opencl device: its index or part of its name; empty = first GPU, else first device
 * @param transfer  {@code auto} (opencl: zero-copy on a host-unified device, else copy only the IO
 *                  buffers) or {@code copy} (the copy path on any device; docs/DESIGN-transfers.md)
 * @param mapping   opencl step layout: auto (by device type), env (work-item per env), group (work-group per env)
 * @param localSize opencl work-group size; 0 = chosen from the device
 */
public record RunSettings(int envs, long seed, String backend, int threads, String principal, String device, Transfer transfer,
    Mapping mapping, int localSize) {
  /**
   * Every backend name a config may name (the config's vocabulary; which implementation serves a
   * name is the engine's business: {@code sim/Backends}). {@code tornado} needs its optional module.
   */
  public static final List<String> BACKENDS = List.of("java", "opencl", "tornado");

  public RunSettings(int envs, long seed, String backend, int threads, String principal, String device) {
    this(envs, seed, backend, threads, principal, device, Transfer.AUTO, Mapping.AUTO, 0);
  }

  public RunSettings {
    java.util.Objects.requireNonNull(transfer, "transfer");
    if (envs < 1) throw ConfigException.at("run.envs", envs + " must be at least 1");
    if (!BACKENDS.contains(backend)) throw ConfigException.at("run.backend", "'" + backend + "' is unknown; allowed: " + BACKENDS);
    if (threads < 0) throw ConfigException.at("run.threads", threads + " must be >= 0 (0 = one per core)");
    if (localSize < 0) throw ConfigException.at("run.local_size", localSize + " must be >= 0 (0 = chosen from the device)");
  }
}
