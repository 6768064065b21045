package io.emotionstream.classifier;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The confusion counts of one slice, and whether they changed since the windows holding it were
 * last reported. The flag is stored with the counts, not kept in memory, so that a change counted
 * before a crash is still reported after it.
 */
record SliceCounts(ConfusionMatrix counts, boolean unreported) {

  static SliceCounts empty() {
    return new SliceCounts(new ConfusionMatrix(), false);
  }

  SliceCounts add(int actual, int predicted) {
    return new SliceCounts(counts.copy().add(actual, predicted), true);
  }

  SliceCounts reported() {
    return new SliceCounts(counts, false);
  }

  /**
   * A flag byte, then the counts: small enough that the changelog record a commit writes is tens of
   * bytes.
   */
  static Serde<SliceCounts> serde() {
    return Serdes.serdeFrom(
        (topic, slice) -> {
          ByteBuffer buffer = ByteBuffer.allocate(1 + ConfusionMatrix.MAX_ENCODED_BYTES);
          buffer.put((byte) (slice.unreported ? 1 : 0));
          slice.counts.writeTo(buffer);
          byte[] bytes = new byte[buffer.position()];
          buffer.flip().get(bytes);
          return bytes;
        },
        (topic, bytes) -> {
          ByteBuffer buffer = ByteBuffer.wrap(bytes);
          boolean unreported = buffer.get() != 0;
          return new SliceCounts(ConfusionMatrix.readFrom(buffer), unreported);
        });
  }
}
