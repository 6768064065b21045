package io.emotionstream.producer;

import io.emotionstream.avro.TrainingExample;
import io.emotionstream.data.CsvRow;
import io.emotionstream.data.Fer2013Reader;
import io.emotionstream.data.Fer2013Row;
import io.emotionstream.data.RejectedRow;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.DeadLetterPublisher;
import io.emotionstream.kafka.DeadLetters;
import io.emotionstream.kafka.TopicSerdes;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Streams the rows of a FER2013 CSV into the training topic; malformed rows become dead letters.
 */
public final class TrainingProducer implements AutoCloseable {
  static final String STAGE = "produce-training";

  private final KafkaProducer<String, TrainingExample> producer;
  private final DeadLetterPublisher deadLetters;
  private final String topic;

  public TrainingProducer(ConnectionSettings settings, TopicSerdes serdes) {
    this.topic = settings.topics().training();
    this.producer =
        new KafkaProducer<>(
            ProducerTuning.bulk(settings).values(),
            serdes.keys().serializer(),
            serdes.trainingExamples().serializer());
    this.deadLetters = new DeadLetterPublisher(settings, serdes);
  }

  /**
   * Sends every valid row, keyed {@code <file>:<line>} so a row sent twice keeps one identity.
   *
   * @param progress told the number of rows read so far, after each row
   */
  public ProduceSummary send(Fer2013Reader reader, RatePacer pacer, LongConsumer progress) {
    String file = Path.of(reader.source()).getFileName().toString();
    KafkaSink<TrainingExample> sink = new KafkaSink<>(producer, topic);
    long read = 0;
    try (ReadAhead<CsvRow> rows = new ReadAhead<>(reader, 4096, "csv-reader")) {
      while (rows.hasNext()) {
        CsvRow row = rows.next();
        pacer.awaitNext();
        sendRow(row, file, sink);
        progress.accept(++read);
      }
    }
    deadLetters.flush();
    return sink.finish();
  }

  private void sendRow(CsvRow row, String file, KafkaSink<TrainingExample> sink) {
    if (row instanceof Fer2013Row valid) {
      String id = file + ":" + valid.lineNumber();
      sink.send(
          id,
          TrainingExample.newBuilder()
              .setExampleId(id)
              .setLabel(valid.label())
              .setPixels(ByteBuffer.wrap(valid.pixels()))
              .setUsage(valid.usage())
              .setOrigin(id)
              .build());
    } else if (row instanceof RejectedRow rejected) {
      String location = file + ":" + rejected.lineNumber();
      deadLetters.publish(
          location, DeadLetters.fromInput(STAGE, rejected.reason(), location, rejected.rawLine()));
      sink.countRejected();
    }
  }

  @Override
  public void close() {
    producer.close();
    deadLetters.close();
  }
}
