package io.emotionstream.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The last report of each window on the accuracy topic: with windows that do not overlap, they add
 * up to every labelled frame classified, each counted once.
 */
public final class LastAccuracyReports {
  private LastAccuracyReports() {}

  /**
   * Waits, while the classifier runs (a window's last changes are reported at its next advance),
   * until the last reports count as many frames as {@code events} holds labelled ones, then checks
   * them.
   */
  public static void assertCountEveryLabelledEvent(
      ConnectionSettings connection,
      TopicSerdes serdes,
      List<EmotionEvent> events,
      Duration atMost) {
    List<EmotionEvent> labelled =
        events.stream().filter(event -> event.getLabel() != null).toList();
    long correct =
        labelled.stream().filter(event -> event.getLabel() == event.getEmotion()).count();
    try (TopicWatch<AccuracyReport> reports =
        new TopicWatch<>(
            connection,
            connection.topics().accuracy(),
            serdes.keys().deserializer(),
            serdes.accuracyReports().deserializer())) {
      await()
          .atMost(atMost)
          .until(
              () ->
                  sum(lastOfEachWindow(reports.values()), AccuracyReport::getTotal)
                      >= labelled.size());
      Collection<AccuracyReport> last = lastOfEachWindow(reports.values());
      assertEquals(labelled.size(), sum(last, AccuracyReport::getTotal), "labelled frames scored");
      assertEquals(
          correct, sum(last, AccuracyReport::getCorrect), "labelled frames classified right");
    }
  }

  private static Collection<AccuracyReport> lastOfEachWindow(List<AccuracyReport> reports) {
    Map<String, AccuracyReport> last = new LinkedHashMap<>();
    reports.forEach(
        report -> last.put(report.getModelVersion() + "@" + report.getWindowStartMs(), report));
    return last.values();
  }

  private static long sum(
      Collection<AccuracyReport> reports, ToLongFunction<AccuracyReport> count) {
    return reports.stream().mapToLong(count).sum();
  }
}
