package org.harvestsed.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A training checkpoint: counters, both networks and both optimizers' states, then the run's
 * state (the principal's pending transitions and sampling tick, the players' running episode
 * returns, every env's state: resume = never stopped), in one binary file written to a temp file
 * and moved into place (a crash never leaves half a checkpoint).
 */
public final class Checkpoint {
  private Checkpoint() {}

  static final String FILE = "checkpoint.bin";
  /** Written once when phase 1 ends: the players every principal starts from in an evaluation. */
  public static final String PHASE1_FILE = "checkpoint-phase1.bin";
  static final int MAGIC = 0x48534544; // "HSED"
  static final int VERSION = 3; // 2: separate principal critic, reward scale; 3: the run's state (resume = never stopped)

  public record Counters(long iteration, long globalStep) {}

  /** Writes or reads the run's state after the networks (the trainer's). */
  @FunctionalInterface
  interface Section<S> {
    void apply(S stream) throws IOException;
  }

  static void save(Path dir, String name, Counters c, Net players, Adam playersOpt, Net principal, Adam principalOpt,
      RunningMoments rewardScale, Section<DataOutputStream> runState) throws IOException {
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".checkpoint", ".tmp");
    try {
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(c.iteration());
        out.writeLong(c.globalStep());
        out.writeLong(rewardScale.count);
        out.writeDouble(rewardScale.mean);
        out.writeDouble(rewardScale.m2);
        players.save(out);
        playersOpt.save(out);
        principal.save(out);
        principalOpt.save(out);
        runState.apply(out);
      }
      org.harvestsed.engine.io.AtomicFiles.commit(tmp, dir.resolve(name));
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Loads only the players' network and optimizer from checkpoint file {@code f}. */
  public static void loadPlayers(Path f, Net players, Adam playersOpt) throws IOException {
    try (DataInputStream in = open(f)) {
      in.readLong();
      in.readLong();
      new RunningMoments().load(in);
      players.load(in);
      playersOpt.load(in);
    } catch (NoSuchFileException e) {
      throw new IOException("no checkpoint " + f);
    }
  }

  /** Loads only the principal's network from checkpoint file {@code f} (a learned principal that only acts). */
  static void loadPrincipal(Path f, Net principal) throws IOException {
    try (DataInputStream in = open(f)) {
      in.readLong();
      in.readLong();
      new RunningMoments().load(in);
      int tensors = Net.skip(in);
      Adam.skip(in, tensors);
      principal.load(in);
    } catch (NoSuchFileException e) {
      throw new IOException("no checkpoint " + f);
    }
  }

  static void writeFloats(DataOutputStream out, float[] v) throws IOException {
    out.writeInt(v.length);
    for (float x : v) out.writeFloat(x);
  }

  /** Reads {@link #writeFloats}' array into {@code into}, which must have its length. */
  static void readFloats(DataInputStream in, float[] into) throws IOException {
    int n = in.readInt();
    if (n != into.length) throw new IOException("checkpoint array of " + n + " values where " + into.length + " were expected (another config?)");
    for (int i = 0; i < n; i++) into[i] = in.readFloat();
  }

  static void writeInts(DataOutputStream out, int[] v) throws IOException {
    out.writeInt(v.length);
    for (int x : v) out.writeInt(x);
  }

  static int[] readInts(DataInputStream in) throws IOException {
    int[] v = new int[in.readInt()];
    for (int i = 0; i < v.length; i++) v[i] = in.readInt();
    return v;
  }

  private static DataInputStream open(Path f) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f)));
    try {
      if (in.readInt() != MAGIC) throw new IOException(f + " is not a harvest-sed checkpoint");
      int v = in.readInt();
      if (v != VERSION) {
        throw new IOException(f + " has format version " + v + "; this build reads version " + VERSION + " (train again with this build)");
      }
      return in;
    } catch (IOException e) {
      in.close();
      throw e;
    }
  }

  static Counters load(Path dir, Net players, Adam playersOpt, Net principal, Adam principalOpt, RunningMoments rewardScale,
      Section<DataInputStream> runState) throws IOException {
    Path f = dir.resolve(FILE);
    try (DataInputStream in = open(f)) {
      Counters c = new Counters(in.readLong(), in.readLong());
      rewardScale.load(in);
      players.load(in);
      playersOpt.load(in);
      principal.load(in);
      principalOpt.load(in);
      runState.apply(in);
      return c;
    } catch (NoSuchFileException e) {
      throw new IOException("no checkpoint in " + dir + " (expected " + f + "); pass the run directory of an earlier train");
    }
  }
}
