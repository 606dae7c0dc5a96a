package org.harvestsed.engine.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The phases of one step of one env, in the order the step runs them (docs/RULES.md section 3),
 * with the name each implementation gives them: the java reference ({@link JavaBackend}, whose
 * methods are declared in this order), the OpenCL kernels (the file and function; the program is
 * assembled from these files in this order, see {@code KernelSource}) and the TornadoVM kernel
 * ({@code tornado/.../StepKernel.java}). A rule lives in three copies; this list is where they are
 * side by side, and {@link #orderProblems} is how the tests keep them in step: a phase that one
 * copy lacks or runs out of order fails the build, even where no TornadoVM SDK is installed.
 *
 * <p>What is not a phase: the java reference's {@code load} (a per-thread cache of the grid, not a
 * rule) and the host's {@link Bookkeeper#afterStep} (runs on the host for every backend).
 */
public enum Phase {
  RANDOM_ACTIONS("drawRandomActions", "actions.cl", "draw_random_actions", "drawRandomActions",
      "scripted (random) players only: uniform actions from the POLICY stream, four players per Philox block"),
  PERIOD_START("periodStart", "period_start.cl", "period_start", "periodStart",
      "at a period's first step: the pending levels become rates (divergence limit, then the cap)"),
  RESPAWN("respawn", "respawn.cl", "respawn", "respawn",
      "zap on: zap flags clear; removed players count down and respawn on a free spawn point (RESPAWN stream)"),
  TURNS("turns", "turns.cl", "turns", "turns", "TURN_LEFT / TURN_RIGHT change the orientation; removed players do nothing"),
  MOVES("moves", "moves.cl", "moves", "moves",
      "moves one player at a time in the step's random order (MOVE_ORDER stream); into free non-wall cells only"),
  ZAPS("zaps", "zaps.cl", "zaps", "zaps", "zap on: simultaneous beams on the post-move positions; hit players leave the map"),
  CONSUMPTION("consumption", "consumption.cl", "consumption", "consumption",
      "a player on an apple eats it (a_i = 1); SITE_APPLES of the sites around it drop by one"),
  REGROWTH("regrowth", "regrowth.cl", "regrowth", "regrowth",
      "synchronous: empty sites with apples nearby draw from the REGROWTH stream in site order and grow with P[min(k, 3)]"),
  OBSERVE_WINDOWS("observeWindows", "observe.cl", "observe_windows", "observeWindows",
      "the egocentric windows of the new state, and NEARBY (apples eaten by the others each player sees)"),
  INCOME("income", "income.cl", "income", "income", "this step's apples into the period income and the round's apples"),
  TAXES("taxes", "taxes.cl", "taxes", "taxes",
      "at a period's last step: tax, lump sums and the round's revenue; at other steps TAX and LUMP are 0"),
  REWARDS("rewards", "rewards.cl", "rewards", "rewards", "r = beta r_ext + (1 - beta) r_int, with the zap costs"),
  CLOCK("clock", "clock.cl", "clock", "clock", "t and tick advance; at a period's end its incomes are kept and restart"),
  ROUND_END("roundEnd", "round_end.cl", "round_end", "roundEnd",
      "at a round's last step: the round's snapshot, the vote (majority rule), a new round"),
  OBSERVE_SCALARS("observeScalars", "scalars.cl", "observe_scalars", "observeScalars",
      "the float features: sigma, beta, rates, period progress, period income, eta"),
  KEEP_FINAL("keepFinal", "final.cl", "keep_final", "keepFinal",
      "at an episode's last step: DONE = 1 and the final observation and state are kept"),
  RESET_EPISODE("resetEpisode", "reset.cl", "reset_episode", "resetEpisode",
      "then a new episode (full apple map, SPAWN stream), observed again; other steps: DONE = 0"),
  COUNT_APPLES("countApples", "apples.cl", "count_apples", "countApples",
      "at a period's end (after any reset): PERIOD_START_APPLES = apples on the map, the principal's next input");

  /** The java reference's method ({@link JavaBackend}). */
  public final String javaMethod;
  /** The file of {@code kernels/} that defines the phase's function. */
  public final String kernelFile;
  /** The OpenCL function. */
  public final String kernelFunction;
  /** The method of the TornadoVM kernel ({@code org.harvestsed.tornado.StepKernel}). */
  public final String tornadoMethod;
  /** One line of contract. */
  public final String contract;

  Phase(String javaMethod, String kernelFile, String kernelFunction, String tornadoMethod, String contract) {
    this.javaMethod = javaMethod;
    this.kernelFile = kernelFile;
    this.kernelFunction = kernelFunction;
    this.tornadoMethod = tornadoMethod;
    this.contract = contract;
  }

  /** The files of {@code kernels/} that define the phases, each once, in phase order. */
  public static List<String> kernelFiles() {
    List<String> files = new ArrayList<>();
    for (Phase p : values()) if (!files.contains(p.kernelFile)) files.add(p.kernelFile);
    return files;
  }

  /**
   * What is wrong with one implementation of the step, given its source text: a phase whose
   * function is not declared, a phase the step function does not call, or calls out of phase order
   * (the first call of each phase's function is what counts; a phase may run again later, as the
   * windows and scalars do after an episode reset). With {@code declaredInOrder}, the functions
   * must also be declared in phase order. An empty list means the implementation is in step.
   *
   * @param source the implementation's source (Java, or the concatenated OpenCL program)
   * @param stepFunction the function whose body runs one step
   * @param name the implementation's name of each phase
   */
  public static List<String> orderProblems(String source, String stepFunction, Function<Phase, String> name,
      boolean declaredInOrder) {
    List<String> problems = new ArrayList<>();
    int stepAt = declaration(source, stepFunction);
    if (stepAt < 0) {
      problems.add("the step function " + stepFunction + " is not declared");
      return problems;
    }
    String body = body(source, stepAt);
    int lastDecl = -1, lastCall = -1;
    Phase prevDecl = null, prevCall = null;
    for (Phase p : values()) {
      String fn = name.apply(p);
      int decl = declaration(source, fn);
      if (decl < 0) {
        problems.add(p + ": " + fn + " is not declared");
        continue;
      }
      if (declaredInOrder) {
        if (decl < lastDecl) problems.add(p + ": " + fn + " is declared before " + name.apply(prevDecl) + " (phase " + prevDecl + ")");
        lastDecl = decl;
        prevDecl = p;
      }
      Matcher call = Pattern.compile("(?<![\\w.])" + Pattern.quote(fn) + "\\s*\\(").matcher(body);
      if (!call.find()) {
        problems.add(p + ": " + stepFunction + " does not call " + fn);
        continue;
      }
      if (call.start() < lastCall) {
        problems.add(p + ": " + stepFunction + " calls " + fn + " before " + name.apply(prevCall) + " (phase " + prevCall + ")");
      }
      lastCall = call.start();
      prevCall = p;
    }
    return problems;
  }

  /** Where function {@code fn} is declared (a return type, its name, a parameter list, a body), or -1. */
  private static int declaration(String source, String fn) {
    Matcher m = Pattern.compile("\\b(?:void|int|boolean|float)\\s+" + Pattern.quote(fn) + "\\s*\\([^;{]*\\)\\s*\\{").matcher(source);
    return m.find() ? m.start() : -1;
  }

  /** The body of the function declared at {@code at}, from its opening brace to the matching one. */
  private static String body(String source, int at) {
    int open = source.indexOf('{', at);
    int depth = 0;
    for (int k = open; k < source.length(); k++) {
      char c = source.charAt(k);
      if (c == '{') depth++;
      else if (c == '}' && --depth == 0) return source.substring(open, k + 1);
    }
    return source.substring(open);
  }
}
