package io.emotionstream.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka client's configuration, built over the user's client config file. The user's file wins
 * for tuning: a value of ours given with {@link #orDefault} applies only where the file does not
 * set the key. Where correctness needs our value ({@link #require}: a processing guarantee,
 * read_committed, idempotence, a transactional id), ours is kept and a different value in the file
 * is reported, in {@link #overridden()} and once per process in the log at WARN.
 */
public final class ClientConfig {
  private static final Logger LOG = LoggerFactory.getLogger(ClientConfig.class);

  /** Kafka Streams passes a setting given without its client prefix to every client it builds. */
  private static final List<String> STREAMS_CLIENT_PREFIXES =
      List.of(
          "main.consumer.",
          "restore.consumer.",
          "global.consumer.",
          "consumer.",
          "producer.",
          "admin.");

  private static final Set<Overridden> REPORTED = ConcurrentHashMap.newKeySet();

  /** A value of the user's file that ours replaced, and why ours is needed. */
  public record Overridden(String key, String users, String ours, String why) {
    public String describe() {
      return key
          + "="
          + users
          + " in the client config is replaced by "
          + key
          + "="
          + ours
          + ": "
          + why;
    }
  }

  private final Map<String, String> users;
  private final Map<String, Object> config;
  private final List<Overridden> overridden = new ArrayList<>();

  private ClientConfig(ConnectionSettings connection) {
    this.users = connection.clientProperties();
    this.config = connection.clientConfig();
  }

  /** The user's file and the bootstrap servers, before any value of ours. */
  public static ClientConfig of(ConnectionSettings connection) {
    return new ClientConfig(connection);
  }

  /**
   * Our value for {@code key}, unless the user's file sets it. A Streams client's key ({@code
   * consumer.session.timeout.ms}) counts as set also when the file sets it without the prefix.
   */
  public ClientConfig orDefault(String key, Object value) {
    if (!users.containsKey(key) && !users.containsKey(unprefixed(key))) {
      config.put(key, value);
    }
    return this;
  }

  /** {@link #orDefault} for each entry. */
  public ClientConfig orDefaults(Map<String, ?> values) {
    values.forEach(this::orDefault);
    return this;
  }

  /**
   * Our value for {@code key}, whatever the user's file says; {@code why} tells the user what needs
   * it.
   */
  public ClientConfig require(String key, Object value, String why) {
    String theirs = users.get(key);
    if (theirs != null && !theirs.trim().equalsIgnoreCase(String.valueOf(value))) {
      Overridden replaced = new Overridden(key, theirs, String.valueOf(value), why);
      overridden.add(replaced);
      if (REPORTED.add(replaced)) {
        LOG.warn("{}", replaced.describe());
      }
    }
    config.put(key, value);
    return this;
  }

  /** The values of the user's file that ours replaced. */
  public List<Overridden> overridden() {
    return List.copyOf(overridden);
  }

  public Map<String, Object> values() {
    return new HashMap<>(config);
  }

  private static String unprefixed(String key) {
    return STREAMS_CLIENT_PREFIXES.stream()
        .filter(key::startsWith)
        .findFirst()
        .map(prefix -> key.substring(prefix.length()))
        .orElse(key);
  }
}
