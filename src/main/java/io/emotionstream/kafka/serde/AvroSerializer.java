package io.emotionstream.kafka.serde;

import io.emotionstream.kafka.registry.SchemaRegistry;
import io.emotionstream.kafka.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records in Confluent's wire format, the schema registered (or, without
 * auto-registration, looked up) under the topic's subject. The id is resolved once per topic.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private final SchemaRegistry registry;
  private final Schema schema;
  private final SpecificDatumWriter<T> writer;
  private final boolean autoRegister;
  private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();
  private volatile boolean isKey;

  /**
   * @param autoRegister register the schema when the subject lacks it; when false the schema must
   *     already be registered (as production registries often require), else serialization fails
   */
  public AvroSerializer(SchemaRegistry registry, Class<T> type, boolean autoRegister) {
    SpecificData model = SpecificData.getForClass(type);
    this.registry = registry;
    this.schema = model.getSchema(type);
    this.writer = new SpecificDatumWriter<>(schema, model);
    this.autoRegister = autoRegister;
  }

  public AvroSerializer(SchemaRegistry registry, Class<T> type) {
    this(registry, type, true);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
  }

  public Schema schema() {
    return schema;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null; // a tombstone stays a tombstone
    }
    int id = idByTopic.computeIfAbsent(topic, this::resolveId);
    EncodingBuffer buffer = BUFFERS.get();
    buffer.reset();
    byte[] header = new byte[WireFormat.HEADER_SIZE];
    WireFormat.writeHeader(header, id);
    buffer.writeBytes(header);
    try {
      buffer.encoder = EncoderFactory.get().directBinaryEncoder(buffer, buffer.encoder);
      writer.write(data, buffer.encoder);
      buffer.encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new AvroSerdeException(
          topic,
          AvroSerdeException.Problem.UNWRITABLE_RECORD,
          schema.getName() + " cannot be encoded: " + e.getMessage(),
          e);
    }
    byte[] bytes = buffer.toByteArray();
    if (bytes.length > MAX_KEPT_BUFFER) {
      BUFFERS.remove(); // a rare large record (a checkpoint) should not pin its buffer
    }
    return bytes;
  }

  /**
   * One per thread and reused, so a record costs one allocation, its result: a 2.4 KB training
   * example would otherwise also allocate, and for the first records grow, a fresh buffer each
   * time.
   */
  private static final class EncodingBuffer extends ByteArrayOutputStream {
    private BinaryEncoder encoder;

    EncodingBuffer() {
      super(4096);
    }
  }

  private static final int MAX_KEPT_BUFFER = 1 << 20;
  private static final ThreadLocal<EncodingBuffer> BUFFERS =
      ThreadLocal.withInitial(EncodingBuffer::new);

  private int resolveId(String topic) {
    String subject = TopicNameStrategy.subject(topic, isKey);
    try {
      return autoRegister ? registry.register(subject, schema) : registry.idOf(subject, schema);
    } catch (SchemaRegistryException e) {
      AvroSerdeException.Problem problem =
          e.isUnavailable()
              ? AvroSerdeException.Problem.REGISTRY_ERROR
              : AvroSerdeException.Problem.SCHEMA_REFUSED;
      String action = autoRegister ? "registering" : "looking up";
      throw new AvroSerdeException(
          topic,
          problem,
          action
              + " schema "
              + schema.getFullName()
              + " under subject "
              + subject
              + " failed: "
              + e.getMessage(),
          e);
    }
  }
}
