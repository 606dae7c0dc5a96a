package org.harvestsed.sweep;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One row of results.parquet / results.csv: a run (a TRAIN run, or one evaluation of a FINETUNE
 * run: the learned principal gives one row sampling and one at its mode). Columns are {@link #COLUMNS}.
 */
public final class ResultRow implements Serializable {
  private static final long serialVersionUID = 1L;

  public enum Type { STRING, LONG, DOUBLE }

  public record Column(String name, Type type) implements Serializable {}

  /** The table's columns, in order. */
  public static final List<Column> COLUMNS = List.of(
      new Column("run_id", Type.STRING), new Column("kind", Type.STRING), new Column("seed", Type.LONG),
      new Column("axes", Type.STRING), new Column("principal", Type.STRING), new Column("evaluated", Type.STRING),
      new Column("social_choice", Type.STRING), new Column("status", Type.STRING), new Column("error", Type.STRING),
      new Column("attempt", Type.LONG), new Column("seconds", Type.DOUBLE), new Column("host", Type.STRING),
      new Column("env_steps", Type.LONG), new Column("converged", Type.STRING), new Column("eval_rounds", Type.LONG),
      new Column("objective", Type.DOUBLE), new Column("productivity", Type.DOUBLE), new Column("equality", Type.DOUBLE),
      new Column("eq_x_prod", Type.DOUBLE), new Column("lost_patches", Type.DOUBLE), new Column("sites_alive", Type.DOUBLE),
      new Column("players", Type.LONG), new Column("apples_per_player", Type.DOUBLE), new Column("first_collapse_step", Type.DOUBLE),
      new Column("top_rate", Type.DOUBLE), new Column("rates", Type.STRING),
      new Column("pre_tax_inequality", Type.DOUBLE), new Column("post_tax_inequality", Type.DOUBLE),
      new Column("apples_per_period_beta_low", Type.DOUBLE), new Column("apples_per_period_beta_mid", Type.DOUBLE),
      new Column("apples_per_period_beta_high", Type.DOUBLE),
      new Column("curve_first", Type.DOUBLE), new Column("curve_last", Type.DOUBLE), new Column("curve_change", Type.DOUBLE),
      new Column("apples_trained", Type.DOUBLE), new Column("apples_random", Type.DOUBLE));

  private final LinkedHashMap<String, Object> values = new LinkedHashMap<>();

  public ResultRow(RunSpec run) {
    for (Column c : COLUMNS) values.put(c.name(), c.type() == Type.DOUBLE ? Double.NaN : c.type() == Type.LONG ? 0L : "");
    set("run_id", run.id()).set("kind", run.kind().name().toLowerCase(Locale.ROOT)).set("seed", run.seed()).set("axes", run.axes());
    if (run.kind() == RunSpec.Kind.FINETUNE) set("principal", run.principal()).set("social_choice", run.socialChoice());
  }

  private ResultRow() {}

  public ResultRow set(String column, Object value) {
    Column c = column(column);
    Object v = switch (c.type()) {
      case STRING -> value == null ? "" : value.toString();
      case LONG -> ((Number) value).longValue();
      case DOUBLE -> ((Number) value).doubleValue();
    };
    values.put(column, v);
    return this;
  }

  public Object get(String column) {
    column(column);
    return values.get(column);
  }

  public String string(String column) {
    return (String) get(column);
  }

  public double number(String column) {
    return ((Number) get(column)).doubleValue();
  }

  public boolean ok() {
    return "ok".equals(string("status"));
  }

  /** The principal as the comparison names it: learned evaluated at its mode is "learned@mode". */
  public String label() {
    return "mode".equals(string("evaluated")) ? string("principal") + "@mode" : string("principal");
  }

  public ResultRow copy() {
    ResultRow r = new ResultRow();
    r.values.putAll(values);
    return r;
  }

  private static Column column(String name) {
    for (Column c : COLUMNS) if (c.name().equals(name)) return c;
    throw new IllegalArgumentException("no column " + name + " in the results table");
  }

  /** The values in column order (a Spark Row's fields). */
  public Object[] values() {
    return values.values().toArray();
  }

  public Map<String, Object> asMap() {
    return new LinkedHashMap<>(values);
  }

  /** Columns added since the first sweeps: a run written before them reads back with their empty value (a rerun resumes an older sweep). */
  static final java.util.Set<String> LATER = java.util.Set.of("rates", "players", "apples_per_player", "first_collapse_step");

  public static ResultRow fromMap(Map<String, Object> m) {
    ResultRow r = new ResultRow();
    for (Column c : COLUMNS) {
      Object v = m.get(c.name());
      if (v == null && LATER.contains(c.name())) v = c.type() == Type.DOUBLE ? Double.NaN : c.type() == Type.LONG ? 0L : "";
      if (v == null) throw new IllegalArgumentException("result row without column " + c.name());
      if (c.type() == Type.DOUBLE && v instanceof String s) v = Double.valueOf(s); // NaN is written as "NaN"
      r.values.put(c.name(), null);
      r.set(c.name(), v);
    }
    return r;
  }

  public static String csvHeader() {
    List<String> names = new ArrayList<>();
    for (Column c : COLUMNS) names.add(c.name());
    return String.join(",", names);
  }

  public String csvLine() {
    List<String> out = new ArrayList<>();
    for (Column c : COLUMNS) {
      Object v = values.get(c.name());
      String s = v instanceof Double d ? (d.isNaN() ? "" : Double.toString(d)) : v.toString();
      if (s.contains(",") || s.contains("\"") || s.contains("\n")) s = "\"" + s.replace("\"", "\"\"") + "\"";
      out.add(s);
    }
    return String.join(",", out);
  }
}
