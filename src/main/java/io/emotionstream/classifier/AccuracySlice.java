package io.emotionstream.classifier;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One model version's scores over one advance-long slice of time: the key of the rolling-accuracy
 * store. Serialized as two big-endian longs, so the store's byte order is version, then time.
 */
record AccuracySlice(long modelVersion, long start) {

  static Serde<AccuracySlice> serde() {
    return Serdes.serdeFrom(
        (topic, slice) ->
            ByteBuffer.allocate(2 * Long.BYTES)
                .putLong(slice.modelVersion)
                .putLong(slice.start)
                .array(),
        (topic, bytes) -> {
          ByteBuffer buffer = ByteBuffer.wrap(bytes);
          return new AccuracySlice(buffer.getLong(), buffer.getLong());
        });
  }
}
