import ai.djl.Device;
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import ai.djl.pytorch.jni.JniUtils;
import java.util.*;
import org.harvestsed.train.PlayerNet;

/**
 * The players' network's forward pass (no gradient) at a rollout step's batch on one and on two
 * PyTorch intra-op threads, interleaved, and whether the outputs are the same bits (docs/BENCHMARKS.md,
 * issue 27: why the rollout runs on one thread). A single-file program on the trainer's class path,
 * with the launcher's environment (OMP_WAIT_POLICY=PASSIVE, its GLIBC_TUNABLES):
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp "trainer/target/trainer.jar:trainer/target/lib/*" bench/ForwardThreads.java BATCH REPS ROUNDS
 * </pre>
 * Prints per round and thread count the median time of the last three quarters of REPS forwards.
 */
public class ForwardThreads {
  public static void main(String[] a) {
    int b = Integer.parseInt(a[0]), reps = Integer.parseInt(a[1]), rounds = Integer.parseInt(a[2]);
    NDManager m = NDManager.newBaseManager(Device.cpu());
    JniUtils.setGradMode(false);
    PlayerNet net = new PlayerNet(m, 11, 11, 10, 8, 7);
    Random r = new Random(1);
    byte[] codes = new byte[b * 121];
    for (int i = 0; i < codes.length; i++) codes[i] = (byte) r.nextInt(4); // the 4 cell codes (PlayerNet.CODES)
    float[] feats = new float[b * 10];
    for (int i = 0; i < feats.length; i++) feats[i] = r.nextFloat();
    float[][] last = new float[3][];
    for (int round = 0; round < rounds; round++) {
      for (int t : new int[] {2, 1}) {
        JniUtils.setNumThreads(t);
        long[] ns = new long[reps];
        for (int i = 0; i < reps; i++) {
          long t0 = System.nanoTime();
          try (NDManager s = m.newSubManager()) { // the inputs in the sub-manager: every result is freed with it
            NDArray c = s.create(java.nio.ByteBuffer.wrap(codes), new Shape(b, 121), DataType.UINT8);
            NDArray f = s.create(feats, new Shape(b, 10));
            NDList o = net.forward(new NDList(c, f));
            float[] logits = o.get(0).toFloatArray();
            if (i == reps - 1) last[t] = logits;
          }
          ns[i] = System.nanoTime() - t0;
        }
        long[] tail = Arrays.copyOfRange(ns, reps / 4, reps);
        Arrays.sort(tail);
        System.out.printf(Locale.ROOT, "round %d, %d thread%s: median %.3f ms%n", round, t, t == 1 ? "" : "s", tail[tail.length / 2] / 1e6);
      }
    }
    System.out.println("logits on 1 and 2 threads the same bits: " + Arrays.equals(last[1], last[2]));
  }
}
