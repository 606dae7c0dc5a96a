package org.harvestsed.cli;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.map.Generated;
import org.harvestsed.engine.opencl.Bandwidth;
import org.harvestsed.engine.opencl.Devices;
import org.harvestsed.engine.sim.StepTraffic;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;
import org.harvestsed.report.Charts;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scaling study: env-only throughput (random players, observations included) and memory per env
 * for every (backend, players, envs) that fits. Maps are {@code generated} with the default map's
 * floor area and apple density per player, so only the scale changes. Writes scale.csv and plots.
 */
@Command(name = "scale", mixinStandardHelpOptions = true, description = "Throughput and memory over players, envs and backends: CSV and plots.")
final class ScaleCommand implements Callable<Integer> {
  @Mixin ConfigOptions cfg; // the config's env rules (not its map) are used
  @Option(names = "--players", split = ",", defaultValue = "7,70,700,7000") List<Integer> players;
  @Option(names = "--envs", split = ",", defaultValue = "1,64,1024") List<Integer> envs;
  @Option(names = "--backend", split = ",", defaultValue = "java") List<String> backends;
  @Option(names = "--seconds", defaultValue = "2", description = "measuring time per configuration (default ${DEFAULT-VALUE} s)") double seconds;
  @Option(names = "--max-player-envs", defaultValue = "4000000",
      description = "skip configurations with more players x envs than this (default ${DEFAULT-VALUE}; memory and time bound)") long maxPlayerEnvs;
  @Option(names = "--out", defaultValue = "scale", description = "output directory (default ${DEFAULT-VALUE})") Path out;
  @Option(names = "--device", description = "opencl device") String device;
  @Option(names = "--train", description = "also measure end-to-end training throughput (3 PPO iterations of 32 steps)") boolean train;
  @Option(names = "--max-train-player-envs", defaultValue = "8192",
      description = "with --train, only configurations with at most this many players x envs (default ${DEFAULT-VALUE})") long maxTrainPlayerEnvs;

  record Row(String backend, int players, int envs, double playerStepsPerS, double envStepsPerS, long bytesPerEnv, String status,
      double bytesPerPlayerStep, double bandwidth, double trainPlayerStepsPerS) {
    Row withTrain(double sps) {
      return new Row(backend, players, envs, playerStepsPerS, envStepsPerS, bytesPerEnv, status, bytesPerPlayerStep, bandwidth, sps);
    }

    /** Fraction of the measured copy bandwidth the step's counted traffic reaches. */
    double rooflineFraction() {
      return playerStepsPerS * bytesPerPlayerStep / bandwidth;
    }
  }

  /** Copy bandwidth per backend (bytes/s), measured once: 2 x 128 MiB. */
  private final java.util.Map<String, Double> bandwidth = new java.util.HashMap<>();

  double bandwidth(String backend) {
    return bandwidth.computeIfAbsent(backend, b -> {
      try {
        // tornado: its device numbering is TornadoVM's, not ours, so no roofline is claimed for it
        if (b.equals("tornado")) return Double.NaN;
        return b.equals("opencl") ? Bandwidth.device(device == null ? "" : device, 128 << 20, 9) : Bandwidth.host(128 << 20, 9);
      } catch (Devices.NoOpenClException e) {
        return Double.NaN;
      }
    });
  }

  @Override
  public Integer call() throws Exception {
    Config c = cfg.load(List.of());
    for (String b : backends) {
      if (!org.harvestsed.engine.sim.Backends.NAMES.contains(b)) {
        throw new ConfigException("--backend " + b + " is unknown; allowed: " + String.join(", ", org.harvestsed.engine.sim.Backends.NAMES));
      }
      if (b.equals("tornado")) org.harvestsed.engine.sim.Backends.require(b); // says how to get it, before any measurement
    }
    if (!(seconds > 0)) throw new Main.UsageError("--seconds must be > 0");
    org.harvestsed.engine.io.Outputs.directory(out, "--out");
    List<Row> rows = new ArrayList<>();
    int total = backends.size() * players.size() * envs.size();
    try (ProgressBar pb = Progress.bar("scale", total)) {
      for (String b : backends) {
        for (int p : players) {
          for (int e : envs) {
            pb.setExtraMessage(b + " " + p + " players x " + e + " envs");
            Row row = measure(c, b, p, e);
            if (train && row.status().equals("ok") && (long) p * e <= maxTrainPlayerEnvs) row = row.withTrain(measureTrain(c, b, p, e));
            rows.add(row);
            pb.step();
          }
        }
      }
    }
    Path csv = out.resolve("scale.csv");
    Path tmp = org.harvestsed.engine.io.AtomicFiles.tempFor(csv);
    try (BufferedWriter w = Files.newBufferedWriter(tmp)) {
      w.write("backend,players,envs,player_steps_per_s,env_steps_per_s,bytes_per_env,status,bytes_per_player_step,bandwidth_gb_s,roofline_fraction,train_player_steps_per_s\n");
      for (Row r : rows) {
        boolean ok = r.status().equals("ok");
        w.write(String.format(Locale.ROOT, "%s,%d,%d,%s,%s,%d,%s,%.1f,%s,%s,%s%n", r.backend(), r.players(), r.envs(),
            ok ? String.format(Locale.ROOT, "%.0f", r.playerStepsPerS()) : "", ok ? String.format(Locale.ROOT, "%.1f", r.envStepsPerS()) : "",
            r.bytesPerEnv(), r.status(), r.bytesPerPlayerStep(),
            Double.isNaN(r.bandwidth()) ? "" : String.format(Locale.ROOT, "%.2f", r.bandwidth() / 1e9),
            ok && !Double.isNaN(r.bandwidth()) ? String.format(Locale.ROOT, "%.3f", r.rooflineFraction()) : "",
            Double.isNaN(r.trainPlayerStepsPerS()) ? "" : String.format(Locale.ROOT, "%.0f", r.trainPlayerStepsPerS())));
      }
    }
    org.harvestsed.engine.io.AtomicFiles.commit(tmp, csv);
    plot(rows, true, out.resolve("throughput_vs_players.png"));
    plot(rows, false, out.resolve("throughput_vs_envs.png"));
    for (Row r : rows) {
      String speed = r.status().equals("ok")
          ? String.format(Locale.ROOT, "%12.0f player-steps/s  %10.1f env-steps/s", r.playerStepsPerS(), r.envStepsPerS())
          : String.format(Locale.ROOT, "%12s player-steps/s  %10s env-steps/s", "-", "-");
      String roof = r.status().equals("ok") && !Double.isNaN(r.bandwidth())
          ? String.format(Locale.ROOT, "  %5.0f B/player-step, %.1f%% of %.1f GB/s", r.bytesPerPlayerStep(), 100 * r.rooflineFraction(), r.bandwidth() / 1e9)
          : "";
      System.out.printf(Locale.ROOT, "%-6s %6d players %6d envs  %s  %10d B/env  %s%s%n", r.backend(), r.players(), r.envs(), speed,
          r.bytesPerEnv(), r.status(), roof + (Double.isNaN(r.trainPlayerStepsPerS()) ? ""
              : String.format(Locale.ROOT, "  train %.0f player-steps/s", r.trainPlayerStepsPerS())));
    }
    System.out.println("scale: wrote " + csv + ", " + out.resolve("throughput_vs_players.png") + ", " + out.resolve("throughput_vs_envs.png"));
    return 0;
  }

  /** The config's rules on a generated map sized for {@code players}. */
  static EnvSpec specFor(EnvSpec base, int players) {
    return base.withMap(Generated.build(0, 0, players, Generated.DEFAULT_DENSITY, 1), players);
  }

  Row measure(Config c, String backend, int p, int e) {
    EnvSpec spec = specFor(c.env(), p);
    Layout layout = new Layout(spec);
    long perEnv = EnvState.bytesPerEnv(layout);
    double traffic = StepTraffic.bytesPerPlayerStep(layout);
    double bw = bandwidth(backend);
    if ((long) p * e > maxPlayerEnvs) return new Row(backend, p, e, Double.NaN, Double.NaN, perEnv, "skipped: players x envs over --max-player-envs", traffic, bw, Double.NaN);
    long direct = Runtime.getRuntime().maxMemory(); // the default direct-memory limit equals the heap limit
    if (perEnv * e > direct * 0.8) return new Row(backend, p, e, Double.NaN, Double.NaN, perEnv, "skipped: needs more host memory than -Xmx allows", traffic, bw, Double.NaN);
    try (VecEnv env = VecEnv.create(spec, e, backend, c.run().threads(), device != null ? device : c.run().device(), c.run().transfer(),
        org.harvestsed.engine.opencl.OpenClBackend.Launch.of(c.run()))) {
      env.reset(1);
      env.stepRandom(Math.min(spec.taxPeriod(), 5)); // warm-up (JIT, kernel build)
      long steps = 0;
      long t0 = System.nanoTime();
      double elapsed;
      do {
        int k = env.stepsToPeriodEnd();
        env.stepRandom(k);
        steps += k;
        elapsed = (System.nanoTime() - t0) / 1e9;
      } while (elapsed < seconds);
      double envSteps = (double) steps * e / elapsed;
      return new Row(backend, p, e, envSteps * p, envSteps, perEnv, "ok", traffic, bw, Double.NaN);
    } catch (ConfigException | Devices.NoOpenClException | OutOfMemoryError ex) {
      return new Row(backend, p, e, Double.NaN, Double.NaN, perEnv, "skipped: " + ex.getMessage().replace(',', ';'), traffic, bw, Double.NaN);
    }
  }

  /**
   * End-to-end training throughput: 3 PPO iterations of 32 steps (phase 2 from the start, so the
   * principal acts and learns too); the median over the last two iterations of env-steps per
   * second, times players.
   */
  double measureTrain(Config c, String backend, int p, int e) throws java.io.IOException {
    EnvSpec spec = specFor(c.env(), p);
    org.harvestsed.engine.config.RunSettings run = new org.harvestsed.engine.config.RunSettings(e, 1, backend, c.run().threads(),
        "free_market", device != null ? device : c.run().device(), c.run().transfer(), c.run().mapping(), c.run().localSize());
    int numSteps = 32;
    org.harvestsed.train.TrainConfig tc = org.harvestsed.train.TrainConfig.parse(Config.parse("train: {total_steps: " + 3L * numSteps * e
        + ", num_steps: " + numSteps + ", phase1_steps: 0, cap_anneal_steps: 1000, principal_batch: " + Math.max(e, 16)
        + ", checkpoint_every: 1000}", "scale").train());
    Path dir = Files.createTempDirectory("harvest-scale-train");
    try (org.harvestsed.train.Trainer t = new org.harvestsed.train.Trainer(new Config(spec, run), tc, dir)) {
      t.run();
    }
    List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
    int col = List.of(lines.get(0).split(",", -1)).indexOf("charts/SPS");
    double a = Double.parseDouble(lines.get(2).split(",", -1)[col]);
    double b = Double.parseDouble(lines.get(3).split(",", -1)[col]);
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) Files.delete(f);
    }
    Files.delete(dir);
    return (a + b) / 2 * p;
  }

  private void plot(List<Row> rows, boolean overPlayers, Path png) throws Exception {
    XYChart ch = Charts.xy(overPlayers ? "Player-steps per second vs players per map (flat = constant cost per player)" : "Player-steps per second vs envs",
        overPlayers ? "players per map" : "envs", "player-steps/s");
    ch.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
    for (String b : backends) {
      for (int key : overPlayers ? envs : players) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (Row r : rows) {
          if (!r.backend().equals(b) || !r.status().equals("ok")) continue;
          if ((overPlayers ? r.envs() : r.players()) != key) continue;
          x.add((double) (overPlayers ? r.players() : r.envs()));
          y.add(r.playerStepsPerS());
        }
        if (!x.isEmpty()) ch.addSeries(b + (overPlayers ? ", " + key + " envs" : ", " + key + " players"), x, y);
      }
    }
    Charts.save(ch, png);
  }
}
