package org.harvestsed.train;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
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
 * protocol buffers, written with protobuf-java's {@link DynamicMessage} against the descriptors of
 * TensorBoard's own messages, built here field for field (names, numbers and types of
 * tensorboard/compat/proto event.proto, summary.proto, tensor.proto, tensor_shape.proto and
 * types.proto; only the fields this writer uses). A record is: the payload length as a
 * little-endian uint64, the masked CRC-32C of those 8 bytes, the payload, the masked CRC-32C of the
 * payload (mask: rotate right by 15, add 0xa282ead8).
 *
 * <p>The file starts with the {@code file_version} event; a run's resolved config is a text
 * summary (the text plugin) at step 0; each metrics.csv row is one event at its global step with a
 * {@code simple_value} per non-empty column, tagged with the column's name (CleanRL's tags).
 */
public final class TfEvents implements Closeable {
  /** The event file in a run directory ("tfevents" in its name is how TensorBoard finds it). */
  public static final String FILE = "events.out.tfevents.harvest-sed";
  public static final Descriptor EVENT, SUMMARY, VALUE, METADATA, PLUGIN_DATA, TENSOR, TENSOR_SHAPE;
  /** types.proto: DataType.DT_STRING. */
  static final int DT_STRING = 7;

  static {
    FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("harvest_sed/tensorboard_subset.proto").setPackage("tensorboard")
        .setSyntax("proto3")
        .addEnumType(EnumDescriptorProto.newBuilder().setName("DataType")
            .addValue(EnumValueDescriptorProto.newBuilder().setName("DT_INVALID").setNumber(0))
            .addValue(EnumValueDescriptorProto.newBuilder().setName("DT_FLOAT").setNumber(1))
            .addValue(EnumValueDescriptorProto.newBuilder().setName("DT_STRING").setNumber(DT_STRING)))
        .addMessageType(DescriptorProto.newBuilder().setName("TensorShapeProto")
            .addNestedType(DescriptorProto.newBuilder().setName("Dim")
                .addField(field("size", 1, Type.TYPE_INT64, null, false))
                .addField(field("name", 2, Type.TYPE_STRING, null, false)))
            .addField(field("dim", 2, Type.TYPE_MESSAGE, ".tensorboard.TensorShapeProto.Dim", true))
            .addField(field("unknown_rank", 3, Type.TYPE_BOOL, null, false)))
        .addMessageType(DescriptorProto.newBuilder().setName("TensorProto")
            .addField(field("dtype", 1, Type.TYPE_ENUM, ".tensorboard.DataType", false))
            .addField(field("tensor_shape", 2, Type.TYPE_MESSAGE, ".tensorboard.TensorShapeProto", false))
            .addField(field("string_val", 8, Type.TYPE_BYTES, null, true)))
        .addMessageType(DescriptorProto.newBuilder().setName("SummaryMetadata")
            .addNestedType(DescriptorProto.newBuilder().setName("PluginData")
                .addField(field("plugin_name", 1, Type.TYPE_STRING, null, false))
                .addField(field("content", 2, Type.TYPE_BYTES, null, false)))
            .addField(field("plugin_data", 1, Type.TYPE_MESSAGE, ".tensorboard.SummaryMetadata.PluginData", false))
            .addField(field("display_name", 2, Type.TYPE_STRING, null, false))
            .addField(field("summary_description", 3, Type.TYPE_STRING, null, false)))
        .addMessageType(DescriptorProto.newBuilder().setName("Summary")
            .addNestedType(DescriptorProto.newBuilder().setName("Value")
                .addOneofDecl(OneofDescriptorProto.newBuilder().setName("value")) // a oneof: a simple_value of 0 is written too
                .addField(field("tag", 1, Type.TYPE_STRING, null, false))
                .addField(field("simple_value", 2, Type.TYPE_FLOAT, null, false).toBuilder().setOneofIndex(0))
                .addField(field("node_name", 7, Type.TYPE_STRING, null, false))
                .addField(field("tensor", 8, Type.TYPE_MESSAGE, ".tensorboard.TensorProto", false).toBuilder().setOneofIndex(0))
                .addField(field("metadata", 9, Type.TYPE_MESSAGE, ".tensorboard.SummaryMetadata", false)))
            .addField(field("value", 1, Type.TYPE_MESSAGE, ".tensorboard.Summary.Value", true)))
        .addMessageType(DescriptorProto.newBuilder().setName("Event")
            .addOneofDecl(OneofDescriptorProto.newBuilder().setName("what"))
            .addField(field("wall_time", 1, Type.TYPE_DOUBLE, null, false))
            .addField(field("step", 2, Type.TYPE_INT64, null, false))
            .addField(field("file_version", 3, Type.TYPE_STRING, null, false).toBuilder().setOneofIndex(0))
            .addField(field("summary", 5, Type.TYPE_MESSAGE, ".tensorboard.Summary", false).toBuilder().setOneofIndex(0)))
        .build();
    try {
      Descriptors.FileDescriptor fd = Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0]);
      EVENT = fd.findMessageTypeByName("Event");
      SUMMARY = fd.findMessageTypeByName("Summary");
      VALUE = SUMMARY.findNestedTypeByName("Value");
      METADATA = fd.findMessageTypeByName("SummaryMetadata");
      PLUGIN_DATA = METADATA.findNestedTypeByName("PluginData");
      TENSOR = fd.findMessageTypeByName("TensorProto");
      TENSOR_SHAPE = fd.findMessageTypeByName("TensorShapeProto");
    } catch (Descriptors.DescriptorValidationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static FieldDescriptorProto field(String name, int number, Type type, String typeName, boolean repeated) {
    FieldDescriptorProto.Builder b = FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
        .setLabel(repeated ? Label.LABEL_REPEATED : Label.LABEL_OPTIONAL);
    if (typeName != null) b.setTypeName(typeName);
    return b.build();
  }

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
    if (!Files.exists(f)) {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      record(head, event(0).setField(EVENT.findFieldByName("file_version"), "brain.Event:2").build().toByteArray());
      if (config != null) record(head, text(0, "config", config).toByteArray());
      write(f, head.toByteArray());
    } else {
      List<byte[]> keep = new ArrayList<>();
      for (byte[] r : records(f)) {
        if ((long) DynamicMessage.parseFrom(EVENT, r).getField(EVENT.findFieldByName("step")) <= keepThroughStep) keep.add(r);
      }
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (byte[] r : keep) record(all, r);
      write(f, all.toByteArray());
    }
    return new TfEvents(Files.newOutputStream(f, StandardOpenOption.APPEND));
  }

  private static void write(Path f, byte[] bytes) throws IOException {
    Path tmp = AtomicFiles.tempFor(f);
    Files.write(tmp, bytes);
    AtomicFiles.commit(tmp, f);
  }

  /** One event at {@code step} with a scalar per tag ({@code values[i]} for {@code tags[i]}; NaN: left out). */
  public void scalars(long step, List<String> tags, float[] values) throws IOException {
    DynamicMessage.Builder summary = DynamicMessage.newBuilder(SUMMARY);
    for (int i = 0; i < values.length; i++) {
      if (Float.isNaN(values[i])) continue;
      summary.addRepeatedField(SUMMARY.findFieldByName("value"), DynamicMessage.newBuilder(VALUE)
          .setField(VALUE.findFieldByName("tag"), tags.get(i)).setField(VALUE.findFieldByName("simple_value"), values[i]).build());
    }
    record(out, event(step).setField(EVENT.findFieldByName("summary"), summary.build()).build().toByteArray());
    out.flush();
  }

  /** A text summary (TensorBoard's text plugin renders markdown: the text is shown as a code block). */
  static DynamicMessage text(long step, String tag, String text) {
    StringBuilder md = new StringBuilder();
    for (String line : text.split("\n", -1)) md.append("    ").append(line).append('\n');
    DynamicMessage tensor = DynamicMessage.newBuilder(TENSOR)
        .setField(TENSOR.findFieldByName("dtype"), TENSOR.findFieldByName("dtype").getEnumType().findValueByNumber(DT_STRING))
        .setField(TENSOR.findFieldByName("tensor_shape"), DynamicMessage.getDefaultInstance(TENSOR_SHAPE))
        .addRepeatedField(TENSOR.findFieldByName("string_val"), ByteString.copyFrom(md.toString(), StandardCharsets.UTF_8)).build();
    DynamicMessage meta = DynamicMessage.newBuilder(METADATA).setField(METADATA.findFieldByName("plugin_data"),
        DynamicMessage.newBuilder(PLUGIN_DATA).setField(PLUGIN_DATA.findFieldByName("plugin_name"), "text").build()).build();
    DynamicMessage value = DynamicMessage.newBuilder(VALUE).setField(VALUE.findFieldByName("tag"), tag)
        .setField(VALUE.findFieldByName("metadata"), meta).setField(VALUE.findFieldByName("tensor"), tensor).build();
    return event(step).setField(EVENT.findFieldByName("summary"),
        DynamicMessage.newBuilder(SUMMARY).addRepeatedField(SUMMARY.findFieldByName("value"), value).build()).build();
  }

  private static DynamicMessage.Builder event(long step) {
    return DynamicMessage.newBuilder(EVENT).setField(EVENT.findFieldByName("wall_time"), System.currentTimeMillis() / 1000.0)
        .setField(EVENT.findFieldByName("step"), step);
  }

  /** The events of a file, parsed; a bad checksum or a cut record is an IOException naming the record. */
  public static List<DynamicMessage> read(Path file) throws IOException {
    List<DynamicMessage> out = new ArrayList<>();
    for (byte[] r : records(file)) {
      try {
        out.add(DynamicMessage.parseFrom(EVENT, r));
      } catch (InvalidProtocolBufferException e) {
        throw new IOException(file + ": record " + out.size() + " is not an Event: " + e.getMessage(), e);
      }
    }
    return out;
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
