package io.emotionstream.classifier;

import io.emotionstream.avro.AccuracyReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolling accuracy per model version in hopping windows, reported at its own pace.
 *
 * <p>Each score is added to the counts of its advance-long slice in a changelogged, cached store: a
 * commit flushes the one or two slices that changed, where a windowed aggregate writes every window
 * a score falls in. Every advance of wall-clock time, each window holding a slice that changed
 * since the last time is reported once, so the reports keep coming while frames flow whatever their
 * timestamps. Windows close on stream time, the frames' own time, as Kafka Streams' windows do: one
 * closes when stream time reaches its end plus the grace, and its last, {@code closed} report goes
 * out then, from the record that moved stream time past it, so no frame counted later can reach it;
 * frames whose windows have all closed are not counted. Slices no open window holds are deleted.
 *
 * <p>Nothing lives only in memory: the counts, whether they have been reported, and how far windows
 * have closed are all in the stores, and under exactly-once Kafka Streams commits the stores'
 * changelogs, the reports and the input offsets in one transaction, so after a crash every score is
 * counted once and every window is closed once.
 */
final class RollingAccuracy
    implements Processor<String, ClassifierOutput.Scored, String, AccuracyReport> {
  private static final Logger LOG = LoggerFactory.getLogger(RollingAccuracy.class);
  private static final String CLOSED_THROUGH = "closed-through";

  private final AccuracyWindows windows;
  private final String slicesStoreName;
  private final String closedStoreName;
  private ProcessorContext<String, AccuracyReport> context;
  private KeyValueStore<AccuracySlice, SliceCounts> slices;

  /** One entry: the end of the latest window closed and reported as such. */
  private KeyValueStore<String, Long> closed;

  RollingAccuracy(AccuracyWindows windows, String slicesStoreName, String closedStoreName) {
    this.windows = windows;
    this.slicesStoreName = slicesStoreName;
    this.closedStoreName = closedStoreName;
  }

  @Override
  public void init(ProcessorContext<String, AccuracyReport> context) {
    this.context = context;
    this.slices = context.getStateStore(slicesStoreName);
    this.closed = context.getStateStore(closedStoreName);
    context.schedule(
        windows.advance(), PunctuationType.WALL_CLOCK_TIME, now -> reportChangedWindows());
  }

  @Override
  public void process(Record<String, ClassifierOutput.Scored> record) {
    closeWindows(Math.max(context.currentStreamTimeMs(), record.timestamp()));
    long slice = windows.sliceOf(record.timestamp());
    if (windows.lastEndHolding(slice) <= closedThrough()) {
      LOG.debug(
          "a score of model version {} at {} came after all its windows closed; not counted",
          record.key(),
          record.timestamp());
      return;
    }
    AccuracySlice key = new AccuracySlice(Long.parseLong(record.key()), slice);
    SliceCounts counts = slices.get(key);
    ClassifierOutput.Scored score = record.value();
    slices.put(
        key,
        (counts == null ? SliceCounts.empty() : counts).add(score.actual(), score.predicted()));
  }

  /**
   * Gives every window stream time has closed since the last call its closed report, then forgets
   * it.
   */
  private void closeWindows(long streamTimeMs) {
    long closing = windows.closedThrough(streamTimeMs);
    long closedBefore = closedThrough();
    if (closing <= closedBefore) {
      return;
    }
    slicesByVersion()
        .forEach(
            (version, counts) -> {
              TreeSet<Long> starts = new TreeSet<>();
              counts
                  .keySet()
                  .forEach(
                      slice ->
                          windows
                              .startsHolding(slice)
                              .filter(
                                  start ->
                                      start + windows.sizeMs() > closedBefore
                                          && start + windows.sizeMs() <= closing)
                              .forEach(starts::add));
              starts.forEach(start -> report(version, start, counts, true, streamTimeMs));
              counts.keySet().stream()
                  .filter(slice -> windows.lastEndHolding(slice) <= closing)
                  .forEach(slice -> slices.delete(new AccuracySlice(version, slice)));
            });
    closed.put(CLOSED_THROUGH, closing);
  }

  /** Reports, once each, the open windows holding a slice that changed since the last call. */
  private void reportChangedWindows() {
    long closedThrough = closedThrough();
    long streamTimeMs = context.currentStreamTimeMs();
    slicesByVersion()
        .forEach(
            (version, counts) -> {
              TreeSet<Long> starts = new TreeSet<>();
              counts.forEach(
                  (slice, sliceCounts) -> {
                    if (sliceCounts.unreported()) {
                      windows
                          .startsHolding(slice)
                          .filter(start -> start + windows.sizeMs() > closedThrough)
                          .forEach(starts::add);
                    }
                  });
              starts.forEach(start -> report(version, start, counts, false, streamTimeMs));
              counts.forEach(
                  (slice, sliceCounts) -> {
                    if (sliceCounts.unreported()) {
                      slices.put(new AccuracySlice(version, slice), sliceCounts.reported());
                    }
                  });
            });
  }

  private void report(
      long version,
      long start,
      NavigableMap<Long, SliceCounts> counts,
      boolean closed,
      long streamTimeMs) {
    long end = start + windows.sizeMs();
    ConfusionMatrix matrix = new ConfusionMatrix();
    counts.subMap(start, true, end, false).values().forEach(slice -> matrix.addAll(slice.counts()));
    // The record's time is the frames' time it speaks for: stream time, within the window.
    long timestamp = Math.min(end - 1, Math.max(start, streamTimeMs));
    context.forward(
        new Record<>(
            String.valueOf(version), matrix.toReport(version, start, end, closed), timestamp));
  }

  /**
   * Every stored slice, by model version then start; a few per version, read whole once per
   * advance.
   */
  private Map<Long, NavigableMap<Long, SliceCounts>> slicesByVersion() {
    Map<Long, NavigableMap<Long, SliceCounts>> byVersion = new TreeMap<>();
    List<KeyValue<AccuracySlice, SliceCounts>> all = new ArrayList<>();
    try (KeyValueIterator<AccuracySlice, SliceCounts> iterator = slices.all()) {
      iterator.forEachRemaining(all::add);
    }
    for (KeyValue<AccuracySlice, SliceCounts> entry : all) {
      byVersion
          .computeIfAbsent(entry.key.modelVersion(), v -> new TreeMap<>())
          .put(entry.key.start(), entry.value);
    }
    return byVersion;
  }

  private long closedThrough() {
    Long value = closed.get(CLOSED_THROUGH);
    return value == null ? Long.MIN_VALUE : value;
  }
}
