package io.emotionstream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which value a client gets: the user's file for tuning, ours where correctness needs it. */
class ClientConfigTest {
  @Test
  void aDefaultAppliesOnlyWhereTheUsersFileIsSilent() {
    Map<String, Object> values =
        config(Map.of("linger.ms", "20"))
            .orDefault("linger.ms", 1)
            .orDefault("batch.size", 65536)
            .values();

    assertEquals("20", values.get("linger.ms"));
    assertEquals(65536, values.get("batch.size"));
  }

  @Test
  void aStreamsClientsDefaultYieldsToTheSameKeyWithoutItsPrefix() {
    Map<String, Object> values =
        config(Map.of("session.timeout.ms", "30000"))
            .orDefault("consumer.session.timeout.ms", 10_000)
            .values();

    assertEquals("30000", values.get("session.timeout.ms"));
    assertEquals(null, values.get("consumer.session.timeout.ms"));
  }

  @Test
  void aRequiredValueIsKeptAndTheFilesOtherValueReported() {
    ClientConfig config =
        config(Map.of("isolation.level", "read_uncommitted", "acks", "all"))
            .require("isolation.level", "read_committed", "transactions")
            .require("acks", "all", "durability");

    assertEquals("read_committed", config.values().get("isolation.level"));
    assertEquals(
        List.of(
            new ClientConfig.Overridden(
                "isolation.level", "read_uncommitted", "read_committed", "transactions")),
        config.overridden());
  }

  private static ClientConfig config(Map<String, String> file) {
    return ClientConfig.of(
        new ConnectionSettings("localhost:9092", "http://localhost:8081", file, Topics.standard()));
  }
}
