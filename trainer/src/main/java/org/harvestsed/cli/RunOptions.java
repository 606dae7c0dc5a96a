package org.harvestsed.cli;

import java.nio.file.Path;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.config.RunSettings;
import org.harvestsed.engine.config.Transfer;
import picocli.CommandLine.Option;

/** Options shared by the commands that run envs; command-line values override the config's run: section. */
final class RunOptions {
  @Option(names = "--config", required = true, description = "YAML experiment config, e.g. configs/quickstart.yaml")
  Path config;

  @Option(names = "--backend", description = "java (reference), opencl, or tornado (optional module: README); default: run.backend of the config")
  String backend;

  @Option(names = "--envs", description = "number of envs; default: run.envs of the config")
  Integer envs;

  @Option(names = "--seed", description = "run seed; default: run.seed of the config")
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
    Config c = Config.load(config);
    RunSettings r = c.run();
    if (envs != null) r = r.withEnvs(envs);
    if (seed != null) r = r.withSeed(seed);
    if (backend != null) r = r.withBackend(backend);
    if (principal != null) r = r.withPrincipal(principal);
    if (threads != null) r = r.withThreads(threads);
    if (device != null) r = r.withDevice(device);
    if (transfer != null) r = r.withTransfer(Transfer.parse("--transfer", transfer));
    if (mapping != null) r = r.withMapping(Mapping.parse("--mapping", mapping));
    if (localSize != null) r = r.withLocalSize(localSize);
    return new Config(c.env(), r, c.train());
  }
}
