package io.emotionstream.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.kafka.ConnectionSettings;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** What each processing guarantee asks of Kafka Streams. */
class ClassifierStreamsConfigTest {
  private static final ConnectionSettings CONNECTION = ConnectionSettings.of("localhost:9092", "http://localhost:8081");

  @Test
  void exactlyOnceIsTheDefaultAndCommitsEveryTenMillisecondsSinceEventsAreReadableOnlyAtACommit() {
    Properties config = ClassifierService.streamsConfig(CONNECTION, ClassifierSettings.defaults());

    assertEquals(StreamsConfig.EXACTLY_ONCE_V2, config.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals(10L, config.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
  }

  @Test
  void atLeastOnceCommitsEverySecondSinceEventsAreReadableAtOnce() {
    Properties config = ClassifierService.streamsConfig(CONNECTION,
        ClassifierSettings.defaults().withProcessingGuarantee(ProcessingGuarantee.AT_LEAST_ONCE));

    assertEquals(StreamsConfig.AT_LEAST_ONCE, config.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals(1_000L, config.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
  }

  @Test
  void aCommitIntervalChosenAfterTheGuaranteeWins() {
    Properties config = ClassifierService.streamsConfig(CONNECTION, ClassifierSettings.defaults()
        .withProcessingGuarantee(ProcessingGuarantee.AT_LEAST_ONCE).withCommitInterval(Duration.ofMillis(250)));

    assertEquals(StreamsConfig.AT_LEAST_ONCE, config.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals(250L, config.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
  }
}
