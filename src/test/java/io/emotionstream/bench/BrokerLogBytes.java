package io.emotionstream.bench;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.Topics;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * The size of every partition's log on the brokers, summed per topic, every topic included
 * (changelogs, repartition topics, {@code __consumer_offsets}, {@code __transaction_state}): two
 * snapshots around a pass give what the pass wrote, as long as no segment is cleaned or deleted in
 * between (segments of 1 GB by default: none fills in a bench pass).
 */
final class BrokerLogBytes {
  static final String METHOD =
      "the growth of every partition's log on the broker (Admin.describeLogDirs: all topics, "
          + "frames, events, changelogs, repartition, __consumer_offsets, __transaction_state) over the measured pass, "
          + "divided by the frames classified in it";

  private final Map<String, Long> bytesByTopic;

  private BrokerLogBytes(Map<String, Long> bytesByTopic) {
    this.bytesByTopic = bytesByTopic;
  }

  static BrokerLogBytes snapshot(ConnectionSettings connection) {
    try (Admin admin = Admin.create(connection.clientConfig())) {
      Map<String, Long> bytes = new HashMap<>();
      for (Node broker : admin.describeCluster().nodes().get()) {
        for (LogDirDescription dir :
            admin
                .describeLogDirs(java.util.List.of(broker.id()))
                .allDescriptions()
                .get()
                .get(broker.id())
                .values()) {
          for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
            bytes.merge(replica.getKey().topic(), replica.getValue().size(), Long::sum);
          }
        }
      }
      return new BrokerLogBytes(bytes);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe the broker's log directories", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What was written since {@code before}, per classified frame, in all and per kind of topic. */
  PerFrame since(BrokerLogBytes before, long frames, Topics topics) {
    Map<String, Long> byKind = new LinkedHashMap<>();
    for (String kind :
        new String[] {
          "frames",
          "events",
          "changelogs",
          "repartition",
          "accuracy",
          "__consumer_offsets",
          "__transaction_state",
          "other"
        }) {
      byKind.put(kind, 0L);
    }
    for (Map.Entry<String, Long> topic : bytesByTopic.entrySet()) {
      long written = topic.getValue() - before.bytesByTopic.getOrDefault(topic.getKey(), 0L);
      byKind.merge(kind(topic.getKey(), topics), written, Long::sum);
    }
    long total = byKind.values().stream().mapToLong(Long::longValue).sum();
    return new PerFrame(total / (double) frames, byKind, frames);
  }

  private static String kind(String topic, Topics topics) {
    if (topic.equals(topics.frames())) {
      return "frames";
    } else if (topic.equals(topics.events())) {
      return "events";
    } else if (topic.equals(topics.accuracy())) {
      return "accuracy";
    } else if (topic.endsWith("-changelog")) {
      return "changelogs";
    } else if (topic.endsWith("-repartition")) {
      return "repartition";
    } else if (topic.equals("__consumer_offsets") || topic.equals("__transaction_state")) {
      return topic;
    }
    return "other";
  }

  record PerFrame(double bytes, Map<String, Long> byKind, long frames) {
    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(String.format("%,.0f bytes per frame (", bytes));
      String separator = "";
      for (Map.Entry<String, Long> kind : byKind.entrySet()) {
        if (kind.getValue() != 0) {
          text.append(separator)
              .append(String.format("%s %,.0f", kind.getKey(), kind.getValue() / (double) frames));
          separator = ", ";
        }
      }
      return text.append(")").toString();
    }
  }
}
