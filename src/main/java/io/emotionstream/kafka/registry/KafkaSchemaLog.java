package io.emotionstream.kafka.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable storage: a single-partition compacted topic whose records are {@link
 * SchemaLogEntry} facts. Replaying it from the start rebuilds every id, version and setting, so ids
 * survive a restart. One partition keeps every fact in one total order.
 */
final class KafkaSchemaLog implements SchemaLog, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaLog.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final String topic;
  private final Map<String, Object> clientProperties;
  private final KafkaProducer<byte[], byte[]> producer;

  /** Where this instance's next write should land if it is the topic's only writer. */
  private long expectedNextOffset = -1;

  private KafkaSchemaLog(String topic, Map<String, Object> clientProperties) {
    this.topic = topic;
    this.clientProperties = clientProperties;
    Map<String, Object> config = new HashMap<>(clientProperties);
    // acks=all + idempotence: a write is applied only once the whole ISR has it, never twice
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "schema-registry-" + topic);
    this.producer = new KafkaProducer<>(config);
  }

  /** Opens the log on {@code topic}, creating it (compacted, one partition) when absent. */
  static KafkaSchemaLog open(
      String bootstrapServers,
      Map<String, Object> extraClientProperties,
      String topic,
      short replication) {
    Map<String, Object> clientProperties = new HashMap<>(extraClientProperties);
    clientProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    ensureTopic(clientProperties, topic, replication);
    return new KafkaSchemaLog(topic, clientProperties);
  }

  String topic() {
    return topic;
  }

  /**
   * Feeds every entry from the start of the topic to its current end to {@code apply}; returns how
   * many.
   */
  @Override
  public int replay(Consumer<SchemaLogEntry> apply) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    TopicPartition partition = new TopicPartition(topic, 0);
    int applied = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (consumer.position(partition, TIMEOUT) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read schema log topic '"
                  + topic
                  + "' to its end (offset "
                  + end
                  + ") within "
                  + TIMEOUT);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          SchemaLogEntry entry = decode(record);
          if (entry != null) {
            apply.accept(entry);
            applied++;
          }
        }
      }
      expectedNextOffset = consumer.position(partition, TIMEOUT);
    }
    return applied;
  }

  /**
   * Writes {@code entry} and returns once every in-sync replica has it; the caller applies it only
   * then. Returns false when the write did not land right after this instance's previous one:
   * another writer has appended in between, so what this instance holds in memory is incomplete.
   */
  @Override
  public boolean append(SchemaLogEntry entry) {
    try {
      long offset =
          producer
              .send(new ProducerRecord<>(topic, 0, entry.key(), entry.value()))
              .get(45, TimeUnit.SECONDS)
              .offset();
      // Without transactions every record of the partition takes exactly one offset
      boolean inSequence = offset == expectedNextOffset;
      expectedNextOffset = offset + 1;
      if (!inSequence) {
        LOG.warn(
            "another writer has appended to schema log topic '{}' (wrote at offset {}); "
                + "run only one registry per topic, or ids may collide",
            topic,
            offset);
      }
      return inSequence;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SchemaRegistryException.storeError("interrupted while writing to '" + topic + "'", e);
    } catch (ExecutionException e) {
      throw SchemaRegistryException.storeError(
          "writing to '" + topic + "' failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw SchemaRegistryException.storeError(
          "no acknowledgement from '" + topic + "' in 45 s", e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private SchemaLogEntry decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.key() == null) {
      return null;
    }
    try {
      return SchemaLogEntry.decode(record.key(), record.value());
    } catch (IOException | RuntimeException e) {
      // Skipped, not deleted: the record stays in the topic for inspection
      LOG.warn(
          "skipping unreadable record at {}-0 offset {}: {}",
          topic,
          record.offset(),
          e.getMessage());
      return null;
    }
  }

  private static void ensureTopic(
      Map<String, Object> clientProperties, String topic, short replication) {
    try (Admin admin = Admin.create(clientProperties)) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (existing.contains(topic)) {
        // Only a topic made by someone else can lack compaction. One created just now is not asked:
        // right after creation the broker's metadata may not know it yet and would answer "unknown
        // topic".
        warnUnlessCompacted(admin, topic);
        return;
      }
      NewTopic newTopic =
          new NewTopic(topic, 1, replication)
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        admin.createTopics(List.of(newTopic)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        LOG.info(
            "created schema log topic '{}' (compacted, 1 partition, replication {})",
            topic,
            replication);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while preparing schema log topic '" + topic + "'", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      String why =
          cause.getMessage() == null
              ? "no answer within " + TIMEOUT.toSeconds() + " s"
              : cause.getMessage();
      throw new IllegalStateException(
          "cannot prepare schema log topic '"
              + topic
              + "' on Kafka at "
              + clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
              + ": "
              + why,
          cause);
    }
  }

  private static void warnUnlessCompacted(Admin admin, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config =
        admin
            .describeConfigs(List.of(resource))
            .all()
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
            .get(resource);
    var policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
    if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      // With deletion instead of compaction, old schemas would expire and their ids be lost
      LOG.warn(
          "schema log topic '{}' has cleanup.policy={}, not compact: schemas will expire with retention",
          topic,
          policy == null ? "?" : policy.value());
    }
  }
}
