package org.harvestsed.cli;

import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigTree;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options shared by the commands that run envs: {@code --config}, {@code --set}, and shorthands of
 * {@code --set run.KEY=VALUE} for the {@code run:} section.
 */
final class RunOptions {
  @Mixin ConfigOptions cfg;

  @Option(names = "--backend", description = "java (reference), opencl, or tornado (optional module: docs/TORNADO.md); default: run.backend of the config")
  String backend;

  @Option(names = "--envs", description = "number of envs (--set run.envs); default: run.envs of the config")
  Integer envs;

  @Option(names = "--seed", description = "run seed (--set run.seed); default: run.seed of the config")
  Long seed;

  @Option(names = "--principal", description = "free_market, flat:x, fixed:a,b,c, saez, or learned:RUN_DIR (a training run's principal); default: run.principal of the config")
  String principal;

  @Option(names = "--threads", description = "java backend worker threads (0 = one per core)")
  Integer threads;

  @Option(names = "--device", description = "opencl or tornado device: index or part of its name (see ./harvest devices); default: first GPU, else first device")
  String device;

  @Option(names = "--transfer", description = "auto or copy: copy makes the opencl backend keep the state on the device and copy only the IO buffers, also on a host-unified device (docs/DESIGN-transfers.md); default: run.transfer of the config (auto)")
  String transfer;

  @Option(names = "--mapping", description = "opencl step layout: auto (env on CPU devices, group on GPUs and accelerators), env (one work-item per env), group (one work-group per env); default: run.mapping of the config")
  String mapping;

  @Option(names = "--local-size", description = "opencl work-group size (must fit the device's limits); default: run.local_size of the config, 0 = chosen from the device")
  Integer localSize;

  Config load() {
    List<ConfigTree.Assignment> o = new ArrayList<>();
    ConfigTree.Assignment.shorthand(o, "--envs", "run.envs", envs);
    ConfigTree.Assignment.shorthand(o, "--seed", "run.seed", seed);
    ConfigTree.Assignment.shorthand(o, "--backend", "run.backend", backend);
    ConfigTree.Assignment.shorthand(o, "--principal", "run.principal", principal);
    ConfigTree.Assignment.shorthand(o, "--threads", "run.threads", threads);
    ConfigTree.Assignment.shorthand(o, "--device", "run.device", device);
    ConfigTree.Assignment.shorthand(o, "--transfer", "run.transfer", transfer);
    ConfigTree.Assignment.shorthand(o, "--mapping", "run.mapping", mapping);
    ConfigTree.Assignment.shorthand(o, "--local-size", "run.local_size", localSize);
    return cfg.load(o);
  }
}
