package org.harvestsed.cli;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.io.Trace;
import org.harvestsed.principal.Principal;
import org.harvestsed.principal.PrincipalDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "trace", mixinStandardHelpOptions = true, description = "Write one JSON line per env per step (random players) to a .jsonl file.")
final class TraceCommand implements Callable<Integer> {
  @Mixin RunOptions run;

  @Option(names = "--steps", required = true, description = "steps of every env")
  int steps;

  @Option(names = "--out", required = true, description = "output FILE.jsonl (written to a temp file, then moved)")
  Path out;

  @Override
  public Integer call() throws Exception {
    Config c = run.load();
    org.harvestsed.engine.io.Outputs.fileIn(out, "--out");
    write(c, steps, out);
    System.err.println("trace: " + (long) steps * c.run().envs() + " lines written to " + out);
    return 0;
  }

  static void write(Config c, int steps, Path out) throws Exception {
    if (steps < 1) throw new IllegalArgumentException("--steps " + steps + " must be at least 1");
    Path tmp = org.harvestsed.engine.io.AtomicFiles.tempFor(out);
    try (Principal principal = Principal.parse(c.run().principal(), c.env(), c.run().seed());
         VecEnv env = VecEnv.create(c.env(), c.run().envs(), c.run());
         BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      env.reset(c.run().seed());
      Trace trace = new Trace(env);
      Trace.Before[] before = new Trace.Before[env.envs()];
      PrincipalDriver driver = new PrincipalDriver(principal);
      for (int s = 0; s < steps; s++) {
        driver.beforeStep(env);
        for (int e = 0; e < env.envs(); e++) before[e] = trace.before(e);
        env.stepRandom();
        driver.afterStep(env);
        env.syncState(); // a trace shows the whole state: on the copy path, read it back
        for (int e = 0; e < env.envs(); e++) {
          w.write(trace.line(e, before[e]));
          w.write('\n');
        }
      }
    } catch (Exception ex) {
      Files.deleteIfExists(tmp);
      throw ex;
    }
    org.harvestsed.engine.io.AtomicFiles.commit(tmp, out);
  }
}
