package org.harvestsed.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigTree;
import org.harvestsed.engine.io.Render;
import org.harvestsed.principal.Principal;
import org.harvestsed.principal.PrincipalDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "render", mixinStandardHelpOptions = true, description = "Play env 0 with random players; print the final state as ASCII, and write a PNG (last frame) or an animated GIF.")
final class RenderCommand implements Callable<Integer> {
  static final int MAX_GIF_FRAMES = 5000;

  @Mixin ConfigOptions cfg;
  @Option(names = "--seed", description = "run seed (--set run.seed); default: run.seed of the config") Long seed;
  @Option(names = "--steps", defaultValue = "100", description = "steps to play (default ${DEFAULT-VALUE})") int steps;
  @Option(names = "--principal", description = "free_market, flat:x, fixed:a,b,c, saez, learned:RUN_DIR (--set run.principal)") String principal;
  @Option(names = "--out", description = "FILE.png (last frame) or FILE.gif (every step); omit for ASCII only") Path out;
  @Option(names = "--delay", defaultValue = "10", description = "GIF frame delay in 1/100 s (default ${DEFAULT-VALUE})") int delay;

  @Override
  public Integer call() throws Exception {
    List<ConfigTree.Assignment> shorthands = new ArrayList<>();
    ConfigTree.Assignment.shorthand(shorthands, "--seed", "run.seed", seed);
    ConfigTree.Assignment.shorthand(shorthands, "--principal", "run.principal", principal);
    Config c = cfg.load(shorthands);
    long s = c.run().seed();
    String kind = out == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean gif = kind.endsWith(".gif");
    if (out != null && !gif && !kind.endsWith(".png")) {
      throw new Main.UsageError("--out " + out + ": the file name must end in .png or .gif");
    }
    if (out != null) org.harvestsed.engine.io.Outputs.fileIn(out, "--out");
    if (steps < 0) throw new Main.UsageError("--steps " + steps + " must be >= 0");
    if (gif && steps + 1 > MAX_GIF_FRAMES) throw new Main.UsageError("--steps " + steps + " is too many GIF frames; use at most " + (MAX_GIF_FRAMES - 1));
    try (Principal p = Principal.parse(c.run().principal(), c.env(), s);
         VecEnv env = VecEnv.create(c.env(), 1, "java", 1)) {
      PrincipalDriver driver = new PrincipalDriver(p);
      env.reset(s);
      List<BufferedImage> frames = new ArrayList<>();
      if (gif) frames.add(Render.frame(env.state(), 0));
      for (int k = 0; k < steps; k++) {
        driver.beforeStep(env);
        env.stepRandom();
        driver.afterStep(env);
        if (gif) frames.add(Render.frame(env.state(), 0));
      }
      System.out.print(Render.ascii(env.state(), 0));
      if (out != null) {
        if (gif) Render.writeGif(frames, delay, out);
        else Render.writePng(Render.frame(env.state(), 0), out);
        System.err.println("render: wrote " + out);
      }
    }
    return 0;
  }
}
