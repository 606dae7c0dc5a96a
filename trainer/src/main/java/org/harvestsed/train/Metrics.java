package org.harvestsed.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.io.AtomicFiles;

/**
 * One row of {@code metrics.csv}, filled by column name (CleanRL's names, DESIGN.md). The columns
 * are listed once, here; an unknown name is a programming error, caught by the first test that
 * logs it.
 */
public final class Metrics {
  public static final List<String> COLUMNS = List.of("iteration", "global_step", "player_steps", "charts/SPS", "charts/player_SPS", "charts/phase",
      "charts/cap", "charts/mean_reward", "charts/episodic_return", "charts/episodes", "charts/learning_rate",
      "losses/policy_loss", "losses/value_loss", "losses/entropy", "losses/approx_kl", "losses/clipfrac",
      "losses/explained_variance", "losses/grad_norm",
      "principal/updates", "principal/policy_loss", "principal/value_loss", "principal/entropy", "principal/approx_kl",
      "principal/clipfrac", "principal/explained_variance", "principal/mean_reward", "principal/learning_rate",
      "principal/ent_coef", "principal/reward_scale",
      "round/productivity", "round/equality", "round/eq_x_prod", "round/objective", "round/eta", "round/rates",
      "round/revenue", "round/lost_patches", "transfer/env_to_device_bytes", "transfer/env_from_device_bytes",
      "transfer/to_learner_bytes", "transfer/from_learner_bytes", "charts/rollout_s", "charts/update_s", "charts/rollout_fraction",
      "charts/principal_update_s");
  /** The columns that hold wall-clock measurements: the only ones two runs of one seed on one machine may differ in. */
  public static final List<String> WALL_CLOCK = List.of("charts/SPS", "charts/player_SPS", "charts/rollout_s", "charts/update_s", "charts/rollout_fraction",
      "charts/principal_update_s");
  public static final String FILE = "metrics.csv";

  private final String[] values = new String[COLUMNS.size()];

  public Metrics() {
    java.util.Arrays.fill(values, "");
  }

  public Metrics set(String column, double v) {
    return set(column, fmt(v));
  }

  public Metrics set(String column, String v) {
    values[index(column)] = v;
    return this;
  }

  public String get(String column) {
    return values[index(column)];
  }

  /** The values in {@link #COLUMNS} order. */
  public String[] values() {
    return values.clone();
  }

  private static int index(String column) {
    int i = COLUMNS.indexOf(column);
    if (i < 0) throw new IllegalArgumentException("no metrics column " + column);
    return i;
  }

  static String fmt(double x) {
    if (Double.isNaN(x)) return "";
    return Float.toString((float) x);
  }

  /**
   * Opens {@code dir/metrics.csv} for appending rows after iteration {@code iteration}: a new file
   * gets the header; an existing one (a resumed run) first loses every row logged after that
   * iteration (rows written after the checkpoint the run resumes from), rewritten atomically.
   */
  static BufferedWriter open(Path dir, long iteration) throws IOException {
    Path csv = dir.resolve(FILE);
    String header = String.join(",", COLUMNS);
    if (!Files.exists(csv)) {
      AtomicFiles.writeString(csv, header + "\n");
    } else {
      List<String> lines = Files.readAllLines(csv);
      if (lines.isEmpty() || !lines.get(0).equals(header)) {
        throw new IOException(csv + " has other columns than this build writes; resume it with the build that started it, or train into a new --out");
      }
      List<String> keep = new ArrayList<>(List.of(header));
      for (String l : lines.subList(1, lines.size())) {
        int comma = l.indexOf(',');
        if (comma > 0 && Long.parseLong(l.substring(0, comma)) <= iteration) keep.add(l);
      }
      if (keep.size() != lines.size()) AtomicFiles.writeString(csv, String.join("\n", keep) + "\n");
    }
    return Files.newBufferedWriter(csv, StandardOpenOption.APPEND);
  }
}
