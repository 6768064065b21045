package io.emotionstream.kafka.registry;

import org.apache.avro.Schema;

/** One version of a subject: its number, its global schema id and the schema. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {}
