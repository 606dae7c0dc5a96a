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
 */
public record RunSettings(int envs, long seed, String backend, int threads, String principal, String device) {
  /**
   * Every backend name a config may name (the config's vocabulary; which implementation serves a
   * name is the engine's business: {@code sim/Backends}). {@code tornado} needs its optional module.
   */
  public static final List<String> BACKENDS = List.of("java", "opencl", "tornado");

  public RunSettings {
    if (envs < 1) throw ConfigException.at("run.envs", envs + " must be at least 1");
    if (!BACKENDS.contains(backend)) throw ConfigException.at("run.backend", "'" + backend + "' is unknown; allowed: " + BACKENDS);
    if (threads < 0) throw ConfigException.at("run.threads", threads + " must be >= 0 (0 = one per core)");
  }

  public RunSettings withEnvs(int e) {
    return new RunSettings(e, seed, backend, threads, principal, device);
  }

  public RunSettings withSeed(long s) {
    return new RunSettings(envs, s, backend, threads, principal, device);
  }

  public RunSettings withBackend(String b) {
    return new RunSettings(envs, seed, b, threads, principal, device);
  }

  public RunSettings withPrincipal(String p) {
    return new RunSettings(envs, seed, backend, threads, p, device);
  }

  public RunSettings withThreads(int t) {
    return new RunSettings(envs, seed, backend, t, principal, device);
  }

  public RunSettings withDevice(String d) {
    return new RunSettings(envs, seed, backend, threads, principal, d);
  }
}
