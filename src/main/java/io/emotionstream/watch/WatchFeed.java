package io.emotionstream.watch;

import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.SceneFrame;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicScan;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.UngroupedConsumers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code emotion.scenes} and {@code emotion.events} into a {@link SceneJoin} on a thread of
 * its own and hands the joined scenes to a listener, on that thread, once per poll. Like the
 * monitor's feed it joins no consumer group; records of sources not watched are skipped by their
 * key, before their value is deserialised. A record that cannot be read is logged with its position
 * and counted; the feed goes on.
 *
 * <p>While catching up on the topics (from their beginning, or after falling behind), one topic
 * runs ahead of the other: events are small and many fit in a fetch, scenes are whole pictures.
 * Then the topic that is ahead is paused while many of its records wait in the join and the other
 * still has records to read, so the join's bounds are not spent on records whose partners are on
 * their way. Never both are paused: the one read always catches up.
 */
public final class WatchFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchFeed.class);

  /** Told, on the feed's thread, what the join releases and when the feed ends. */
  public interface Listener {
    /** Scenes released by one poll, each source's in index order; an exception stops the feed. */
    void onScenes(List<AnnotatedScene> scenes) throws Exception;

    /** The feed has ended: closed ({@code failure} null) or failed. */
    default void onStopped(Throwable failure) {}
  }

  private final KafkaConsumer<String, byte[]> consumer;
  private final String scenesTopic;
  private final Deserializer<SceneFrame> scenes;
  private final Deserializer<EmotionEvent> events;
  private final List<TopicPartition> scenePartitions;
  private final List<TopicPartition> eventPartitions;
  private final WatchSettings settings;
  private final SceneJoin join;
  private final Clock clock;
  private final Listener listener;
  private final Thread thread;

  /** Small polls, so a pause takes effect before a poll's records overrun the join's bounds. */
  private static final int MAX_POLL_RECORDS = 64;

  private final int holdEventsAbove;
  private final int holdScenesAbove;
  private final AtomicLong recordsRead = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private volatile SceneJoin.Counts counts;
  private volatile boolean running = true;
  private boolean eventsPaused;
  private boolean scenesPaused;

  private WatchFeed(
      KafkaConsumer<String, byte[]> consumer,
      ConnectionSettings connection,
      TopicSerdes serdes,
      List<TopicPartition> scenePartitions,
      List<TopicPartition> eventPartitions,
      WatchSettings settings,
      SceneJoin.Limits limits,
      Clock clock,
      Listener listener) {
    this.consumer = consumer;
    this.scenesTopic = connection.topics().scenes();
    this.scenes = serdes.scenes().deserializer();
    this.events = serdes.events().deserializer();
    this.scenePartitions = scenePartitions;
    this.eventPartitions = eventPartitions;
    this.settings = settings;
    this.join = new SceneJoin(limits);
    this.holdEventsAbove = limits.maxWaitingEvents() / 4;
    this.holdScenesAbove =
        Math.max(1, Math.min(16, limits.maxScenesPerSource() - MAX_POLL_RECORDS));
    this.counts = join.counts();
    this.clock = clock;
    this.listener = listener;
    this.thread = new Thread(this::pollUntilClosed, "watch-feed");
    this.thread.setDaemon(true);
  }

  /**
   * Positions on every partition of both topics, then starts reading; when this returns, any record
   * written afterwards will be seen.
   */
  public static WatchFeed start(
      ConnectionSettings connection, WatchSettings settings, Clock clock, Listener listener) {
    return start(connection, settings, settings.joinLimits(), clock, listener);
  }

  static WatchFeed start(
      ConnectionSettings connection,
      WatchSettings settings,
      SceneJoin.Limits limits,
      Clock clock,
      Listener listener) {
    KafkaConsumer<String, byte[]> consumer =
        UngroupedConsumers.open(
            connection,
            "emotion-watch",
            Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                MAX_POLL_RECORDS,
                // A few pictures a fetch, so a fetch does not hold hundreds of scenes ahead of
                // their events.
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                2 * 1024 * 1024));
    WatchFeed feed;
    try {
      List<TopicPartition> scenePartitions =
          TopicScan.partitions(consumer, connection.topics().scenes(), connection);
      List<TopicPartition> eventPartitions =
          TopicScan.partitions(consumer, connection.topics().events(), connection);
      List<TopicPartition> all = new ArrayList<>(scenePartitions);
      all.addAll(eventPartitions);
      consumer.assign(all);
      TopicScan.position(consumer, all, settings.fromBeginning());
      feed =
          new WatchFeed(
              consumer,
              connection,
              TopicSerdes.connect(connection),
              scenePartitions,
              eventPartitions,
              settings,
              limits,
              clock,
              listener);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    feed.thread.start();
    return feed;
  }

  /** Records read so far, readable or not, watched or not. */
  public long recordsRead() {
    return recordsRead.get();
  }

  /** Records that could not be read, skipped. */
  public long unreadableRecords() {
    return unreadable.get();
  }

  /** The join's counts as of the last poll. */
  public SceneJoin.Counts joinCounts() {
    return counts;
  }

  private void pollUntilClosed() {
    Throwable failure = null;
    try {
      while (running) {
        List<AnnotatedScene> ready = new ArrayList<>();
        long now = clock.millis();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          recordsRead.incrementAndGet();
          if (record.key() != null && settings.watches(record.key())) {
            read(record, now, ready);
          }
        }
        ready.addAll(join.expire(clock.millis()));
        deliver(ready);
        pace();
      }
      deliver(join.flush());
    } catch (WakeupException e) {
      try {
        deliver(join.flush()); // close() asked us to stop: what was still waiting is drawn as it is
      } catch (Exception | Error stop) {
        failure = stop;
      }
    } catch (Exception | Error e) {
      LOG.error("watch feed stopped", e);
      failure = e;
    } finally {
      counts = join.counts();
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      listener.onStopped(failure);
    }
  }

  private void read(ConsumerRecord<String, byte[]> record, long now, List<AnnotatedScene> ready) {
    try {
      if (record.topic().equals(scenesTopic)) {
        SceneFrame scene = scenes.deserialize(record.topic(), record.value());
        if (scene != null) {
          ready.addAll(join.onScene(scene, now));
        }
      } else {
        EmotionEvent event = events.deserialize(record.topic(), record.value());
        if (event != null) {
          ready.addAll(join.onEvent(event, now));
        }
      }
    } catch (RuntimeException e) {
      String problem =
          record.topic() + "-" + record.partition() + "@" + record.offset() + ": " + e.getMessage();
      LOG.warn("skipping unreadable record {}", problem);
      unreadable.incrementAndGet();
    }
  }

  private void deliver(List<AnnotatedScene> ready) throws Exception {
    counts = join.counts();
    if (!ready.isEmpty()) {
      listener.onScenes(ready);
    }
  }

  private void pace() {
    boolean scenesBehind = behind(scenePartitions);
    boolean eventsBehind = behind(eventPartitions);
    // Held while above the mark, let go below half of it.
    boolean holdEvents =
        scenesBehind
            && join.waitingEvents() > (eventsPaused ? holdEventsAbove / 2 : holdEventsAbove);
    boolean holdScenes =
        !holdEvents
            && eventsBehind
            && join.pendingScenes() > (scenesPaused ? holdScenesAbove / 2 : holdScenesAbove);
    eventsPaused = hold(eventPartitions, eventsPaused, holdEvents);
    scenesPaused = hold(scenePartitions, scenesPaused, holdScenes);
  }

  private boolean behind(List<TopicPartition> partitions) {
    return partitions.stream().anyMatch(p -> consumer.currentLag(p).orElse(0) > 0);
  }

  private boolean hold(List<TopicPartition> partitions, boolean paused, boolean wanted) {
    if (wanted && !paused) {
      consumer.pause(partitions);
    } else if (!wanted && paused) {
      consumer.resume(partitions);
    }
    return wanted;
  }

  /**
   * Stops reading; scenes still waiting for events are handed over as they are, then the feed ends.
   */
  @Override
  public void close() {
    running = false;
    if (thread.isAlive()) {
      consumer.wakeup();
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
