package org.harvestsed.engine.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.harvestsed.engine.rng.Philox;
import org.harvestsed.engine.util.SpecialFunctions;

/**
 * How each player's private type (sigma selfishness, beta trust) is drawn at a reset ({@code
 * env.types}, docs/RULES.md section 5): one distribution per type, or a table of (sigma, beta)
 * rows drawn with replacement (a persona table). Every backend resets on the host through the java
 * reference, so the draw is written once, here: the TYPES block of player i (i, 0, env) gives word
 * 0 for sigma (or the table's row) and word 1 for beta.
 *
 * @param sigma distribution of sigma (ignored with a table)
 * @param beta  distribution of beta (ignored with a table)
 * @param table rows {sigma, beta}, or null
 */
public record Types(Distribution sigma, Distribution beta, float[][] table) {
  /** The paper's: sigma and beta U[0, 1), independent. */
  public static final Types PAPER = new Types(Distribution.uniform(0, 1), Distribution.uniform(0, 1), null);

  public Types {
    if (table != null) {
      float[][] copy = new float[table.length][];
      for (int r = 0; r < table.length; r++) copy[r] = table[r].clone();
      table = copy;
    }
  }

  /** Player's sigma from TYPES words 0 and 1 of its block. */
  public float sigma(int w0, int w1) {
    return table != null ? table[Philox.below(w0, table.length)][0] : sigma.sample(w0);
  }

  /** Player's beta from TYPES words 0 and 1 of its block (a table row is the one {@link #sigma} took). */
  public float beta(int w0, int w1) {
    return table != null ? table[Philox.below(w0, table.length)][1] : beta.sample(w1);
  }

  @Override
  public String toString() {
    if (table == null) return "sigma=" + sigma + " beta=" + beta;
    StringBuilder sb = new StringBuilder("table=[");
    for (float[] r : table) sb.append(Arrays.toString(r));
    return sb.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Types t && t.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  /** The {@code env.types} section; {@code base}: the directory a table's CSV path is relative to (the config file's). */
  static Types parse(Config.Section s, Path base) {
    s.allow("sigma", "beta", "table");
    com.fasterxml.jackson.databind.JsonNode table = s.get("table");
    if (table != null) {
      if (s.get("sigma") != null || s.get("beta") != null) {
        throw ConfigException.at(s.key("table"), "a table gives both sigma and beta; remove " + s.key("sigma") + " and " + s.key("beta"));
      }
      float[][] rows = table.isTextual() ? csv(s.key("table"), base.resolve(table.textValue())) : inline(s.key("table"), table);
      List<List<Double>> resolved = new ArrayList<>(); // inline in the resolved config: a run directory needs no CSV beside it
      for (float[] r : rows) resolved.add(Config.Section.floatList(r));
      s.record("table", resolved);
      return new Types(null, null, rows);
    }
    Distribution sigma = Distribution.parse(s.key("sigma"), s.get("sigma")), beta = Distribution.parse(s.key("beta"), s.get("beta"));
    s.record("sigma", sigma.toString());
    s.record("beta", beta.toString());
    return new Types(sigma, beta, null);
  }

  private static float[][] inline(String key, com.fasterxml.jackson.databind.JsonNode rows) {
    if (!rows.isArray() || rows.isEmpty()) {
      throw ConfigException.at(key, "expected a CSV file name or a list of [sigma, beta] rows, got " + rows);
    }
    float[][] out = new float[rows.size()][];
    for (int r = 0; r < out.length; r++) {
      com.fasterxml.jackson.databind.JsonNode row = rows.get(r);
      if (!row.isArray() || row.size() != 2 || !row.get(0).isNumber() || !row.get(1).isNumber()) {
        throw ConfigException.at(key + "[" + r + "]", "expected [sigma, beta], two numbers in [0, 1], got " + row);
      }
      out[r] = row(key + "[" + r + "]", row.get(0).doubleValue(), row.get(1).doubleValue());
    }
    return out;
  }

  /** A CSV of sigma,beta rows (a header line naming them is allowed; blank lines and # comments are skipped). */
  private static float[][] csv(String key, Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      throw ConfigException.at(key, "the table " + file + " does not exist (a path relative to the config file)");
    } catch (IOException e) {
      throw ConfigException.at(key, "cannot read the table " + file + ": " + e.getMessage());
    }
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).trim();
      if (l.isEmpty() || l.startsWith("#")) continue;
      String[] f = l.split(",");
      if (rows.isEmpty() && f.length == 2 && f[0].trim().equalsIgnoreCase("sigma") && f[1].trim().equalsIgnoreCase("beta")) continue;
      String where = key + " (" + file.getFileName() + " line " + (i + 1) + ")";
      if (f.length != 2) throw ConfigException.at(where, "expected two numbers sigma,beta, got '" + l + "'");
      try {
        rows.add(row(where, Double.parseDouble(f[0].trim()), Double.parseDouble(f[1].trim())));
      } catch (NumberFormatException e) {
        throw ConfigException.at(where, "expected two numbers sigma,beta, got '" + l + "'");
      }
    }
    if (rows.isEmpty()) throw ConfigException.at(key, "the table " + file + " has no rows");
    return rows.toArray(new float[0][]);
  }

  private static float[] row(String where, double sigma, double beta) {
    if (!(sigma >= 0 && sigma <= 1 && beta >= 0 && beta <= 1)) {
      throw ConfigException.at(where, "sigma " + sigma + " and beta " + beta + " must both be in [0, 1]");
    }
    return new float[] {(float) sigma, (float) beta};
  }

  /**
   * A distribution on [0, 1] sampled from one 32-bit Philox word: {@code uniform(a,b)} (a + (b - a)
   * u in float, u = {@link Philox#uniform}), {@code fixed(x)}, {@code beta(a,b)} (the inverse of the
   * regularized incomplete beta function at u, by bisection in double), {@code choice([x,...])}
   * (value {@link Philox#below} the count).
   */
  public record Distribution(String kind, float[] args) {
    private static final Pattern FORM = Pattern.compile("\\s*([a-z]+)\\s*\\((.*)\\)\\s*");

    public Distribution {
      args = args.clone();
    }

    static Distribution uniform(float a, float b) {
      return new Distribution("uniform", new float[] {a, b});
    }

    /** The value for Philox word {@code w}. */
    public float sample(int w) {
      return switch (kind) {
        case "uniform" -> args[0] + (args[1] - args[0]) * Philox.uniform(w);
        case "fixed" -> args[0];
        case "choice" -> args[Philox.below(w, args.length)];
        case "beta" -> betaQuantile(args[0], args[1], ((w >>> 8) + 0.5) * 0x1.0p-24);
        default -> throw new IllegalStateException(kind);
      };
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(kind).append('(');
      if (kind.equals("choice")) sb.append('[');
      for (int i = 0; i < args.length; i++) sb.append(i == 0 ? "" : ", ").append(args[i]);
      if (kind.equals("choice")) sb.append(']');
      return sb.append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Distribution d && d.toString().equals(toString());
    }

    @Override
    public int hashCode() {
      return toString().hashCode();
    }

    /** A distribution written as in env.types, e.g. {@code beta(2, 5)}; a bad one is a ConfigException naming it. */
    public static Distribution of(String text) {
      return parse("distribution", com.fasterxml.jackson.databind.node.TextNode.valueOf(text));
    }

    /** {@code uniform(a,b)}, {@code fixed(x)} (or a bare number), {@code beta(a,b)}, {@code choice([x,...])}; null: U[0, 1). */
    static Distribution parse(String key, com.fasterxml.jackson.databind.JsonNode v) {
      if (v == null) return uniform(0, 1);
      String allowed = "; allowed: uniform(a, b), fixed(x) or a number, beta(a, b), choice([x, ...]), all on [0, 1]";
      if (v.isNumber()) return checked(key, "fixed", new float[] {v.floatValue()}, v.toString(), allowed);
      if (!v.isTextual()) throw ConfigException.at(key, "expected a distribution such as uniform(0, 1), got " + v + allowed);
      String text = v.textValue();
      Matcher m = FORM.matcher(text.toLowerCase(Locale.ROOT));
      if (!m.matches()) throw ConfigException.at(key, "'" + text + "' is not a distribution" + allowed);
      String kind = m.group(1), body = m.group(2).trim();
      if (kind.equals("choice")) {
        if (!body.startsWith("[") || !body.endsWith("]")) throw ConfigException.at(key, "'" + text + "': write choice([x, y, ...])");
        body = body.substring(1, body.length() - 1);
      }
      String[] parts = body.isBlank() ? new String[0] : body.split(",");
      float[] a = new float[parts.length];
      for (int i = 0; i < a.length; i++) {
        try {
          a[i] = Float.parseFloat(parts[i].trim());
        } catch (NumberFormatException e) {
          throw ConfigException.at(key, "'" + text + "': '" + parts[i].trim() + "' is not a number");
        }
      }
      return checked(key, kind, a, text, allowed);
    }

    private static Distribution checked(String key, String kind, float[] a, String text, String allowed) {
      int want = switch (kind) {
        case "uniform", "beta" -> 2;
        case "fixed" -> 1;
        case "choice" -> -1;
        default -> throw ConfigException.at(key, "'" + text + "': unknown distribution '" + kind + "'" + allowed);
      };
      if (want > 0 && a.length != want) throw ConfigException.at(key, "'" + text + "': " + kind + " takes " + want + " number" + (want > 1 ? "s" : ""));
      if (want < 0 && a.length == 0) throw ConfigException.at(key, "'" + text + "': choice needs at least one value");
      if (kind.equals("beta")) {
        if (!(a[0] > 0 && a[1] > 0 && Float.isFinite(a[0]) && Float.isFinite(a[1]))) {
          throw ConfigException.at(key, "'" + text + "': beta(a, b) needs a > 0 and b > 0");
        }
      } else {
        for (float x : a) if (!(x >= 0 && x <= 1)) throw ConfigException.at(key, "'" + text + "': " + x + " is outside [0, 1]");
        if (kind.equals("uniform") && a[0] > a[1]) throw ConfigException.at(key, "'" + text + "': uniform(a, b) needs a <= b");
      }
      return new Distribution(kind, a);
    }

    /** x with I_x(a, b) = u: bisection (60 halvings of [0, 1], below float resolution) on the regularized incomplete beta. */
    static float betaQuantile(double a, double b, double u) {
      double lo = 0, hi = 1;
      for (int i = 0; i < 60; i++) {
        double mid = 0.5 * (lo + hi);
        if (SpecialFunctions.regularizedBeta(mid, a, b) < u) lo = mid;
        else hi = mid;
      }
      return (float) (0.5 * (lo + hi));
    }
  }
}
