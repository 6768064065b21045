package io.emotionstream.monitor;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicScan;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.UngroupedConsumers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the product's output topics into a {@link LiveView} on a thread of its own. It joins no
 * consumer group: it commits nothing and never takes partitions from anyone. A record that cannot
 * be read is counted in the view and logged with its position; the feed goes on.
 */
public final class MonitorFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MonitorFeed.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, Consumer<ConsumerRecord<String, byte[]>>> handlers;
  private final LiveView view;
  private final Thread thread;
  private final AtomicLong recordsRead = new AtomicLong();
  private volatile boolean running = true;

  private MonitorFeed(
      KafkaConsumer<String, byte[]> consumer,
      Map<String, Consumer<ConsumerRecord<String, byte[]>>> handlers,
      LiveView view) {
    this.consumer = consumer;
    this.handlers = handlers;
    this.view = view;
    this.thread = new Thread(this::pollUntilClosed, "monitor-feed");
    this.thread.setDaemon(true);
  }

  /**
   * Positions on every partition, then starts reading; when this returns, any record written
   * afterwards will be seen.
   *
   * @param withFrames also read the frames topic, for the thumbnails (the dashboard does, the
   *     console not)
   */
  public static MonitorFeed start(
      ConnectionSettings connection, LiveView view, StartPosition from, boolean withFrames) {
    TopicSerdes serdes = TopicSerdes.connect(connection);
    Topics topics = connection.topics();
    Map<String, Consumer<ConsumerRecord<String, byte[]>>> handlers = new HashMap<>();
    handlers.put(topics.events(), handler(serdes.events().deserializer(), view::onEvent));
    handlers.put(
        topics.accuracy(), handler(serdes.accuracyReports().deserializer(), view::onAccuracy));
    handlers.put(
        topics.trainerStatus(), handler(serdes.trainingStatuses().deserializer(), view::onStatus));
    handlers.put(
        topics.checkpoints(), handler(serdes.checkpoints().deserializer(), view::onCheckpoint));
    handlers.put(topics.serving(), handler(serdes.servingStates().deserializer(), view::onServing));
    if (withFrames) {
      handlers.put(topics.frames(), handler(serdes.frames().deserializer(), view::onFrame));
    }

    KafkaConsumer<String, byte[]> consumer = UngroupedConsumers.open(connection, "emotion-monitor");
    try {
      List<TopicPartition> streams = new ArrayList<>();
      List<TopicPartition> states = new ArrayList<>();
      for (String topic : handlers.keySet()) {
        boolean state = topic.equals(topics.checkpoints()) || topic.equals(topics.serving());
        (state ? states : streams).addAll(TopicScan.partitions(consumer, topic, connection));
      }
      List<TopicPartition> all = new ArrayList<>(streams);
      all.addAll(states);
      consumer.assign(all);
      // The checkpoints and serving topics are compacted state, not streams: they are read whole so
      // the
      // current model and what serves are known at once, whatever the start position of the rest.
      TopicScan.position(consumer, states, true);
      TopicScan.position(consumer, streams, from == StartPosition.BEGINNING);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    MonitorFeed feed = new MonitorFeed(consumer, handlers, view);
    feed.thread.start();
    return feed;
  }

  private static <T> Consumer<ConsumerRecord<String, byte[]>> handler(
      Deserializer<T> deserializer, Consumer<T> sink) {
    return record -> {
      T value = deserializer.deserialize(record.topic(), record.value());
      if (value != null) { // a tombstone on a compacted topic
        sink.accept(value);
      }
    };
  }

  /** Records read so far, readable or not. */
  public long recordsRead() {
    return recordsRead.get();
  }

  private void pollUntilClosed() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          recordsRead.incrementAndGet();
          try {
            handlers.get(record.topic()).accept(record);
          } catch (RuntimeException e) {
            String problem =
                record.topic()
                    + "-"
                    + record.partition()
                    + "@"
                    + record.offset()
                    + ": "
                    + e.getMessage();
            LOG.warn("skipping unreadable record {}", problem);
            view.onUnreadable(problem);
          }
        }
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (RuntimeException e) {
      LOG.error("monitor feed stopped", e);
      view.onUnreadable("feed stopped: " + e.getMessage());
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread.isAlive()) {
      consumer.wakeup();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
