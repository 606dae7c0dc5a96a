package org.harvestsed.engine.opencl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.harvestsed.engine.config.Transfer;

/**
 * The GPU check's two reports, {@code report.json} and {@code report.txt}, rewritten (to a temp
 * file, then moved) after every unit of work, so that a run cut short still says what it saw; and
 * {@link #verify}, the check of a finished report's fields that CI runs on the dry run.
 */
public final class GpuCheckReport {
  public static final String JSON = "report.json";
  public static final String TEXT = "report.txt";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;
  private final ObjectNode root = obj();
  private final ObjectNode stages;

  static ObjectNode obj() {
    return JsonNodeFactory.instance.objectNode();
  }

  static TextNode text(String s) {
    return TextNode.valueOf(s);
  }

  /** What a stage does, on its own thread. */
  interface Body {
    void run(Stage st) throws Exception;
  }

  /** A stage's end that is no error of the code: no usable device, or a device that is not a GPU. */
  static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refusal(String m) {
      super(m);
    }
  }

  GpuCheckReport(Path dir, GpuCheck.Options o) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    root.put("tool", "harvest-sed gpu-check").put("report_version", 1).put("status", "running").put("started", Instant.now().toString());
    ObjectNode s = root.putObject("settings").put("short", o.settings().isShort()).put("allow_cpu", o.allowCpu()).put("device", o.device())
        .put("total_limit_s", o.total());
    s.set("budget_s", MAPPER.valueToTree(o.budget()));
    s.set("stages", MAPPER.valueToTree(o.stages()));
    s.set("sizes", MAPPER.valueToTree(o.settings().sizes()));
    s.set("local_sizes", MAPPER.valueToTree(o.settings().localSizes()));
    s.set("register_caps", MAPPER.valueToTree(o.settings().registerCaps()));
    s.set("mappings", MAPPER.valueToTree(GpuCheck.mappings().stream().map(m -> m.label()).toList()));
    s.set("transfers", MAPPER.valueToTree(Transfer.labels()));
    ObjectNode rt = root.putObject("runtime").put("java_home", System.getProperty("java.home"))
        .put("java_version", System.getProperty("java.runtime.version")).put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"))
        .put("processors", Runtime.getRuntime().availableProcessors()).put("class_path", System.getProperty("java.class.path"));
    ArrayNode mods = rt.putArray("modules");
    new TreeSet<>(ModuleLayer.boot().modules().stream().map(Module::getName).toList()).forEach(mods::add);
    stages = root.putObject("stages");
    flush();
  }

  synchronized void loader(ObjectNode n) {
    root.set("loader", n);
    flush();
  }

  synchronized void skip(String name, String why) {
    stages.putObject(name).put("status", "skipped").put("detail", why);
    flush();
  }

  synchronized void finish(String status, Integer code) {
    if (!root.path("status").asText().equals("running")) return; // the shutdown hook after a normal end
    root.put("status", status).put("finished", Instant.now().toString());
    if (code != null) root.put("exit_code", code);
    flush();
  }

  synchronized Stage begin(String name, double budget) {
    ObjectNode n = stages.putObject(name).put("status", "running").put("budget_s", budget);
    flush();
    return new Stage(name, n, budget);
  }

  /** One stage: its node in the report, its deadline, and how it ended. */
  final class Stage {
    private final String name;
    private final ObjectNode node;
    private final long start = System.nanoTime();
    private final long deadline;
    private volatile boolean cut, failed, abandoned;
    private volatile String activity = "starting";

    Stage(String name, ObjectNode node, double budget) {
      this.name = name;
      this.node = node;
      this.deadline = start + (long) (budget * 1e9);
    }

    boolean timeUp() {
      return System.nanoTime() > deadline;
    }

    double elapsed() {
      return (System.nanoTime() - start) / 1e9;
    }

    /** The stage stopped early at its time limit: what it did is reported, the rest is marked "not run". */
    void cut() {
      cut = true;
    }

    /** A result is wrong (a parity difference, an error): the stage ends "failed" and the run exits 1. */
    void fail() {
      failed = true;
    }

    void activity(String what) {
      activity = what;
      synchronized (GpuCheckReport.this) {
        if (!abandoned) node.put("doing", what);
      }
    }

    void put(String key, JsonNode v) {
      synchronized (GpuCheckReport.this) {
        if (abandoned) return;
        node.set(key, v);
        flush();
      }
    }

    ArrayNode array(String key) {
      synchronized (GpuCheckReport.this) {
        return node.putArray(key);
      }
    }

    void add(ArrayNode to, ObjectNode entry) {
      synchronized (GpuCheckReport.this) {
        if (abandoned) return;
        to.add(entry);
        flush();
      }
    }

    /**
     * Runs the body on a daemon thread and waits at most the budget plus {@code grace} seconds; a
     * body still running then (in a driver call, say) is abandoned and the stage reported
     * "timed_out" with what it was doing. Returns the stage's status.
     */
    String runWithin(Body body, double grace) {
      Throwable[] error = new Throwable[1];
      Thread t = new Thread(() -> {
        try {
          body.run(this);
        } catch (Throwable e) {
          error[0] = e;
        }
      }, "gpu-check-" + name);
      t.setDaemon(true);
      t.start();
      try {
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000 + (long) (grace * 1000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (GpuCheckReport.this) {
        String status;
        if (t.isAlive()) {
          status = "timed_out";
          node.put("detail", "still running " + String.format(Locale.ROOT, "%.0f", grace) + " s after its limit, abandoned while: " + activity);
          abandoned = true;
        } else if (error[0] instanceof Refusal r) {
          status = "refused";
          node.put("detail", r.getMessage());
        } else if (error[0] != null) {
          status = "error";
          StringWriter w = new StringWriter();
          error[0].printStackTrace(new PrintWriter(w));
          node.put("detail", w.toString());
        } else {
          status = failed ? "failed" : cut ? "cut" : "ok";
          if (cut && !failed) node.put("detail", "stopped at its time limit; what did not run is marked 'not run'");
        }
        node.remove("doing");
        node.put("status", status).put("elapsed_s", elapsed());
        flush();
        return status;
      }
    }
  }

  /** Writes both reports (each to a temp file, then moved over the old one). */
  synchronized void flush() {
    try {
      write(JSON, MAPPER.writeValueAsString(root) + "\n");
      write(TEXT, render(root));
    } catch (IOException e) {
      System.err.println("gpu-check: cannot write the report to " + dir + ": " + e.getMessage());
    }
  }

  private void write(String name, String content) throws IOException {
    Path tmp = dir.resolve(name + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  // ---------------------------------------------------------------- text

  /** The readable report: the same content as the JSON, as headed sections and tables. */
  static String render(JsonNode r) {
    StringBuilder b = new StringBuilder();
    b.append("harvest-sed gpu-check: ").append(r.path("status").asText().toUpperCase(Locale.ROOT));
    if (r.has("exit_code")) b.append(" (exit ").append(r.get("exit_code").asInt()).append(')');
    b.append("\nstarted ").append(r.path("started").asText()).append(", finished ").append(r.path("finished").asText("-")).append('\n');
    JsonNode rt = r.path("runtime");
    b.append("runtime: ").append(rt.path("java_home").asText()).append(" (Java ").append(rt.path("java_version").asText()).append("; modules ")
        .append(join(rt.path("modules"))).append("); ").append(rt.path("processors").asInt()).append(" processors\n");
    JsonNode s = r.path("settings");
    b.append("settings: ").append(s.path("short").asBoolean() ? "short (dry run)" : "full").append(", allow-cpu ").append(s.path("allow_cpu").asBoolean())
        .append(", limits ").append(s.path("budget_s")).append(" s\n");
    JsonNode l = r.path("loader");
    if (!l.isMissingNode()) {
      b.append("loader: OCL_ICD_VENDORS=").append(l.path("OCL_ICD_VENDORS").asText()).append("\n  loaded: ").append(join(l.path("loaded_libraries")))
          .append("\n  ICD files: ").append(l.path("icd_files")).append('\n');
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = r.path("stages").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode st = e.getValue();
      b.append("\n== ").append(e.getKey()).append(": ").append(st.path("status").asText());
      if (st.has("elapsed_s")) b.append(String.format(Locale.ROOT, " in %.1f s", st.get("elapsed_s").asDouble()));
      if (st.has("budget_s")) b.append(String.format(Locale.ROOT, " (limit %.0f s)", st.get("budget_s").asDouble()));
      b.append('\n');
      if (st.has("doing")) b.append("  running: ").append(st.get("doing").asText()).append('\n');
      if (st.has("detail")) b.append("  ").append(st.get("detail").asText().replace("\n", "\n  ")).append('\n');
      if (st.path("status").asText().equals("skipped")) continue;
      switch (e.getKey()) {
        case "device" -> renderDevice(b, st);
        case "build" -> renderBuild(b, st);
        case "parity" -> table(b, st.path("runs"), List.of("case", "mapping", "transfer", "path", "local_size", "launch", "envs", "steps_checked", "result", "seconds"));
        case "throughput" -> table(b, st.path("cells"), List.of("players", "envs", "mapping", "local_size", "register_cap", "launch", "path",
            "player_steps_per_s", "kernel_player_steps_per_s", "env_steps_per_s", "bytes_from_device_per_step", "launches", "result"));
        case "bandwidth" -> renderBandwidth(b, st);
        default -> { }
      }
      if (e.getKey().equals("parity") || e.getKey().equals("throughput")) details(b, st.path(e.getKey().equals("parity") ? "runs" : "cells"));
    }
    return b.toString();
  }

  private static void renderDevice(StringBuilder b, JsonNode st) {
    for (JsonNode d : st.path("devices")) {
      b.append("  seen: [").append(d.path("index").asInt()).append("] ").append(d.path("platform").asText()).append(" | ").append(d.path("name").asText())
          .append(" | ").append(d.path("type").asText()).append('\n');
    }
    JsonNode c = st.path("chosen");
    for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> f = it.next();
      String v = f.getValue().isArray() ? join(f.getValue()) : f.getValue().isObject() ? f.getValue().toString() : f.getValue().asText();
      b.append("  ").append(f.getKey()).append(": ").append(v).append('\n');
    }
  }

  private static void renderBuild(StringBuilder b, JsonNode st) {
    b.append("  options: ").append(st.path("options").asText()).append('\n');
    for (JsonNode p : st.path("programs")) {
      b.append("  program ").append(p.path("name").asText()).append(": ").append(p.path("result").asText());
      if (p.has("seconds")) b.append(String.format(Locale.ROOT, ", built in %.2f s (%.2f s with its binary and kernel queries)", p.path("build_seconds").asDouble(), p.get("seconds").asDouble()));
      JsonNode bin = p.path("binary");
      if (!bin.isMissingNode()) {
        b.append(", binary ").append(bin.path("bytes").asLong()).append(" B");
        if (bin.path("text").asBoolean()) {
          b.append(" (text").append(bin.has("file") ? ", " + bin.get("file").asText() : "").append("): fma.f32 ").append(bin.path("fma_f32").asInt())
              .append(", unrounded mul.f32 ").append(bin.path("mul_f32_unrounded").asText("-")).append(", inexact div.f32 ")
              .append(bin.path("div_f32_inexact").asText("-")).append(", global fences ").append(bin.path("global_fences").asInt()).append(", barriers ").append(bin.path("barriers").asInt());
        } else {
          b.append(" (not text: no instruction counts)");
        }
      }
      b.append('\n');
      for (JsonNode k : p.path("kernels")) {
        b.append("    kernel ").append(k.path("name").asText()).append(": registers ").append(k.has("registers") ? k.get("registers").asText() : "n/a")
            .append(", private ").append(k.path("private_mem_bytes").asLong()).append(" B, local ").append(k.path("local_mem_bytes").asLong())
            .append(" B, work-group max ").append(k.path("work_group_size").asLong()).append(", preferred multiple ")
            .append(k.path("preferred_multiple").asLong()).append('\n');
      }
      String log = p.path("build_log").asText("").strip();
      if (!log.isEmpty()) {
        String[] lines = log.split("\n");
        b.append("    build log (").append(lines.length).append(" lines").append(lines.length > 30 ? ", first 30" : "").append("):\n");
        for (int i = 0; i < Math.min(30, lines.length); i++) b.append("      ").append(lines[i]).append('\n');
      }
      if (p.has("detail")) b.append("    ").append(p.get("detail").asText().replace("\n", "\n    ")).append('\n');
    }
  }

  private static void renderBandwidth(StringBuilder b, JsonNode st) {
    JsonNode c = st.path("device_copy");
    if (!c.isMissingNode()) {
      b.append(String.format(Locale.ROOT, "  device copy (kernel, %d MiB, read + write counted): %.1f GB/s%n", c.path("bytes").asLong() >> 20,
          c.path("bytes_per_s").asDouble() / 1e9));
    }
    JsonNode t = st.path("transfers");
    if (!t.isMissingNode()) {
      b.append(String.format(Locale.ROOT, "  host -> device %.1f GB/s, device -> host %.1f GB/s (%d MiB, pinned host buffer)%n",
          t.path("host_to_device_bytes_per_s").asDouble() / 1e9, t.path("device_to_host_bytes_per_s").asDouble() / 1e9, t.path("bytes").asLong() >> 20));
    }
  }

  /** A fixed-width table of the entries' columns; numbers with 3 significant digits. */
  private static void table(StringBuilder b, JsonNode rows, List<String> cols) {
    if (rows.isEmpty()) return;
    List<String[]> cells = new ArrayList<>();
    cells.add(cols.toArray(String[]::new));
    for (JsonNode r : rows) {
      String[] c = new String[cols.size()];
      for (int i = 0; i < c.length; i++) {
        JsonNode v = r.path(cols.get(i));
        c[i] = v.isMissingNode() ? "-" : v.isFloatingPointNumber() ? fmt(v.asDouble()) : v.asText();
      }
      cells.add(c);
    }
    int[] w = new int[cols.size()];
    for (String[] c : cells) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], c[i].length());
    for (String[] c : cells) {
      b.append(' ');
      for (int i = 0; i < w.length; i++) b.append(' ').append(String.format(Locale.ROOT, "%-" + w[i] + "s", c[i]));
      b.append('\n');
    }
  }

  /** The detail of every entry that has one (why it differs, was refused or not run), once per distinct text. */
  private static void details(StringBuilder b, JsonNode rows) {
    TreeSet<String> seen = new TreeSet<>();
    for (JsonNode r : rows) if (r.has("detail") && seen.add(r.get("detail").asText())) b.append("  note (").append(r.path("result").asText()).append("): ")
        .append(r.get("detail").asText().replace("\n", "\n    ")).append('\n');
  }

  static String fmt(double v) {
    if (v == 0 || !Double.isFinite(v)) return String.valueOf(v);
    double a = Math.abs(v);
    if (a >= 1e9) return String.format(Locale.ROOT, "%.3g G", v / 1e9);
    if (a >= 1e6) return String.format(Locale.ROOT, "%.3g M", v / 1e6);
    if (a >= 1e4) return String.format(Locale.ROOT, "%.3g k", v / 1e3);
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static String join(JsonNode arr) {
    List<String> s = new ArrayList<>();
    for (JsonNode n : arr) s.add(n.asText());
    return String.join(", ", s);
  }

  // ---------------------------------------------------------------- verify

  /**
   * What a finished report lacks (empty: nothing): status complete; the runtime; every device
   * fact; a build log and kernels for every mapping's program; a parity run of every case,
   * mapping and transfer, all identical, and multi-step runs; an ok throughput cell for every
   * mapping, work-group size and launch length; positive bandwidths; the text report with every
   * stage's heading. With {@code requireGpu}, the device must be a GPU.
   */
  public static List<String> verify(Path dir, boolean requireGpu) {
    List<String> p = new ArrayList<>();
    JsonNode r;
    String text;
    try {
      r = MAPPER.readTree(dir.resolve(JSON).toFile());
      text = Files.readString(dir.resolve(TEXT));
    } catch (IOException e) {
      return List.of("cannot read the report: " + e.getMessage());
    }
    if (!r.path("status").asText().equals("complete")) p.add("status is '" + r.path("status").asText() + "', not 'complete'");
    if (r.path("exit_code").asInt(-1) != 0) p.add("exit_code is " + r.path("exit_code") + ", not 0");
    if (!Files.isDirectory(Path.of(r.path("runtime").path("java_home").asText("/nonexistent")))) p.add("runtime.java_home is not a folder");
    if (!r.path("loader").path("loaded_libraries").toString().contains("libOpenCL")) p.add("loader.loaded_libraries names no libOpenCL");
    JsonNode stages = r.path("stages");
    for (String s : GpuCheck.STAGES) {
      if (!stages.path(s).path("status").asText().equals("ok")) p.add("stage " + s + " is '" + stages.path(s).path("status").asText("missing") + "', not 'ok'");
      if (!text.contains("== " + s + ": ")) p.add(TEXT + " has no section for " + s);
    }
    JsonNode d = stages.path("device").path("chosen");
    for (String f : List.of("name", "vendor", "driver", "type", "opencl_c_version")) if (d.path(f).asText("").isBlank()) p.add("device." + f + " is empty");
    for (String f : List.of("compute_units", "local_mem_bytes", "max_work_group_size", "base_addr_align_bits", "global_mem_bytes")) {
      if (d.path(f).asLong(0) <= 0) p.add("device." + f + " is not positive");
    }
    for (String f : List.of("correctly_rounded_divide_sqrt", "denorm", "fma")) if (!d.path("single_fp_config").path(f).isBoolean()) p.add("device.single_fp_config." + f + " is missing");
    if (!d.path("host_unified").isBoolean()) p.add("device.host_unified is missing");
    if (d.path("extensions").isEmpty()) p.add("device.extensions is empty");
    if (requireGpu && !d.path("type").asText().contains("GPU")) p.add("device.type is '" + d.path("type").asText() + "', not a GPU");
    List<String> mappings = new ArrayList<>();
    r.path("settings").path("mappings").forEach(m -> mappings.add(m.asText()));
    List<String> expected = GpuCheck.mappings().stream().map(m -> m.label()).toList();
    if (!mappings.equals(expected)) p.add("settings.mappings is " + mappings + ", not the engine's " + expected);
    JsonNode programs = stages.path("build").path("programs");
    for (String m : expected) {
      boolean found = false;
      for (JsonNode prog : programs) {
        if (prog.path("name").asText().contains("-" + m) && prog.path("result").asText().equals("ok") && prog.has("build_log")
            && prog.path("kernels").toString().contains("harvest_step") && prog.path("binary").path("bytes").asLong() > 0) found = true;
      }
      if (!found) p.add("build: no program of mapping " + m + " with a build log, kernels and a binary");
    }
    JsonNode runs = stages.path("parity").path("runs");
    for (JsonNode run : runs) if (!run.path("result").asText().equals("identical")) p.add("parity: " + run.path("case").asText() + ", " + run.path("mapping").asText()
        + ", " + run.path("transfer").asText() + ": " + run.path("result").asText());
    for (String m : expected) {
      for (String t : Transfer.labels()) {
        for (String launch : List.of("step", "period")) {
          int n = 0;
          for (JsonNode run : runs) if (run.path("mapping").asText().equals(m) && run.path("transfer").asText().equals(t) && run.path("launch").asText().equals(launch)) n++;
          int want = launch.equals("step") ? org.harvestsed.engine.Parity.CASES.size() : 1;
          if (n != want) p.add("parity: " + n + " runs of mapping " + m + ", transfer " + t + ", one launch per " + launch + "; expected " + want);
        }
      }
    }
    JsonNode cells = stages.path("throughput").path("cells");
    for (String m : expected) {
      for (JsonNode ls : r.path("settings").path("local_sizes")) {
        for (String launch : List.of("step", "period")) {
          boolean ok = false;
          for (JsonNode c : cells) {
            ok |= c.path("mapping").asText().equals(m) && c.path("local_size").asInt() == ls.asInt() && c.path("launch").asText().equals(launch)
                && !c.has("register_cap") && c.path("result").asText().equals("ok") && c.path("player_steps_per_s").asDouble() > 0
                && c.path("kernel_player_steps_per_s").asDouble() > 0;
          }
          if (!ok) p.add("throughput: no measured cell (wall and kernel time) of mapping " + m + ", local size " + ls.asInt() + ", one launch per " + launch);
        }
      }
    }
    for (JsonNode cap : r.path("settings").path("register_caps")) {
      boolean seen = false;
      for (JsonNode c : cells) seen |= c.path("register_cap").asInt() == cap.asInt() && List.of("ok", "skipped").contains(c.path("result").asText());
      if (!seen) p.add("throughput: no cell (measured, or skipped with its reason) for register cap " + cap.asInt());
    }
    JsonNode bw = stages.path("bandwidth");
    for (String f : List.of("device_copy/bytes_per_s", "transfers/host_to_device_bytes_per_s", "transfers/device_to_host_bytes_per_s")) {
      String[] k = f.split("/");
      if (!(bw.path(k[0]).path(k[1]).asDouble() > 0)) p.add("bandwidth." + f.replace('/', '.') + " is not positive");
    }
    return p;
  }
}
