package io.emotionstream.kafka.serde;

import io.emotionstream.kafka.registry.SchemaRegistry;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** {@link AvroSerializer} and {@link AvroDeserializer} of one record class, for Kafka Streams. */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  public AvroSerde(SchemaRegistry registry, Class<T> type, boolean autoRegister) {
    this.serializer = new AvroSerializer<>(registry, type, autoRegister);
    this.deserializer = new AvroDeserializer<>(registry, type);
  }

  /** A serde that registers its schema when needed. */
  public static <T extends SpecificRecord> AvroSerde<T> of(SchemaRegistry registry, Class<T> type) {
    return new AvroSerde<>(registry, type, true);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
