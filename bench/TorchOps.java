import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.harvestsed.engine.config.Config;
import org.harvestsed.train.TrainConfig;
import org.harvestsed.train.Trainer;

/**
 * PyTorch's own profiler over training iterations (docs/BENCHMARKS.md, issue 27): builds the
 * trainer of CONFIG, runs WARMUP iterations, records ITERATIONS more with PyTorch's profiler
 * (through DJL's JniUtils.startProfile) and prints the top-level ops with their input shapes (those not inside another op)
 * by total time, with their call counts per iteration: what each tensor op of the rollout and the
 * update costs, dispatch included. A single-file program on the trainer's class path:
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "trainer/target/trainer.jar:trainer/target/lib/*" bench/TorchOps.java CONFIG [WARMUP] [ITERATIONS]
 * </pre>
 */
public final class TorchOps {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: java -cp ... bench/TorchOps.java CONFIG [WARMUP] [ITERATIONS]");
      System.exit(2);
    }
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5, iterations = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Config c = Config.load(Path.of(args[0]));
    Path dir = Files.createTempDirectory("torch-ops");
    Path trace = dir.resolve("trace.json");
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()), dir)) {
      t.start();
      for (int i = 0; i < warmup; i++) t.iterate();
      JniUtils.startProfile(false, true, false); // record the input shapes: one row per op and shape
      long t0 = System.nanoTime();
      for (int i = 0; i < iterations; i++) t.iterate();
      double wall = (System.nanoTime() - t0) / 1e6 / iterations;
      JniUtils.stopProfile(trace.toString());
      System.out.printf(Locale.ROOT, "%.1f ms per iteration (wall, profiled)%n", wall);
    }
    Map<String, double[]> byName = topLevelOps(trace);
    double total = byName.values().stream().mapToDouble(s -> s[0]).sum();
    System.out.printf(Locale.ROOT, "top-level ops: %.1f ms per iteration%n%-40s %10s %10s %8s%n", total / 1e3 / iterations, "op", "ms/iter", "calls/iter", "us/call");
    byName.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0])).limit(40).forEach(e -> System.out.printf(Locale.ROOT,
        "%-90s %10.2f %10.0f %8.1f%n", e.getKey(), e.getValue()[0] / 1e3 / iterations, e.getValue()[1] / iterations, e.getValue()[0] / e.getValue()[1]));
  }

  /**
   * The top-level ops of a PyTorch profiler trace (Chrome trace: complete events, "ph": "X", with ts and
   * dur in µs; top-level = not inside another event of the same thread), by name and input shapes: per
   * key, the total µs and the calls. bench/ConvForms.java uses it too (java runs it as a multi-file program).
   */
  static Map<String, double[]> topLevelOps(Path trace) throws java.io.IOException {
    Map<String, double[]> byName = new HashMap<>();
    try (Reader r = Files.newBufferedReader(trace)) {
      JsonElement root = JsonParser.parseReader(r);
      var events = root.isJsonArray() ? root.getAsJsonArray() : root.getAsJsonObject().getAsJsonArray("traceEvents");
      java.util.List<JsonObject> xs = new java.util.ArrayList<>();
      for (JsonElement e : events) {
        JsonObject o = e.getAsJsonObject();
        if (o.has("ph") && o.get("ph").getAsString().equals("X") && o.has("dur")) xs.add(o);
      }
      xs.sort((a, b) -> {
        int k = a.get("tid").getAsString().compareTo(b.get("tid").getAsString());
        if (k != 0) return k;
        k = Double.compare(a.get("ts").getAsDouble(), b.get("ts").getAsDouble());
        return k != 0 ? k : -Double.compare(a.get("dur").getAsDouble(), b.get("dur").getAsDouble());
      });
      String tid = null;
      double end = -1;
      for (JsonObject o : xs) {
        String th = o.get("tid").getAsString();
        double ts = o.get("ts").getAsDouble(), dur = o.get("dur").getAsDouble();
        if (!th.equals(tid)) {
          tid = th;
          end = -1;
        }
        if (ts < end) continue; // inside the op before it
        end = ts + dur;
        String key = o.get("name").getAsString();
        if (o.has("args") && o.getAsJsonObject("args").has("Input Dims")) key += " " + o.getAsJsonObject("args").get("Input Dims").toString().replace("\"", "");
        double[] s = byName.computeIfAbsent(key, k -> new double[2]);
        s[0] += dur;
        s[1]++;
      }
    }
    return byName;
  }
}
