package io.emotionstream.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.TrainingExample;
import io.emotionstream.kafka.registry.CompatibilityLevel;
import io.emotionstream.kafka.registry.InMemorySchemaRegistry;
import io.emotionstream.kafka.registry.SchemaRegistry;
import io.emotionstream.kafka.registry.SchemaRegistryClient;
import io.emotionstream.kafka.registry.SchemaRegistryException;
import io.emotionstream.testing.ConfluentAvro;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;

/**
 * The Confluent-wire-format Avro serde over an in-memory registry; {@link AvroSerdeBrokerTest} adds
 * a broker.
 */
class AvroSerdeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FRAMES = "emotion.frames";

  private static final SchemaRegistry registry = new InMemorySchemaRegistry();

  private static SchemaRegistry newClient() {
    return registry;
  }

  // ---- the wire format ----

  @Test
  void theSamplesCoverEverySchemaATopicCarries() throws Exception {
    Set<String> topicSchemas;
    try (Stream<Path> files = Files.list(Path.of("schemas"))) {
      topicSchemas =
          files
              .map(f -> f.getFileName().toString())
              .filter(name -> name.endsWith(".avsc"))
              .map(name -> name.substring(0, name.length() - ".avsc".length()))
              .collect(Collectors.toSet());
    }
    Set<String> sampled =
        SampleRecords.everyType().stream()
            .map(r -> r.getSchema().getName())
            .collect(Collectors.toSet());

    assertEquals(topicSchemas, sampled);
  }

  @Test
  void writesConfluentWireFormatUnderTheTopicValueSubject() throws Exception {
    SchemaRegistry client = newClient();
    FaceFrame frame = SampleRecords.faceFrame();

    byte[] payload = new AvroSerializer<>(client, FaceFrame.class).serialize("wire.check", frame);

    int registeredId = newClient().latest("wire.check-value").id();
    assertEquals(0, payload[0]);
    assertEquals(registeredId, ByteBuffer.wrap(payload, 1, 4).getInt());
    assertArrayEquals(plainAvro(frame), Arrays.copyOfRange(payload, 5, payload.length));
    // Any Avro reader holding the registered schema can decode the body
    GenericRecord generic =
        new GenericDatumReader<GenericRecord>(newClient().schemaById(registeredId))
            .read(null, DecoderFactory.get().binaryDecoder(payload, 5, payload.length - 5, null));
    assertEquals("camera-7", generic.get("sourceId").toString());
  }

  @Test
  void nullStaysATombstoneBothWays() {
    SchemaRegistry client = newClient();

    assertNull(new AvroSerializer<>(client, FaceFrame.class).serialize(FRAMES, null));
    assertNull(new AvroDeserializer<>(client, FaceFrame.class).deserialize(FRAMES, null));
  }

  // ---- schema evolution ----

  @Test
  void readsRecordsWrittenWithAnEarlierSchemaThatLackedAField() throws Exception {
    Schema older = withoutField(FaceFrame.getClassSchema(), "label");
    SchemaRegistry client = newClient();
    int olderId = client.register("evolution.older-value", older);
    GenericRecord written = new GenericData.Record(older);
    written.put("frameId", "f-old");
    written.put("sourceId", "cam-old");
    written.put("width", 1);
    written.put("height", 2);
    written.put("pixels", ByteBuffer.wrap(new byte[] {7, 8}));
    written.put("captureTimeMs", SampleRecords.TIME.toEpochMilli());

    FaceFrame read =
        new AvroDeserializer<>(newClient(), FaceFrame.class)
            .deserialize("evolution.older", ConfluentAvro.encode(olderId, older, written));

    assertEquals("f-old", read.getFrameId());
    assertEquals(SampleRecords.TIME, read.getCaptureTimeMs());
    assertNull(read.getLabel(), "the reader's default fills the missing field");
  }

  @Test
  void readsRecordsWrittenWithALaterSchemaThatAddedAField() throws Exception {
    SchemaRegistry client = newClient();
    client.register("evolution.newer-value", FaceFrame.getClassSchema());
    Schema newer = withExtraField(FaceFrame.getClassSchema(), "exposure", "double", 0.5);
    int newerId =
        client.register("evolution.newer-value", newer); // BACKWARD: the new field has a default
    GenericRecord written = new GenericData.Record(newer);
    // Without a scene: this writer leaves it unset, as any field it does not know of.
    FaceFrame sample = FaceFrame.newBuilder(SampleRecords.faceFrame()).setScene(null).build();
    written.put("frameId", sample.getFrameId());
    written.put("sourceId", sample.getSourceId());
    written.put("width", sample.getWidth());
    written.put("height", sample.getHeight());
    written.put("pixels", sample.getPixels());
    written.put("captureTimeMs", sample.getCaptureTimeMs().toEpochMilli());
    written.put(
        "label",
        new GenericData.EnumSymbol(newer.getField("label").schema().getTypes().get(1), "HAPPY"));
    written.put("exposure", 2.0);

    FaceFrame read =
        new AvroDeserializer<>(newClient(), FaceFrame.class)
            .deserialize("evolution.newer", ConfluentAvro.encode(newerId, newer, written));

    assertEquals(sample, read);
  }

  // ---- payloads that are not what they should be ----

  @Test
  void refusesAPayloadWithoutTheMagicByte() {
    byte[] json = "{\"frameId\":\"f\"}".getBytes(StandardCharsets.UTF_8);

    AvroSerdeException e = assertThrows(AvroSerdeException.class, () -> deserializeFrame(json));

    assertEquals(
        "emotion.frames: payload does not start with magic byte 0 (got 0x7b); not Confluent Avro wire format",
        e.getMessage());
    assertEquals(AvroSerdeException.Problem.NOT_WIRE_FORMAT, e.problem());
    assertTrue(e.problem().isRecordAtFault());
  }

  @Test
  void refusesAPayloadShorterThanTheHeader() {
    AvroSerdeException tooShort =
        assertThrows(AvroSerdeException.class, () -> deserializeFrame(new byte[] {0, 0, 1}));
    AvroSerdeException empty =
        assertThrows(AvroSerdeException.class, () -> deserializeFrame(new byte[0]));

    assertEquals(AvroSerdeException.Problem.NOT_WIRE_FORMAT, tooShort.problem());
    assertTrue(
        tooShort
            .getMessage()
            .startsWith("emotion.frames: payload of 3 bytes is shorter than the 5-byte header"),
        tooShort.getMessage());
    assertTrue(empty.getMessage().contains("payload is empty"), empty.getMessage());
  }

  @Test
  void refusesAPayloadWithAnUnknownSchemaId() {
    byte[] payload = validFramePayload();
    ByteBuffer.wrap(payload, 1, 4).putInt(987_654);

    AvroSerdeException e = assertThrows(AvroSerdeException.class, () -> deserializeFrame(payload));

    assertEquals(AvroSerdeException.Problem.UNKNOWN_SCHEMA_ID, e.problem());
    assertTrue(
        e.getMessage()
            .startsWith("emotion.frames: schema id 987654 in the payload header is unknown"),
        e.getMessage());
  }

  @Test
  void refusesATruncatedPayload() {
    byte[] payload = validFramePayload();
    byte[] truncated = Arrays.copyOf(payload, payload.length / 2);

    AvroSerdeException e =
        assertThrows(AvroSerdeException.class, () -> deserializeFrame(truncated));

    assertEquals(AvroSerdeException.Problem.CORRUPT_BODY, e.problem());
    assertTrue(e.getMessage().startsWith("emotion.frames: Avro body of"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void refusesLengthsAndCountsLargerThanThePayloadBeforeAllocatingThem() throws Exception {
    int frameId = newClient().register("claims.frames-value", FaceFrame.getClassSchema());
    ByteArrayOutputStream frame = header(frameId);
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(frame, null);
    encoder.writeString("frame-1");
    encoder.writeString("camera-7");
    encoder.writeInt(40_000);
    encoder.writeInt(40_000);
    encoder.writeLong(1_600_000_000L); // "1.6 GB of pixels follow"
    encoder.writeFixed(new byte[16]);
    encoder.flush();
    int eventId = newClient().register("claims.events-value", EmotionEvent.getClassSchema());
    ByteArrayOutputStream event = header(eventId);
    encoder = EncoderFactory.get().binaryEncoder(event, null);
    encoder.writeString("frame-1");
    encoder.writeString("camera-7");
    encoder.writeEnum(3);
    encoder.writeFloat(0.5f);
    encoder.writeLong(900_000_000L); // "900 million probabilities follow"
    encoder.writeFixed(new byte[16]);
    encoder.flush();

    AvroSerdeException pixels =
        assertThrows(
            AvroSerdeException.class,
            () ->
                new AvroDeserializer<>(newClient(), FaceFrame.class)
                    .deserialize("claims.frames", frame.toByteArray()));
    AvroSerdeException probabilities =
        assertThrows(
            AvroSerdeException.class,
            () ->
                new AvroDeserializer<>(newClient(), EmotionEvent.class)
                    .deserialize("claims.events", event.toByteArray()));

    assertEquals(AvroSerdeException.Problem.CORRUPT_BODY, pixels.problem());
    assertTrue(
        pixels
            .getMessage()
            .contains("field FaceFrame.pixels claims 1600000000 bytes but only 16 remain"),
        pixels.getMessage());
    assertEquals(AvroSerdeException.Problem.CORRUPT_BODY, probabilities.problem());
    assertTrue(
        probabilities
            .getMessage()
            .contains("field EmotionEvent.probabilities claims 900000000 items"),
        probabilities.getMessage());
  }

  @Test
  void refusesBytesLeftOverAfterTheRecord() {
    byte[] payload = validFramePayload();
    byte[] padded = Arrays.copyOf(payload, payload.length + 3);

    AvroSerdeException e = assertThrows(AvroSerdeException.class, () -> deserializeFrame(padded));

    assertEquals(AvroSerdeException.Problem.CORRUPT_BODY, e.problem());
    assertTrue(e.getMessage().contains("left over"), e.getMessage());
  }

  @Test
  void refusesARecordOfAnotherTypeWithReasonsInWords() {
    byte[] example =
        new AvroSerializer<>(newClient(), TrainingExample.class)
            .serialize("mixed.up", SampleRecords.trainingExample());

    AvroSerdeException e =
        assertThrows(
            AvroSerdeException.class,
            () ->
                new AvroDeserializer<>(newClient(), FaceFrame.class)
                    .deserialize("mixed.up", example));

    assertEquals(AvroSerdeException.Problem.INCOMPATIBLE_SCHEMA, e.problem());
    assertTrue(
        e.getMessage()
            .contains(
                "io.emotionstream.avro.TrainingExample) cannot be read as io.emotionstream.avro.FaceFrame"),
        e.getMessage());
  }

  @Test
  void corruptedBytesNeverEscapeAsAnythingButAClearSerdeError() {
    byte[] valid = validFramePayload();
    AvroDeserializer<FaceFrame> deserializer = new AvroDeserializer<>(newClient(), FaceFrame.class);
    Random random = new Random(20261126);
    int refused = 0;
    for (int trial = 0; trial < 3_000; trial++) {
      byte[] mutated = Arrays.copyOf(valid, valid.length);
      int flips = 1 + random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        mutated[5 + random.nextInt(mutated.length - 5)] = (byte) random.nextInt(256);
      }
      if (random.nextBoolean()) {
        mutated = Arrays.copyOf(mutated, 5 + random.nextInt(mutated.length - 5));
      }
      try {
        deserializer.deserialize(FRAMES, mutated);
      } catch (AvroSerdeException e) {
        assertEquals(AvroSerdeException.Problem.CORRUPT_BODY, e.problem(), e.getMessage());
        assertTrue(e.getMessage().startsWith("emotion.frames: "), e.getMessage());
        refused++;
      }
    }
    assertTrue(refused > 1_000, "most corruptions are caught, got " + refused);
  }

  @Test
  void anUnreachableRegistryIsNotBlamedOnTheRecord() {
    byte[] payload = validFramePayload();
    SchemaRegistryClient nowhere = new SchemaRegistryClient("http://127.0.0.1:1");

    AvroSerdeException reading =
        assertThrows(
            AvroSerdeException.class,
            () -> new AvroDeserializer<>(nowhere, FaceFrame.class).deserialize(FRAMES, payload));
    AvroSerdeException writing =
        assertThrows(
            AvroSerdeException.class,
            () ->
                new AvroSerializer<>(nowhere, FaceFrame.class)
                    .serialize(FRAMES, SampleRecords.faceFrame()));

    assertEquals(AvroSerdeException.Problem.REGISTRY_ERROR, reading.problem());
    assertFalse(reading.problem().isRecordAtFault());
    assertEquals(AvroSerdeException.Problem.REGISTRY_ERROR, writing.problem());
  }

  // ---- writing ----

  @Test
  void refusesToWriteARecordMissingARequiredField() {
    FaceFrame incomplete = SampleRecords.faceFrame();
    incomplete.setFrameId(null);

    AvroSerdeException e =
        assertThrows(
            AvroSerdeException.class,
            () -> new AvroSerializer<>(newClient(), FaceFrame.class).serialize(FRAMES, incomplete));

    assertEquals(AvroSerdeException.Problem.UNWRITABLE_RECORD, e.problem());
    assertTrue(
        e.getMessage().startsWith("emotion.frames: FaceFrame cannot be encoded"), e.getMessage());
    assertTrue(e.getMessage().contains("frameId"), e.getMessage());
  }

  @Test
  void withoutAutoRegistrationOnlyAnAlreadyRegisteredSchemaIsWritten() {
    SchemaRegistry client = newClient();
    AvroSerializer<FaceFrame> strict = new AvroSerializer<>(client, FaceFrame.class, false);

    AvroSerdeException e =
        assertThrows(
            AvroSerdeException.class,
            () -> strict.serialize("preregistered", SampleRecords.faceFrame()));
    assertEquals(AvroSerdeException.Problem.SCHEMA_REFUSED, e.problem());
    assertEquals(
        SchemaRegistryException.SUBJECT_NOT_FOUND,
        ((SchemaRegistryException) e.getCause()).errorCode());

    int id = newClient().register("preregistered-value", FaceFrame.getClassSchema());
    byte[] payload =
        new AvroSerializer<>(newClient(), FaceFrame.class, false)
            .serialize("preregistered", SampleRecords.faceFrame());
    assertEquals(id, ByteBuffer.wrap(payload, 1, 4).getInt());
  }

  @Test
  void aSchemaTheSubjectRefusesFailsTheWriteWithTheRegistrysReason() {
    SchemaRegistry client = newClient();
    client.setCompatibility("guarded-value", CompatibilityLevel.FULL);
    client.register("guarded-value", TrainingExample.getClassSchema());

    AvroSerdeException e =
        assertThrows(
            AvroSerdeException.class,
            () ->
                new AvroSerializer<>(client, FaceFrame.class)
                    .serialize("guarded", SampleRecords.faceFrame()));

    assertEquals(AvroSerdeException.Problem.SCHEMA_REFUSED, e.problem());
    assertEquals(
        SchemaRegistryException.INCOMPATIBLE_SCHEMA,
        ((SchemaRegistryException) e.getCause()).errorCode());
  }

  // ---- Kafka Streams meeting a poison record ----

  @Test
  void kafkaStreamsHandsTheClearErrorToItsDeserializationExceptionHandler() {
    RecordingHandler.seen.clear();
    StreamsBuilder builder = new StreamsBuilder();
    List<FaceFrame> processed = new ArrayList<>();
    builder.stream(
            "streams.frames",
            Consumed.with(Serdes.String(), AvroSerde.of(newClient(), FaceFrame.class)))
        .foreach((key, frame) -> processed.add(frame));
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-test");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    config.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RecordingHandler.class);
    byte[] good =
        new AvroSerializer<>(newClient(), FaceFrame.class)
            .serialize("streams.frames", SampleRecords.faceFrame());

    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), config)) {
      TestInputTopic<String, byte[]> input =
          driver.createInputTopic(
              "streams.frames", new StringSerializer(), new ByteArraySerializer());
      input.pipeInput("camera-7", new byte[] {1, 2, 3, 4, 5, 6});
      input.pipeInput("camera-7", good);
    }

    assertEquals(List.of(SampleRecords.faceFrame()), processed);
    assertEquals(1, RecordingHandler.seen.size());
    AvroSerdeException seen = (AvroSerdeException) RecordingHandler.seen.get(0);
    assertEquals(AvroSerdeException.Problem.NOT_WIRE_FORMAT, seen.problem());
    assertTrue(
        seen.getMessage()
            .startsWith("streams.frames: payload does not start with magic byte 0 (got 0x01)"));
  }

  /**
   * Records what Kafka Streams hands its handler and skips the record, as a dead-lettering handler
   * would.
   */
  public static final class RecordingHandler implements DeserializationExceptionHandler {
    static final List<Exception> seen = new CopyOnWriteArrayList<>();

    @Override
    public Response handleError(
        ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
      seen.add(exception);
      return Response.resume();
    }

    @Override
    public void configure(Map<String, ?> configs) {}
  }

  // ---- helpers ----

  private static FaceFrame deserializeFrame(byte[] payload) {
    return new AvroDeserializer<>(newClient(), FaceFrame.class).deserialize(FRAMES, payload);
  }

  private static byte[] validFramePayload() {
    return new AvroSerializer<>(newClient(), FaceFrame.class)
        .serialize(FRAMES, SampleRecords.faceFrame());
  }

  private static byte[] plainAvro(FaceFrame frame) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<FaceFrame>(
            FaceFrame.getClassSchema(), SpecificData.getForClass(FaceFrame.class))
        .write(frame, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static ByteArrayOutputStream header(int schemaId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
    return out;
  }

  private static Schema withoutField(Schema schema, String field) throws Exception {
    ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
    ArrayNode fields = (ArrayNode) json.get("fields");
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).get("name").asText().equals(field)) {
        fields.remove(i);
      }
    }
    return new Schema.Parser().parse(json.toString());
  }

  private static Schema withExtraField(
      Schema schema, String field, String type, double defaultValue) throws Exception {
    ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
    ((ArrayNode) json.get("fields"))
        .addObject()
        .put("name", field)
        .put("type", type)
        .put("default", defaultValue);
    return new Schema.Parser().parse(json.toString());
  }
}
