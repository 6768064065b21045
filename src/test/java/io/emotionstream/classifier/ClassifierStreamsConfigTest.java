package io.emotionstream.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.kafka.ClientConfig;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * What each processing guarantee asks of Kafka Streams, and what the user's client config may
 * change.
 */
class ClassifierStreamsConfigTest {
  private static final ConnectionSettings CONNECTION =
      ConnectionSettings.of("localhost:9092", "http://localhost:8081");

  @Test
  void exactlyOnceIsTheDefaultAndCommitsEveryTenMillisecondsSinceEventsAreReadableOnlyAtACommit() {
    Map<String, Object> config =
        ClassifierService.streamsConfig(CONNECTION, ClassifierSettings.defaults()).values();

    assertEquals(
        StreamsConfig.EXACTLY_ONCE_V2, config.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals(10L, config.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
  }

  @Test
  void atLeastOnceCommitsEverySecondSinceEventsAreReadableAtOnce() {
    Map<String, Object> config =
        ClassifierService.streamsConfig(
                CONNECTION,
                ClassifierSettings.defaults()
                    .withProcessingGuarantee(ProcessingGuarantee.AT_LEAST_ONCE))
            .values();

    assertEquals(
        StreamsConfig.AT_LEAST_ONCE, config.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals(1_000L, config.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
  }

  @Test
  void aCommitIntervalChosenAfterTheGuaranteeWins() {
    Map<String, Object> config =
        ClassifierService.streamsConfig(
                CONNECTION,
                ClassifierSettings.defaults()
                    .withProcessingGuarantee(ProcessingGuarantee.AT_LEAST_ONCE)
                    .withCommitInterval(Duration.ofMillis(250)))
            .values();

    assertEquals(
        StreamsConfig.AT_LEAST_ONCE, config.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals(250L, config.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
  }

  @Test
  void theUsersClientConfigTunesTheStreamsClients() {
    ClientConfig built =
        ClassifierService.streamsConfig(
            withClientConfig(
                Map.of(
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                    "30000",
                    StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
                    "20",
                    StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG,
                    "0")),
            ClassifierSettings.defaults());

    StreamsConfig streams = new StreamsConfig(built.values());
    assertEquals(
        "30000",
        String.valueOf(
            streams
                .getMainConsumerConfigs("group", "client", 0)
                .get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
    assertEquals(
        "20",
        String.valueOf(streams.getProducerConfigs("client").get(ProducerConfig.LINGER_MS_CONFIG)));
    assertEquals(0L, streams.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG));
    assertEquals(List.of(), built.overridden());
  }

  @Test
  void theProcessingGuaranteeStaysOursAndTheOverrideIsReported() {
    ClientConfig built =
        ClassifierService.streamsConfig(
            withClientConfig(
                Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE)),
            ClassifierSettings.defaults());

    assertEquals(
        StreamsConfig.EXACTLY_ONCE_V2,
        built.values().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals(1, built.overridden().size(), built.overridden().toString());
    ClientConfig.Overridden overridden = built.overridden().get(0);
    assertEquals(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, overridden.key());
    assertEquals(StreamsConfig.AT_LEAST_ONCE, overridden.users());
    assertEquals(StreamsConfig.EXACTLY_ONCE_V2, overridden.ours());
  }

  private static ConnectionSettings withClientConfig(Map<String, String> file) {
    return new ConnectionSettings(
        CONNECTION.bootstrapServers(), CONNECTION.registryUrl(), file, Topics.standard());
  }
}
