package org.harvestsed.train;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.harvestsed.engine.io.AtomicFiles;

/**
 * A TensorBoard event file ({@code tensorboard --logdir runs}): TFRecord framing of {@code Event}
 * protocol buffers. A record is: the payload length as a little-endian uint64, the masked CRC-32C of
 * those 8 bytes, the payload, the masked CRC-32C of the payload (mask: rotate right by 15, add
 * 0xa282ead8). The payloads are written here in protobuf's wire format (varints, fixed32/64,
 * length-delimited fields) with the field numbers of TensorBoard's own messages
 * (tensorboard/compat/proto event.proto, summary.proto, tensor.proto, types.proto), the constants
 * below; protobuf-java's parser reads them back in the tests (TfEventsTest). Not protobuf-java at
 * run time: its 4.x runtime prints JDK 25's sun.misc.Unsafe deprecation warnings on every run.
 *
 * <p>The file starts with the {@code file_version} event; a run's resolved config is a text
 * summary (the text plugin) at step 0; each metrics.csv row is one event at its global step with a
 * {@code simple_value} per non-empty column, tagged with the column's name (CleanRL's tags).
 */
public final class TfEvents implements Closeable {
  /** The event file in a run directory ("tfevents" in its name is how TensorBoard finds it). */
  public static final String FILE = "events.out.tfevents.harvest-sed";
  /** event.proto Event: wall_time (double), step (int64), file_version (string), summary (Summary). */
  static final int EVENT_WALL_TIME = 1, EVENT_STEP = 2, EVENT_FILE_VERSION = 3, EVENT_SUMMARY = 5;
  /** summary.proto Summary: value (repeated Value); Value: tag, simple_value (float), tensor (TensorProto), metadata. */
  static final int SUMMARY_VALUE = 1, VALUE_TAG = 1, VALUE_SIMPLE_VALUE = 2, VALUE_TENSOR = 8, VALUE_METADATA = 9;
  /** SummaryMetadata: plugin_data (PluginData: plugin_name = 1). */
  static final int METADATA_PLUGIN_DATA = 1, PLUGIN_DATA_PLUGIN_NAME = 1;
  /** tensor.proto TensorProto: dtype (types.proto DataType; DT_STRING = 7), tensor_shape (empty: a scalar), string_val (repeated bytes). */
  static final int TENSOR_DTYPE = 1, TENSOR_SHAPE = 2, TENSOR_STRING_VAL = 8, DT_STRING = 7;
  private static final int VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

  private final OutputStream out;

  private TfEvents(OutputStream out) {
    this.out = out;
  }

  /**
   * Opens {@code dir}'s event file for appending. A new file gets the file_version event and, when
   * {@code config} is not null, the resolved config as a text summary at step 0; an existing one (a
   * resumed run) first loses every event after step {@code keepThroughStep}, rewritten atomically,
   * as metrics.csv loses its rows after the checkpoint.
   */
  public static TfEvents open(Path dir, long keepThroughStep, String config) throws IOException {
    Path f = dir.resolve(FILE);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (!Files.exists(f)) {
      record(bytes, event(0).string(EVENT_FILE_VERSION, "brain.Event:2").bytes());
      if (config != null) record(bytes, text(0, "config", config));
    } else {
      for (byte[] r : records(f)) if (step(r) <= keepThroughStep) record(bytes, r);
    }
    Path tmp = AtomicFiles.tempFor(f);
    Files.write(tmp, bytes.toByteArray());
    AtomicFiles.commit(tmp, f);
    return new TfEvents(Files.newOutputStream(f, StandardOpenOption.APPEND));
  }

  /** One event at {@code step} with a scalar per tag ({@code values[i]} for {@code tags[i]}; NaN: left out). */
  public void scalars(long step, List<String> tags, float[] values) throws IOException {
    Proto summary = new Proto();
    for (int i = 0; i < values.length; i++) {
      if (Float.isNaN(values[i])) continue;
      summary.message(SUMMARY_VALUE, new Proto().string(VALUE_TAG, tags.get(i)).fixed32(VALUE_SIMPLE_VALUE, Float.floatToIntBits(values[i])));
    }
    record(out, event(step).message(EVENT_SUMMARY, summary).bytes());
    out.flush();
  }

  /** A text summary (TensorBoard's text plugin renders markdown: the text is shown as a code block). */
  static byte[] text(long step, String tag, String text) {
    StringBuilder md = new StringBuilder();
    for (String line : text.split("\n", -1)) md.append("    ").append(line).append('\n');
    Proto tensor = new Proto().varint(TENSOR_DTYPE, DT_STRING).message(TENSOR_SHAPE, new Proto())
        .bytes(TENSOR_STRING_VAL, md.toString().getBytes(StandardCharsets.UTF_8));
    Proto meta = new Proto().message(METADATA_PLUGIN_DATA, new Proto().string(PLUGIN_DATA_PLUGIN_NAME, "text"));
    Proto value = new Proto().string(VALUE_TAG, tag).message(VALUE_TENSOR, tensor).message(VALUE_METADATA, meta);
    return event(step).message(EVENT_SUMMARY, new Proto().message(SUMMARY_VALUE, value)).bytes();
  }

  private static Proto event(long step) {
    return new Proto().fixed64(EVENT_WALL_TIME, Double.doubleToLongBits(System.currentTimeMillis() / 1000.0)).varint(EVENT_STEP, step);
  }

  /** An Event's step (field 2; 0 when absent), read from its wire format; the other fields are skipped. */
  static long step(byte[] event) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(event);
    long step = 0;
    try {
      while (b.hasRemaining()) {
        long key = varint(b);
        int field = (int) (key >>> 3), type = (int) (key & 7);
        switch (type) {
          case VARINT -> {
            long v = varint(b);
            if (field == EVENT_STEP) step = v;
          }
          case FIXED64 -> b.position(b.position() + 8);
          case LEN -> {
            int n = (int) varint(b); // read before b.position(): the length's own bytes come first
            b.position(Math.addExact(b.position(), n));
          }
          case FIXED32 -> b.position(b.position() + 4);
          default -> throw new IOException("not an Event: wire type " + type + " in field " + field);
        }
      }
    } catch (RuntimeException e) { // a position past the end, a cut varint
      throw new IOException("not an Event: " + e, e);
    }
    return step;
  }

  private static long varint(ByteBuffer b) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte x = b.get();
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) return v;
    }
    throw new IOException("not an Event: a varint longer than 10 bytes");
  }

  /** A message in protobuf's wire format, built field by field (in the order written, as protobuf writes them: by number). */
  static final class Proto {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    private void raw(long v) {
      while ((v & ~0x7fL) != 0) {
        buf.write((int) (v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf.write((int) v);
    }

    private void key(int field, int type) {
      raw((long) field << 3 | type);
    }

    Proto varint(int field, long v) {
      key(field, VARINT);
      raw(v);
      return this;
    }

    Proto fixed32(int field, int v) {
      key(field, FIXED32);
      for (int i = 0; i < 4; i++) buf.write(v >>> (8 * i));
      return this;
    }

    Proto fixed64(int field, long v) {
      key(field, FIXED64);
      for (int i = 0; i < 8; i++) buf.write((int) (v >>> (8 * i)));
      return this;
    }

    Proto bytes(int field, byte[] v) {
      key(field, LEN);
      raw(v.length);
      buf.writeBytes(v);
      return this;
    }

    Proto string(int field, String v) {
      return bytes(field, v.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto m) {
      return bytes(field, m.bytes());
    }

    byte[] bytes() {
      return buf.toByteArray();
    }
  }

  /** The payloads of a TFRecord file, every length and payload checksum verified. */
  public static List<byte[]> records(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> out = new ArrayList<>();
    while (b.hasRemaining()) {
      if (b.remaining() < 12) throw new IOException(file + ": record " + out.size() + " is cut short (a partial header)");
      byte[] len = new byte[8];
      b.get(len);
      if (b.getInt() != maskedCrc(len)) throw new IOException(file + ": record " + out.size() + ": the length's checksum does not match");
      long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (n < 0 || n > b.remaining() - 4) throw new IOException(file + ": record " + out.size() + " is cut short");
      byte[] data = new byte[(int) n];
      b.get(data);
      if (b.getInt() != maskedCrc(data)) throw new IOException(file + ": record " + out.size() + ": the payload's checksum does not match");
      out.add(data);
    }
    return out;
  }

  private static void record(OutputStream o, byte[] data) throws IOException {
    byte[] len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
    ByteBuffer b = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(len).putInt(maskedCrc(len)).put(data).putInt(maskedCrc(data));
    o.write(b.array());
  }

  /** TFRecord's masked CRC-32C: ((crc >>> 15) | (crc << 17)) + 0xa282ead8. */
  public static int maskedCrc(byte[] data) {
    CRC32C c = new CRC32C();
    c.update(data);
    int crc = (int) c.getValue();
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
