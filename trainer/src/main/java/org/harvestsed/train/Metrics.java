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
 * One row of {@code metrics.csv}, filled by column name (CleanRL's names; docs/USAGE.md, "Commands", train). The columns
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
   * iteration (rows written after the checkpoint the run resumes from), rewritten atomically. The
   * TensorBoard event file beside it ({@link TfEvents}) is opened likewise: events after the last
   * kept row's global step dropped; a new one starts with the run's config.yaml, when there is one,
   * as text.
   */
  static Log open(Path dir, long iteration) throws IOException {
    Path csv = dir.resolve(FILE);
    String header = String.join(",", COLUMNS);
    long keepThroughStep = 0;
    if (!Files.exists(csv)) {
      AtomicFiles.writeString(csv, header + "\n");
    } else {
      List<String> lines = Files.readAllLines(csv);
      if (lines.isEmpty() || !lines.get(0).equals(header)) {
        throw new IOException(csv + " has other columns than this build writes; resume it with the build that started it, or train into a new --out");
      }
      List<String> keep = new ArrayList<>(List.of(header));
      for (String l : lines.subList(1, lines.size())) {
        String[] f = l.split(",", 3);
        if (f.length > 1 && Long.parseLong(f[0]) <= iteration) {
          keep.add(l);
          keepThroughStep = Long.parseLong(f[1]);
        }
      }
      if (keep.size() != lines.size()) AtomicFiles.writeString(csv, String.join("\n", keep) + "\n");
    }
    Path config = dir.resolve("config.yaml");
    BufferedWriter w = Files.newBufferedWriter(csv, StandardOpenOption.APPEND);
    try {
      return new Log(w, TfEvents.open(dir, keepThroughStep, Files.isRegularFile(config) ? Files.readString(config) : null));
    } catch (IOException | RuntimeException e) {
      w.close();
      throw e;
    }
  }

  /** metrics.csv and the TensorBoard event file of a run: every row goes to both. */
  public static final class Log implements java.io.Closeable {
    private final BufferedWriter csv;
    private final TfEvents events;

    Log(BufferedWriter csv, TfEvents events) {
      this.csv = csv;
      this.events = events;
    }

    /** Appends the row to metrics.csv and, as one event at its global step, to the event file; both flushed. */
    public void write(Metrics row) throws IOException {
      csv.write(String.join(",", row.values) + "\n");
      csv.flush();
      String[] rates = row.get("round/rates").isEmpty() ? new String[0] : row.get("round/rates").split(";");
      List<String> tags = new ArrayList<>(COLUMNS.size() + rates.length);
      List<Float> values = new ArrayList<>(COLUMNS.size() + rates.length);
      for (int i = 0; i < COLUMNS.size(); i++) {
        if (COLUMNS.get(i).equals("round/rates")) {
          for (int b = 0; b < rates.length; b++) {
            tags.add("round/rates/" + b);
            values.add(Float.parseFloat(rates[b]));
          }
        } else if (!row.values[i].isEmpty()) {
          tags.add(COLUMNS.get(i));
          values.add(Float.parseFloat(row.values[i]));
        }
      }
      float[] v = new float[values.size()];
      for (int i = 0; i < v.length; i++) v[i] = values.get(i);
      events.scalars(Long.parseLong(row.get("global_step")), tags, v);
    }

    @Override
    public void close() throws IOException {
      try (events) {
        csv.close();
      }
    }
  }
}
