package io.emotionstream.classifier;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.kafka.DeadLetters;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;

/** An input record a processor cannot use: logged where it sits, and its dead letter made. */
final class RefusedRecords {
  private RefusedRecords() {}

  static ClassifierOutput.Refused refuse(
      Logger log,
      String stage,
      RecordMetadata origin,
      String key,
      byte[] value,
      String reason,
      Throwable cause) {
    log.warn(
        "dead letter: {} partition {} offset {}: {}",
        origin.topic(),
        origin.partition(),
        origin.offset(),
        reason);
    DeadLetter letter =
        DeadLetters.fromRecord(
            stage,
            reason,
            cause,
            origin.topic(),
            origin.partition(),
            origin.offset(),
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            value);
    return new ClassifierOutput.Refused(letter);
  }
}
