import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where an iteration's time goes (docs/BENCHMARKS.md, issue 27): reads a JFR recording of a
 * training run and sorts the main thread's samples (Java and native: a PyTorch op shows as the
 * Java frame that called it) into the parts of an iteration by their call stacks. One sample is one
 * sampling period of wall time on the main thread, which runs the iteration (the env workers and
 * PyTorch's other thread work beside it and are reported apart). A single-file program:
 * <pre>
 *   java -XX:StartFlightRecording:filename=rec.jfr,settings=profile,jdk.ExecutionSample#period=1ms,jdk.NativeMethodSample#period=1ms ... train ...
 *   java bench/JfrParts.java rec.jfr ITERATIONS EPOCHS
 * </pre>
 */
public final class JfrParts {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: java bench/JfrParts.java RECORDING.jfr ITERATIONS EPOCHS");
      System.exit(2);
    }
    int iterations = Integer.parseInt(args[1]), epochs = Integer.parseInt(args[2]);
    Map<String, Integer> parts = new TreeMap<>(), others = new TreeMap<>();
    int inIterations = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
      String type = e.getEventType().getName();
      if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) continue;
      if (e.getStackTrace() == null) continue;
      String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
      if (!"main".equals(thread)) {
        others.merge(thread + (type.endsWith("NativeMethodSample") ? " (native)" : " (java)"), 1, Integer::sum);
        continue;
      }
      String part = part(e.getStackTrace().getFrames());
      if (part == null) continue; // outside Trainer.step: start-up, evaluation, report
      parts.merge(part, 1, Integer::sum);
      inIterations++;
    }
    System.out.printf(Locale.ROOT, "main thread inside Trainer.step: %d samples over %d iterations (%.1f ms per iteration at 1 ms per sample)%n",
        inIterations, iterations, (double) inIterations / iterations);
    System.out.printf(Locale.ROOT, "%-52s %8s %7s %6s%n", "part", "samples", "ms/iter", "share");
    for (var p : parts.entrySet()) {
      double perIter = (double) p.getValue() / iterations;
      String name = p.getKey();
      if (name.startsWith("update: ") && !name.contains("shuffle")) name += String.format(Locale.ROOT, " (%.1f ms per epoch)", perIter / epochs);
      System.out.printf(Locale.ROOT, "%-52s %8d %7.1f %5.1f%%%n", name, p.getValue(), perIter, 100.0 * p.getValue() / inIterations);
    }
    System.out.println("other threads (samples; PyTorch's OpenMP threads are not Java threads and are not sampled):");
    for (var o : others.entrySet()) System.out.printf(Locale.ROOT, "  %-40s %8d%n", o.getKey(), o.getValue());
  }

  /** The part of an iteration a main-thread stack (leaf first) is in; null outside {@code Trainer.step}. */
  static String part(List<RecordedFrame> frames) {
    int step = find(frames, "org.harvestsed.train.Trainer", "step");
    if (step < 0) return null;
    int collect = find(frames, "org.harvestsed.train.Rollout", "collect");
    if (collect >= 0) {
      if (find(frames, "org.harvestsed.principal.PrincipalDriver", null) >= 0) {
        return find(frames, "org.harvestsed.train.PrincipalLearner", null) >= 0 ? "rollout: principal update" : "rollout: principal acting";
      }
      String child = name(frames, collect - 1);
      if (child.startsWith("org.harvestsed.train.PlayerPolicy.sampleOnHost") || child.startsWith("org.harvestsed.train.PlayerPolicy.sample")) {
        if (find(frames, "org.harvestsed.train.HostConvolutions", "forward") >= 0) return "rollout: policy forward, host convolutions";
        return find(frames, "org.harvestsed.train.PlayerNet", "forward") >= 0 ? "rollout: policy forward" : "rollout: sampling (log-softmax, inverse CDF)";
      }
      if (child.startsWith("org.harvestsed.train.PlayerPolicy.values")) return "rollout: values of final/last observations (forward)";
      if (child.startsWith("org.harvestsed.train.StepIo") || child.startsWith("org.harvestsed.train.Copy")) return "rollout: storage writes";
      if (child.startsWith("org.harvestsed.train.PlayerPolicy.draw")) return "rollout: draws (Philox uniforms)";
      if (child.startsWith("org.harvestsed.engine.VecEnv.step")) return "rollout: env step";
      return "rollout: other (" + child + ")";
    }
    int learner = find(frames, "org.harvestsed.train.PlayerLearner", "update");
    if (learner < 0) return "iteration: other (" + name(frames, step - 1) + ")";
    int update = find(frames, "org.harvestsed.train.PpoUpdate", "update");
    if (update < 0) {
      String child = name(frames, learner - 1);
      if (child.startsWith("org.harvestsed.train.Ppo.explainedVariance")) return "learner: explained variance";
      return "learner: GAE (and batch views)";
    }
    int minibatch = find(frames, "org.harvestsed.train.PpoUpdate", "minibatch");
    if (minibatch < 0) {
      String child = name(frames, update - 1);
      if (child.contains("Draws")) return "update: shuffle (Fisher-Yates on the host)";
      if (child.contains("Batch.gather") || child.contains("Batch.slice")) return "update: minibatch gather";
      return "update: other (" + child + ")";
    }
    if (find(frames, "org.harvestsed.train.Adam", "step") >= 0) return "update: Adam (clip, moments, step)";
    if (find(frames, "org.harvestsed.train.PlayerNet", "afterBackward") >= 0) return "update: backward, host convolutions";
    if (find(frames, "org.harvestsed.train.HostConvolutions", "forward") >= 0) return "update: network forward, host convolutions";
    if (find(frames, "org.harvestsed.train.Gradients", "backward") >= 0) return "update: backward";
    if (find(frames, "org.harvestsed.train.PlayerNet", "forward") >= 0) return "update: network forward";
    String child = name(frames, minibatch - 1);
    if (child.startsWith("org.harvestsed.train.Ppo.") || child.startsWith("org.harvestsed.train.PpoUpdate.normalise") || child.contains("NDArrays.stack")
        || child.contains("toFloatArray") || child.contains(".sub") || child.contains(".exp") || child.contains(".add")) {
      return "update: loss terms and figures";
    }
    if (child.contains(".get") || child.contains("oneHot") || child.contains("toType")) return "update: minibatch gather";
    return "update: other (" + child + ")";
  }

  private static int find(List<RecordedFrame> frames, String type, String method) {
    for (int i = 0; i < frames.size(); i++) {
      RecordedFrame f = frames.get(i);
      if (f.getMethod().getType().getName().equals(type) && (method == null || f.getMethod().getName().equals(method))) return i;
    }
    return -1;
  }

  private static String name(List<RecordedFrame> frames, int i) {
    if (i < 0) return "(leaf)";
    RecordedFrame f = frames.get(i);
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }
}
