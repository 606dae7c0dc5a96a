package org.harvestsed.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.principal.Principal;
import org.harvestsed.principal.PrincipalDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true, description = "Random players under a principal: round metrics and throughput.")
final class SimulateCommand implements Callable<Integer> {
  @Mixin RunOptions run;

  @Option(names = "--steps", defaultValue = "2000", description = "steps of every env (default ${DEFAULT-VALUE})")
  int steps;

  @Option(names = "--json", description = "print one JSON object instead of a table")
  boolean json;

  @Option(names = "--per-step", description = "one launch per step, as a learner's rollout runs (every step's outputs come back);"
      + " default: one launch per tax period (scripted players)")
  boolean perStep;

  /** The result of a simulation: throughput and per-round means over envs. */
  record Result(String backend, String device, String transfer, String mapping, int localSize, int envs, int players, int steps, double seconds,
      List<RoundMetrics> rounds, long bytesToDevice, long bytesFromDevice) {
    double envStepsPerS() {
      return (double) envs * steps / seconds;
    }

    double playerStepsPerS() {
      return envStepsPerS() * players;
    }
  }

  static Result simulate(Config c, int steps) {
    return simulate(c, steps, false);
  }

  static Result simulate(Config c, int steps, boolean perStep) {
    if (steps < 1) throw new IllegalArgumentException("--steps " + steps + " must be at least 1");
    try (Principal principal = Principal.parse(c.run().principal(), c.env(), c.run().seed());
         VecEnv env = VecEnv.create(c.env(), c.run().envs(), c.run())) {
      PrincipalDriver driver = new PrincipalDriver(principal);
      env.reset(c.run().seed());
      long to0 = env.bytesToDevice(), from0 = env.bytesFromDevice(); // the steps' transfers, not the reset's upload
      List<RoundMetrics> rounds = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int s = 0; s < steps; ) {
        driver.beforeStep(env);
        // up to the period's end in one call: one multi-step launch on accelerators
        int k = perStep ? 1 : Math.min(steps - s, env.stepsToPeriodEnd());
        if (perStep) env.stepRandom();
        else env.stepRandom(k);
        driver.afterStep(env);
        s += k;
        if (env.roundEnded()) rounds.add(RoundMetrics.mean(env.lastRoundMetrics()));
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      String device = env.openCl() == null ? null : env.openCl().device().platformName() + " | " + env.openCl().device().name();
      return new Result(env.backendName(), device, env.transfer(), env.mapping(), env.localSize(), env.envs(), env.players(), steps, secs, rounds,
          env.bytesToDevice() - to0, env.bytesFromDevice() - from0);
    }
  }

  @Override
  public Integer call() throws Exception {
    Config c = run.load();
    Result r = simulate(c, steps, perStep);
    if (json) {
      System.out.println(toJson(r, c.run().principal()));
      return 0;
    }
    System.out.printf(Locale.ROOT, "%s backend (%s%s), %d envs x %d players, %d steps, principal %s, seed %d%n",
        r.backend(), r.transfer(), r.mapping() == null ? "" : ", mapping " + r.mapping() + ", local size " + r.localSize(), r.envs(), r.players(),
        r.steps(), c.run().principal(), c.run().seed());
    System.out.printf(Locale.ROOT, "%5s %12s %9s %10s %10s %6s %20s %9s %7s %5s%n",
        "round", "productivity", "equality", "eq_x_prod", "objective", "eta", "rates", "revenue", "apples", "lost");
    for (RoundMetrics m : r.rounds()) {
      StringBuilder rates = new StringBuilder();
      for (double x : m.rates()) rates.append(rates.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "%.2f", x));
      System.out.printf(Locale.ROOT, "%5d %12.2f %9.4f %10.2f %10.2f %6.3f %20s %9.2f %7.2f %5.2f%n", m.round(), m.productivity(),
          m.equality(), m.eqXProd(), m.objective(), m.eta(), rates, m.revenue(), m.applesLeft(), m.lostPatches());
    }
    if (r.rounds().isEmpty()) System.out.println("(no round completed: a round is " + c.env().roundSteps() + " steps)");
    System.out.printf(Locale.ROOT, "throughput: %.0f player-steps/s, %.0f env-steps/s (%.2f s)%n",
        r.playerStepsPerS(), r.envStepsPerS(), r.seconds());
    return 0;
  }

  static String toJson(Result r, String principal) throws Exception {
    ObjectMapper om = new ObjectMapper();
    ObjectNode o = om.createObjectNode();
    o.put("backend", r.backend());
    o.put("device", r.device()); // opencl: "platform | device" it ran on; null for the other backends
    o.put("transfer", r.transfer());
    o.put("mapping", r.mapping()); // opencl: env, group or warp; null for the other backends
    if (r.mapping() == null) o.putNull("local_size");
    else o.put("local_size", r.localSize());
    o.put("envs", r.envs());
    o.put("players", r.players());
    o.put("steps", r.steps());
    o.put("principal", principal);
    o.put("seconds", r.seconds());
    o.put("player_steps_per_s", r.playerStepsPerS());
    o.put("env_steps_per_s", r.envStepsPerS());
    // counted by the backend at each transfer it enqueued during the steps (0 where nothing is copied)
    o.put("bytes_to_device_per_step", (double) r.bytesToDevice() / r.steps());
    o.put("bytes_from_device_per_step", (double) r.bytesFromDevice() / r.steps());
    o.put("bytes_from_device_per_env_step", (double) r.bytesFromDevice() / r.steps() / r.envs());
    ArrayNode rounds = o.putArray("rounds");
    for (RoundMetrics m : r.rounds()) {
      ObjectNode x = rounds.addObject();
      x.put("round", m.round());
      x.put("productivity", m.productivity());
      x.put("equality", m.equality());
      x.put("eq_x_prod", m.eqXProd());
      x.put("objective", m.objective());
      x.put("eta", m.eta());
      ArrayNode rates = x.putArray("rates");
      for (double v : m.rates()) rates.add(v);
      x.put("revenue", m.revenue());
      x.put("apples_left", m.applesLeft());
      x.put("lost_patches", m.lostPatches());
    }
    return om.writeValueAsString(o);
  }
}
