package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's TensorBoard event file: TFRecord records whose checksums this test computes itself
 * (masked CRC-32C of the length and of the payload), Events that protobuf-java parses, with field
 * numbers those of TensorBoard's event.proto and summary.proto (checked here on the raw wire format,
 * independently of the writer's descriptors), every metrics.csv value at its row's global step, and
 * the resolved config as text.
 */
class TfEventsTest {
  /** TensorBoard's field numbers (tensorboard/compat/proto/event.proto, summary.proto). */
  static final int EVENT_STEP = 2, EVENT_FILE_VERSION = 3, EVENT_SUMMARY = 5, SUMMARY_VALUE = 1, VALUE_TAG = 1, VALUE_SIMPLE = 2,
      VALUE_TENSOR = 8, VALUE_METADATA = 9, TENSOR_STRING_VAL = 8, METADATA_PLUGIN_DATA = 1, PLUGIN_NAME = 1;

  /**
   * TensorBoard's messages as protobuf descriptors, field for field (names, numbers, types and
   * oneofs of tensorboard/compat/proto event.proto, summary.proto, tensor.proto, tensor_shape.proto,
   * types.proto; the fields the writer uses), for protobuf-java's DynamicMessage parser.
   */
  static final Descriptor EVENT, SUMMARY, VALUE, METADATA, PLUGIN_DATA, TENSOR, TENSOR_SHAPE;
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


  /** The payloads of a TFRecord file, with the checksums recomputed here (not by the writer's code). */
  static List<byte[]> records(Path f) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> out = new ArrayList<>();
    while (b.hasRemaining()) {
      byte[] len = new byte[8];
      b.get(len);
      assertThat(b.getInt()).as("length checksum of record %d", out.size()).isEqualTo(masked(len));
      byte[] data = new byte[(int) ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong()];
      b.get(data);
      assertThat(b.getInt()).as("payload checksum of record %d", out.size()).isEqualTo(masked(data));
      out.add(data);
    }
    return out;
  }

  static int masked(byte[] d) {
    CRC32C c = new CRC32C();
    c.update(d);
    long crc = c.getValue();
    return (int) ((((crc >>> 15) | (crc << 17)) + 0xa282ead8L) & 0xffffffffL);
  }

  /** Per scalar event: its step and tag -> value, read on the raw wire format by TensorBoard's field numbers. */
  static Map<Long, Map<String, Float>> scalars(List<byte[]> records) throws IOException {
    Map<Long, Map<String, Float>> out = new LinkedHashMap<>();
    for (byte[] r : records) {
      UnknownFieldSet e = UnknownFieldSet.parseFrom(r);
      if (!e.hasField(EVENT_SUMMARY)) continue;
      UnknownFieldSet summary = UnknownFieldSet.parseFrom(e.getField(EVENT_SUMMARY).getLengthDelimitedList().getFirst());
      Map<String, Float> values = new LinkedHashMap<>();
      for (ByteString v : summary.getField(SUMMARY_VALUE).getLengthDelimitedList()) {
        UnknownFieldSet value = UnknownFieldSet.parseFrom(v);
        if (!value.hasField(VALUE_SIMPLE)) continue;
        values.put(value.getField(VALUE_TAG).getLengthDelimitedList().getFirst().toStringUtf8(),
            Float.intBitsToFloat(value.getField(VALUE_SIMPLE).getFixed32List().getFirst()));
      }
      if (!values.isEmpty()) out.put(e.getField(EVENT_STEP).getVarintList().getFirst(), values);
    }
    return out;
  }

  /** Every value of every metrics.csv row is in the event file at the row's global step (rates one per bracket), and nothing else. */
  static void assertEventsMatchMetrics(Path run) throws IOException {
    List<byte[]> records = records(run.resolve(TfEvents.FILE));
    UnknownFieldSet first = UnknownFieldSet.parseFrom(records.getFirst());
    assertThat(first.getField(EVENT_FILE_VERSION).getLengthDelimitedList().getFirst().toStringUtf8()).isEqualTo("brain.Event:2");
    // the protobuf parser reads every record as an Event of the writer's descriptors too
    for (byte[] r : records) {
      DynamicMessage e = DynamicMessage.parseFrom(EVENT, r);
      assertThat(e.getUnknownFields().asMap()).as("fields unknown to TensorBoard's Event").isEmpty();
      assertThat(e.hasField(EVENT.findFieldByName("wall_time"))).isTrue();
    }
    DynamicMessage last = DynamicMessage.parseFrom(EVENT, records.getLast());
    DynamicMessage lastSummary = (DynamicMessage) last.getField(EVENT.findFieldByName("summary"));
    Map<String, Float> parsed = new LinkedHashMap<>();
    for (Object v : (List<?>) lastSummary.getField(SUMMARY.findFieldByName("value"))) {
      DynamicMessage value = (DynamicMessage) v;
      parsed.put((String) value.getField(VALUE.findFieldByName("tag")), (Float) value.getField(VALUE.findFieldByName("simple_value")));
    }
    Map<Long, Map<String, Float>> events = scalars(records);
    assertThat(events.get((Long) last.getField(EVENT.findFieldByName("step")))).as("protobuf-java's reading of the last event").isEqualTo(parsed);
    List<String> lines = Files.readAllLines(run.resolve(Metrics.FILE));
    List<String> cols = List.of(lines.getFirst().split(","));
    assertThat(events).hasSize(lines.size() - 1);
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split(",", -1);
      Map<String, Float> e = events.get(Long.parseLong(v[cols.indexOf("global_step")]));
      assertThat(e).as("event at global step %s", v[1]).isNotNull();
      Map<String, Float> want = new LinkedHashMap<>();
      for (int i = 0; i < v.length; i++) {
        if (v[i].isEmpty()) continue;
        if (cols.get(i).equals("round/rates")) {
          String[] rates = v[i].split(";");
          for (int b = 0; b < rates.length; b++) want.put("round/rates/" + b, Float.parseFloat(rates[b]));
        } else {
          want.put(cols.get(i), Float.parseFloat(v[i]));
        }
      }
      assertThat(e).as("step %s", v[1]).isEqualTo(want);
    }
  }

  /** The text summary of the resolved config: the text plugin's metadata and the config's lines. */
  static String configText(Path run) throws IOException {
    for (byte[] r : records(run.resolve(TfEvents.FILE))) {
      UnknownFieldSet e = UnknownFieldSet.parseFrom(r);
      if (!e.hasField(EVENT_SUMMARY)) continue;
      UnknownFieldSet value = UnknownFieldSet.parseFrom(UnknownFieldSet.parseFrom(e.getField(EVENT_SUMMARY).getLengthDelimitedList().getFirst())
          .getField(SUMMARY_VALUE).getLengthDelimitedList().getFirst());
      if (!value.hasField(VALUE_TENSOR)) continue;
      UnknownFieldSet plugin = UnknownFieldSet.parseFrom(UnknownFieldSet.parseFrom(value.getField(VALUE_METADATA).getLengthDelimitedList().getFirst())
          .getField(METADATA_PLUGIN_DATA).getLengthDelimitedList().getFirst());
      assertThat(plugin.getField(PLUGIN_NAME).getLengthDelimitedList().getFirst().toStringUtf8()).isEqualTo("text");
      assertThat(value.getField(VALUE_TAG).getLengthDelimitedList().getFirst().toStringUtf8()).isEqualTo("config");
      return UnknownFieldSet.parseFrom(value.getField(VALUE_TENSOR).getLengthDelimitedList().getFirst())
          .getField(TENSOR_STRING_VAL).getLengthDelimitedList().getFirst().toString(StandardCharsets.UTF_8);
    }
    return null;
  }

  @Test
  void aTrainingRunWritesEveryMetricsValueAndItsConfigToTensorBoard(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("tiny.yaml");
    Files.writeString(cfg, "env: {" + TinyGame.MAP + """
        , episode_length: 40, tax: {period: 10, brackets: [0, 1, 3]}, voting: {round_periods: 4}}
        run: {envs: 4, seed: 5}
        train: {total_steps: 768, num_steps: 32, num_minibatches: 2, update_epochs: 1, phase1_steps: 256, cap_anneal_steps: 256,
                principal_batch: 8, checkpoint_every: 100}
        """);
    Path run = dir.resolve("run");
    java.io.StringWriter err = new java.io.StringWriter();
    int code = org.harvestsed.cli.Main.run(new String[] {"train", "--config", cfg.toString(), "--out", run.toString()},
        new java.io.PrintWriter(new java.io.StringWriter(), true), new java.io.PrintWriter(err, true));
    assertThat(code).as(err.toString()).isZero();
    assertEventsMatchMetrics(run);
    assertThat(Files.readAllLines(run.resolve(Metrics.FILE))).hasSizeGreaterThan(2);
    String text = configText(run);
    assertThat(text).isNotNull();
    for (String line : Files.readAllLines(run.resolve("config.yaml"))) assertThat(text).contains("    " + line + "\n");
  }

  @Test
  void aResumedLogDropsTheEventsAfterItsCheckpointAndABadChecksumIsAnError(@TempDir Path dir) throws Exception {
    try (Metrics.Log log = Metrics.open(dir, 0)) {
      for (int it = 1; it <= 3; it++) {
        log.write(new Metrics().set("iteration", Long.toString(it)).set("global_step", Long.toString(100L * it))
            .set("charts/cap", 0.5 * it).set("round/rates", "0.1;0.2"));
      }
    }
    assertThat(scalars(records(dir.resolve(TfEvents.FILE))).keySet()).containsExactly(100L, 200L, 300L);
    assertThat(scalars(records(dir.resolve(TfEvents.FILE))).get(200L))
        .containsEntry("charts/cap", 1.0f).containsEntry("round/rates/1", 0.2f).containsEntry("iteration", 2f).doesNotContainKey("losses/entropy");
    try (Metrics.Log log = Metrics.open(dir, 1)) { // resumed from the checkpoint of iteration 1
      log.write(new Metrics().set("iteration", "2").set("global_step", "200").set("charts/cap", 7));
    }
    assertEventsMatchMetrics(dir);
    assertThat(scalars(records(dir.resolve(TfEvents.FILE))).get(200L)).containsEntry("charts/cap", 7f);
    byte[] bytes = Files.readAllBytes(dir.resolve(TfEvents.FILE));
    bytes[bytes.length - 6] ^= 1;
    Files.write(dir.resolve(TfEvents.FILE), bytes);
    assertThatThrownBy(() -> TfEvents.records(dir.resolve(TfEvents.FILE))).isInstanceOf(IOException.class).hasMessageContaining("checksum does not match");
  }

  /** A run made elsewhere (e.g. the quickstart): -Dharvest.run=runs/DIR checks its event file against its metrics.csv. */
  @Test
  @EnabledIfSystemProperty(named = "harvest.run", matches = ".+")
  void aGivenRunsEventsMatchItsMetrics() throws Exception {
    Path run = Path.of(System.getProperty("harvest.run"));
    assertEventsMatchMetrics(run);
    assertThat(configText(run)).contains("total_steps");
    System.out.println("tfevents: " + run.resolve(TfEvents.FILE) + ": " + records(run.resolve(TfEvents.FILE)).size() + " records, checksums ok, "
        + (Files.readAllLines(run.resolve(Metrics.FILE)).size() - 1) + " metrics rows matched");
  }
}
