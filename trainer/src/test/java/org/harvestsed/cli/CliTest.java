package org.harvestsed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.harvestsed.engine.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line (docs/USAGE.md, "Commands"): simulate --json, trace's schema, render, clear errors. */
class CliTest {
  static final Path QUICKSTART = Path.of("../configs/quickstart.yaml");
  /** The paper's game (docs/RULES.md defaults, 7 players, 18x24 map) for the tests that check its shapes; every test passes --envs. */
  static final Path PAPER = Path.of("../configs/paper.yaml");
  static final ObjectMapper JSON = new ObjectMapper();

  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    java.io.PrintStream oldOut = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true));
    int code;
    try {
      code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    } finally {
      System.setOut(oldOut);
    }
    return new Run(code, captured + out.toString(), err.toString());
  }

  /** --help names every command (sweep too) without a picocli warning; a command's --help prints its help and exits 0. */
  @Test
  void helpListsEveryCommandAndSubcommandHelpNeedsNoRequiredOption() {
    java.io.PrintStream oldErr = System.err;
    java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(stderr, true));
    Run top, train;
    try {
      top = cli("--help");
      train = cli("train", "--help");
    } finally {
      System.setErr(oldErr);
    }
    assertThat(top.code()).isZero();
    for (String c : List.of("devices", "simulate", "trace", "render", "train", "players", "evaluate", "scale", "sweep")) {
      assertThat(top.out()).as(c).containsPattern("(?m)^\\s+" + c + "\\s");
    }
    assertThat(train.code()).isZero();
    assertThat(train.out()).contains("Usage: harvest train").contains("--config");
    assertThat(train.err() + stderr).doesNotContain("Missing required").doesNotContain("WARN");
    Run sweep = cli("sweep", "--spec", "x.yaml");
    assertThat(sweep.code()).isEqualTo(2);
    assertThat(sweep.err()).contains("start it through the launcher, ./harvest sweep --spec F");
  }

  /** Without a terminal the progress bar prints a line every 5 percentage points, not a frame per refresh. */
  @Test
  void progressWithoutATerminalIsALineEveryFivePercent() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.util.function.Consumer<String> lines = Progress.lines(new java.io.PrintStream(bytes, true));
    for (int p = 0; p <= 100; p++) for (int frame = 0; frame < 3; frame++) lines.accept("\rtrain " + String.format("%3d", p) + "% [ ] " + p + "/100");
    List<String> out = bytes.toString().lines().toList();
    assertThat(out).hasSize(21);
    assertThat(out.get(0)).isEqualTo("train   0% [ ] 0/100");
    assertThat(out.get(20)).isEqualTo("train 100% [ ] 100/100");
  }

  /** An output path that cannot be created (under /proc) is bad input: one message naming it, exit 2, before any work. */
  @Test
  void anOutThatCannotBeCreatedIsOneClearErrorInEveryCommandThatWrites(@TempDir Path dir) throws Exception {
    String bad = "/proc/harvest-no-such-dir/out";
    String q = QUICKSTART.toString();
    List<String[]> commands = List.of(
        new String[] {"train", "--config", q, "--out", bad},
        new String[] {"trace", "--config", q, "--envs", "1", "--steps", "5", "--seed", "1", "--out", bad + "/t.jsonl"},
        new String[] {"render", "--config", q, "--seed", "1", "--steps", "5", "--out", bad + "/r.png"},
        new String[] {"scale", "--config", q, "--players", "4", "--envs", "1", "--backend", "java", "--out", bad});
    for (String[] args : commands) {
      Run r = cli(args);
      assertThat(r.code()).as("%s: %s", args[0], r.err()).isEqualTo(2);
      assertThat(r.err()).as(args[0]).contains("harvest: error: --out " + bad).contains("cannot create").doesNotContain("Exception");
    }
    Path run = dir.resolve("run");
    Files.createDirectories(run);
    Files.copy(QUICKSTART, run.resolve("config.yaml"));
    Run r = cli("evaluate", "--run", run.toString(), "--principals", "free_market", "--seeds", "1", "--out", bad);
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--out " + bad).contains("cannot create");
  }

  @Test
  void simulateJsonHasThroughputAndRoundMetrics() throws Exception {
    Run r = cli("simulate", "--config", PAPER.toString(), "--envs", "4", "--steps", "2000", "--seed", "1", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode o = JSON.readTree(r.out());
    assertThat(o.get("backend").asText()).isEqualTo("java");
    assertThat(o.get("transfer").asText()).isEqualTo("host");
    assertThat(o.get("bytes_to_device_per_step").asDouble()).isZero();
    assertThat(o.get("bytes_from_device_per_step").asDouble()).isZero();
    assertThat(o.get("envs").asInt()).isEqualTo(4);
    assertThat(o.get("players").asInt()).isEqualTo(7);
    assertThat(o.get("player_steps_per_s").asDouble()).isPositive();
    assertThat(o.get("env_steps_per_s").asDouble() * 7).isCloseTo(o.get("player_steps_per_s").asDouble(), org.assertj.core.api.Assertions.within(1.0));
    assertThat(o.get("rounds")).hasSize(2);
    for (JsonNode round : o.get("rounds")) {
      for (String k : List.of("productivity", "equality", "eq_x_prod", "objective", "eta", "rates", "revenue", "apples_left", "lost_patches")) {
        assertThat(round.has(k)).as(k).isTrue();
      }
      assertThat(round.get("rates")).hasSize(3);
      assertThat(round.get("productivity").asDouble()).isPositive();
      assertThat(round.get("equality").asDouble()).isBetween(0.0, 1.0);
    }
  }

  /**
   * The copy path on PoCL (what a discrete GPU runs): simulate reports it, with the bytes the
   * backend counted, which on the paper's map stay within 1.2 KB per env-step from the device (the
   * step's outputs plus the period-end snapshots, amortised), and round metrics equal to java's.
   */
  @Test
  void simulateOnTheCopyPathReportsCountedTransfers() throws Exception {
    try {
      org.harvestsed.engine.opencl.Devices.list();
    } catch (org.harvestsed.engine.opencl.Devices.NoOpenClException e) {
      if ("1".equals(System.getenv("HARVEST_REQUIRE_OPENCL"))) throw e;
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "skipped: " + e.getMessage());
    }
    String[] common = {"--config", PAPER.toString(), "--envs", "128", "--steps", "1000", "--seed", "2", "--json"};
    // per env and step, in bytes (128 envs: no alignment padding): the step's outputs 7 x (121 window
    // + 8 x 4 scalars + 4 reward + 4 eaten) + 1 done + 4 T = 1132; at a period end the snapshot
    // 7 x 4 x 2 + 3 x 4 + 3 x 4 = 80; at the round and episode end (step 1000) 56 + 7 x (121 + 32) = 1127
    Run perStep = cli(concat(new String[] {"simulate", "--backend", "opencl", "--transfer", "copy", "--per-step"}, common));
    assertThat(perStep.code()).as(perStep.err()).isZero();
    JsonNode o = JSON.readTree(perStep.out());
    assertThat(o.get("transfer").asText()).isEqualTo("copy");
    assertThat(o.get("bytes_from_device_per_step").asDouble() / 128).isEqualTo((1000 * 1132 + 20 * 80 + 1127) / 1000.0);
    // random players: no actions go up; the principal's pending levels once per period (3 brackets x 4 bytes x 128 envs)
    assertThat(o.get("bytes_to_device_per_step").asDouble()).isEqualTo(20 * 3 * 4 * 128 / 1000.0);
    Run perPeriod = cli(concat(new String[] {"simulate", "--backend", "opencl", "--transfer", "copy"}, common));
    JsonNode p = JSON.readTree(perPeriod.out());
    assertThat(p.get("bytes_from_device_per_step").asDouble() / 128).as("one launch per period").isEqualTo((20 * (1132 + 80) + 1127) / 1000.0);
    Run java = cli(concat(new String[] {"simulate", "--backend", "java"}, common));
    assertThat(JSON.readTree(java.out()).get("rounds")).isEqualTo(o.get("rounds")).isEqualTo(p.get("rounds"));
  }

  static String[] concat(String[] a, String[] b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Test
  void simulateUnderAFixedPrincipalCollectsRevenue() throws Exception {
    Run r = cli("simulate", "--config", QUICKSTART.toString(), "--envs", "2", "--steps", "1000", "--principal", "fixed:0,0.6,1", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode round = JSON.readTree(r.out()).get("rounds").get(0);
    assertThat(round.get("rates").get(1).asDouble()).isCloseTo(0.6, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(round.get("revenue").asDouble()).isPositive();
  }

  @Test
  void traceWritesTheDesignSchemaOneLinePerEnvPerStep(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("t.jsonl");
    Run r = cli("trace", "--config", PAPER.toString(), "--envs", "2", "--steps", "60", "--seed", "3", "--principal", "flat:0.3", "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(120);
    Set<String> expected = new TreeSet<>(List.of("env", "t", "period", "round", "grid", "pos", "dir", "actions", "eaten", "visible",
        "rates", "tax", "lump", "r_ext", "r_int", "reward", "sigma", "beta", "eta", "done"));
    for (int k = 0; k < lines.size(); k++) {
      JsonNode o = JSON.readTree(lines.get(k));
      Set<String> keys = new TreeSet<>();
      o.fieldNames().forEachRemaining(keys::add);
      assertThat(keys).isEqualTo(expected);
      assertThat(o.get("env").asInt()).isEqualTo(k % 2);
      assertThat(o.get("t").asInt()).isEqualTo(k / 2);
      assertThat(o.get("period").asInt()).isEqualTo(k / 2 / 50);
      assertThat(o.get("grid")).hasSize(18);
      assertThat(o.get("grid").get(0).asText()).isEqualTo("WWWWWWWWWWWWWWWWWWWWWWWW");
      assertThat(o.get("pos")).hasSize(7);
      assertThat(o.get("rates").get(0).floatValue()).isEqualTo(0.3f);
      boolean periodEnd = (k / 2 + 1) % 50 == 0;
      double lumps = 0;
      for (JsonNode x : o.get("lump")) lumps += x.asDouble();
      assertThat(lumps).isCloseTo(0, org.assertj.core.api.Assertions.within(1e-4));
      if (!periodEnd) for (JsonNode x : o.get("tax")) assertThat(x.asDouble()).isZero();
    }
  }

  @Test
  void traceIsIdenticalForTheSameSeed(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a.jsonl");
    Path b = dir.resolve("b.jsonl");
    assertThat(cli("trace", "--config", QUICKSTART.toString(), "--envs", "2", "--steps", "30", "--seed", "9", "--out", a.toString()).code()).isZero();
    assertThat(cli("trace", "--config", QUICKSTART.toString(), "--envs", "2", "--steps", "30", "--seed", "9", "--out", b.toString()).code()).isZero();
    assertThat(Files.readString(a)).isEqualTo(Files.readString(b));
  }

  @Test
  void renderWritesPngAndGifAndPrintsAscii(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("f.png");
    Run r = cli("render", "--config", PAPER.toString(), "--seed", "2", "--steps", "5", "--out", png.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("WWWWWWWWWWWWWWWWWWWWWWWW\n");
    java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(24 * 12);
    assertThat(img.getHeight()).isEqualTo(18 * 12);
    Path gif = dir.resolve("f.gif");
    assertThat(cli("render", "--config", PAPER.toString(), "--seed", "2", "--steps", "5", "--out", gif.toString()).code()).isZero();
    try (var in = javax.imageio.ImageIO.createImageInputStream(gif.toFile())) {
      var reader = javax.imageio.ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      assertThat(reader.getNumImages(true)).as("one frame per state").isEqualTo(6);
    }
  }

  @Test
  void badInputGetsOneClearMessageAndExitCode2(@TempDir Path dir) throws Exception {
    Run r = cli("simulate", "--config", "nope.yaml");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("config file nope.yaml does not exist");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "env:\n  tax:\n    levels: 1\n");
    r = cli("simulate", "--config", bad.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("env.tax.levels: 1 is not allowed; need 2 to 1001 rate levels");
    r = cli("simulate", "--config", QUICKSTART.toString(), "--principal", "flat:0.33");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("rate 0.33 is not one of the 11 levels");
    r = cli("simulate", "--config", QUICKSTART.toString(), "--backend", "cuda");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("run.backend: 'cuda' is unknown; allowed: [java, opencl, tornado]");
    r = cli("simulate", "--config", QUICKSTART.toString(), "--transfer", "pinned");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("run.transfer: 'pinned' is unknown; allowed: [auto, copy] (from --transfer pinned)");
    Path badTransfer = dir.resolve("transfer.yaml");
    Files.writeString(badTransfer, "run:\n  transfer: always\n");
    r = cli("simulate", "--config", badTransfer.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("run.transfer: 'always' is unknown; allowed: [auto, copy]");
    Path out = dir.resolve("x.png");
    r = cli("render", "--config", QUICKSTART.toString(), "--out", dir.resolve("x.bmp").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("must end in .png or .gif");
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void failedTraceLeavesNoFileBehind(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("t.jsonl");
    Run r = cli("trace", "--config", QUICKSTART.toString(), "--envs", "1", "--steps", "0", "--out", out.toString());
    assertThat(r.code()).isEqualTo(2);
    try (var files = Files.list(dir)) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  void trainWithABadConfigFailsClearly(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "train:\n  lr: -1\n");
    Run r = cli("train", "--config", bad.toString(), "--out", dir.resolve("run").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("train.lr: -1.0 must be a positive number");
    assertThat(Files.exists(dir.resolve("run/checkpoint.bin"))).isFalse();
    r = cli("train", "--config", QUICKSTART.toString(), "--resume", dir.resolve("nothing").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no checkpoint.bin there");
    assertThat(Files.exists(dir.resolve("nothing"))).as("nothing is created").isFalse();
  }

  @Test
  void scaleWritesTheCsvAndPlots(@TempDir Path dir) throws Exception {
    Run r = cli("scale", "--config", PAPER.toString(), "--players", "7,70", "--envs", "1,4", "--backend", "java",
        "--seconds", "0.2", "--max-player-envs", "100", "--out", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    List<String> csv = Files.readAllLines(dir.resolve("scale.csv"));
    assertThat(csv.get(0)).isEqualTo("backend,players,envs,player_steps_per_s,env_steps_per_s,bytes_per_env,status,"
        + "bytes_per_player_step,bandwidth_gb_s,roofline_fraction,train_player_steps_per_s");
    assertThat(csv).hasSize(5);
    String[] first = csv.get(1).split(",");
    assertThat(first[0]).isEqualTo("java");
    assertThat(Double.parseDouble(first[3])).isPositive();
    assertThat(Double.parseDouble(first[7])).as("counted bytes per player-step").isGreaterThan(700);
    assertThat(Double.parseDouble(first[8])).as("measured copy bandwidth, GB/s").isPositive();
    assertThat(Double.parseDouble(first[9])).isEqualTo(Double.parseDouble(first[3]) * Double.parseDouble(first[7]) / (Double.parseDouble(first[8]) * 1e9),
        org.assertj.core.api.Assertions.within(0.01));
    assertThat(csv.get(4)).startsWith("java,70,4,,,").contains("skipped: players x envs over --max-player-envs");
    assertThat(Files.size(dir.resolve("throughput_vs_players.png"))).isPositive();
    assertThat(Files.size(dir.resolve("throughput_vs_envs.png"))).isPositive();
    assertThat(first).as("no --train: no training column").hasSize(10);
  }

  @Test
  void scaleWithTrainMeasuresEndToEndTraining(@TempDir Path dir) throws Exception {
    Run r = cli("scale", "--config", QUICKSTART.toString(), "--players", "7", "--envs", "2", "--backend", "java",
        "--seconds", "0.2", "--train", "--out", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String[] row = Files.readAllLines(dir.resolve("scale.csv")).get(1).split(",", -1);
    assertThat(Double.parseDouble(row[10])).as("training player-steps/s").isPositive();
  }

  @Test
  void devicesSaysWhatExists() {
    Run r = cli("devices");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("java backend: available");
    // the trainer's tests run without the optional tornado module: devices and every command say how to get it
    assertThat(r.out()).contains("tornado backend: unavailable: the tornado backend is not in this build").contains("TORNADOVM_HOME");
  }

  @Test
  void tornadoWithoutItsModuleIsAClearErrorInEveryCommand() {
    for (String[] args : List.of(
        new String[] {"simulate", "--config", QUICKSTART.toString(), "--backend", "tornado", "--steps", "10"},
        new String[] {"trace", "--config", QUICKSTART.toString(), "--backend", "tornado", "--steps", "10", "--out", "/tmp/never.jsonl"},
        new String[] {"scale", "--config", QUICKSTART.toString(), "--backend", "java,tornado", "--players", "7", "--envs", "1", "--out", "/tmp/never-scale"})) {
      Run r = cli(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).as(args[0]).contains("the tornado backend is not in this build").contains("docs/TORNADO.md").contains("java and opencl backends work without it");
    }
    assertThat(Path.of("/tmp/never.jsonl")).doesNotExist();
    assertThat(Path.of("/tmp/never-scale/scale.csv")).doesNotExist();
  }

  @Test
  void quickstartConfigLoads() {
    assertThat(Config.load(QUICKSTART).run().envs()).isEqualTo(16);
  }
}
