package io.emotionstream.classifier;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Which input offsets of a task's frames partition were taken but are not classified yet: all that
 * a restart needs to classify them, since the frames themselves stay in the partition. Kept in a
 * changelogged store whose changelog is written in the same transaction as the input offsets under
 * exactly-once, so after a crash the range and the committed position agree: the frames from {@code
 * first} up to {@code end} are read again, the rest is consumed as usual.
 *
 * <p>One small record per task, cached: a commit flushes at most one change however many frames
 * went by, where storing the frames themselves wrote every frame still waiting at a commit.
 */
final class UnclassifiedOffsets {
  private static final String KEY = "unclassified";

  /**
   * @param first the oldest frame not yet classified
   * @param end one past the last frame taken; frames in between that were dead-lettered are not
   *     pending
   */
  record Range(long first, long end) {}

  private final KeyValueStore<String, byte[]> store;

  /** What the store holds, to skip writes that change nothing; null if it holds nothing. */
  private Range written;

  UnclassifiedOffsets(KeyValueStore<String, byte[]> store) {
    this.store = store;
    byte[] value = store.get(KEY);
    if (value != null) {
      ByteBuffer buffer = ByteBuffer.wrap(value);
      written = new Range(buffer.getLong(), buffer.getLong());
    }
  }

  /** The range left by the task's last owner, if it stopped with frames unclassified. */
  Optional<Range> left() {
    return Optional.ofNullable(written);
  }

  void remember(long first, long end) {
    Range range = new Range(first, end);
    if (!range.equals(written)) {
      store.put(KEY, ByteBuffer.allocate(16).putLong(first).putLong(end).array());
      written = range;
    }
  }

  void forget() {
    if (written != null) {
      store.delete(KEY);
      written = null;
    }
  }
}
