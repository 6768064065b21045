package io.emotionstream.kafka.serde;

import io.emotionstream.kafka.registry.SchemaRegistry;
import io.emotionstream.kafka.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format Avro into a generated record class. The writer's schema comes from
 * the registry by the id in the header, and Avro's schema resolution maps it onto the class's own
 * schema, so records written with an earlier or later compatible schema read fine (schema
 * evolution).
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  private final SchemaRegistry registry;
  private final SpecificData model;
  private final Schema readerSchema;
  private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();

  public AvroDeserializer(SchemaRegistry registry, Class<T> type) {
    this.registry = registry;
    this.model = SpecificData.getForClass(type);
    this.readerSchema = model.getSchema(type);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null; // a tombstone
    }
    int id = WireFormat.schemaId(topic, data);
    SpecificDatumReader<T> reader = readerFor(topic, id);
    int bodyLength = data.length - WireFormat.HEADER_SIZE;
    // Checked before Avro decodes it: Avro would allocate whatever a corrupt length prefix claims.
    // (A resolving reader's getSchema() is the writer's schema, which is what the bytes follow.)
    String problem =
        AvroBodyCheck.problem(reader.getSchema(), data, WireFormat.HEADER_SIZE, bodyLength);
    if (problem != null) {
      throw corrupt(topic, id, bodyLength, problem, null);
    }
    BinaryDecoder decoder =
        DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE, bodyLength, null);
    T value;
    try {
      value = reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw corrupt(topic, id, bodyLength, describe(e), e);
    }
    return value;
  }

  private SpecificDatumReader<T> readerFor(String topic, int id) {
    SpecificDatumReader<T> reader = readersByWriterId.get(id);
    if (reader != null) {
      return reader;
    }
    Schema writerSchema = writerSchema(topic, id);
    var compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema).getResult();
    if (compatibility.getCompatibility()
        != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      var first = compatibility.getIncompatibilities().get(0);
      throw new AvroSerdeException(
          topic,
          AvroSerdeException.Problem.INCOMPATIBLE_SCHEMA,
          "record written with schema id "
              + id
              + " ("
              + writerSchema.getFullName()
              + ") cannot be read as "
              + readerSchema.getFullName()
              + ": "
              + first.getType()
              + " at "
              + first.getLocation()
              + ": "
              + first.getMessage(),
          null);
    }
    reader = new SpecificDatumReader<>(writerSchema, readerSchema, model);
    readersByWriterId.putIfAbsent(id, reader);
    return reader;
  }

  private Schema writerSchema(String topic, int id) {
    try {
      return registry.schemaById(id);
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
        throw new AvroSerdeException(
            topic,
            AvroSerdeException.Problem.UNKNOWN_SCHEMA_ID,
            "schema id "
                + id
                + " in the payload header is unknown to schema registry "
                + registry.location()
                + " ("
                + e.registryMessage()
                + ")",
            e);
      }
      throw new AvroSerdeException(
          topic,
          AvroSerdeException.Problem.REGISTRY_ERROR,
          "cannot fetch writer schema id " + id + ": " + e.getMessage(),
          e);
    }
  }

  private AvroSerdeException corrupt(
      String topic, int id, int bodyLength, String why, Throwable cause) {
    return new AvroSerdeException(
        topic,
        AvroSerdeException.Problem.CORRUPT_BODY,
        "Avro body of "
            + bodyLength
            + " bytes (schema id "
            + id
            + ") cannot be decoded as "
            + readerSchema.getFullName()
            + ": "
            + why,
        cause);
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
