package io.emotionstream.classifier;

import io.emotionstream.avro.Emotion;
import io.emotionstream.data.FaceSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A checked, resized frame waiting in the state store for its micro-batch. Kept in the store (not only
 * in memory) so that a crash mid-batch loses nothing: the store's changelog is committed atomically
 * with the input offsets under exactly-once.
 */
record PendingFrame(String key, String frameId, String sourceId, long captureTimeMs, long timestamp,
    Emotion label, byte[] face) {

  byte[] encode() {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    byte[] frameIdBytes = frameId.getBytes(StandardCharsets.UTF_8);
    byte[] sourceBytes = sourceId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(8 + 8 + 1 + 12 + keyBytes.length + frameIdBytes.length
        + sourceBytes.length + FaceSet.PIXELS);
    buffer.putLong(captureTimeMs).putLong(timestamp).put((byte) (label == null ? -1 : label.ordinal()));
    buffer.putInt(keyBytes.length).put(keyBytes);
    buffer.putInt(frameIdBytes.length).put(frameIdBytes);
    buffer.putInt(sourceBytes.length).put(sourceBytes);
    buffer.put(face);
    return buffer.array();
  }

  static PendingFrame decode(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long capture = buffer.getLong();
    long timestamp = buffer.getLong();
    byte label = buffer.get();
    String key = string(buffer);
    String frameId = string(buffer);
    String sourceId = string(buffer);
    byte[] face = new byte[FaceSet.PIXELS];
    buffer.get(face);
    return new PendingFrame(key, frameId, sourceId, capture, timestamp,
        label < 0 ? null : Emotion.values()[label], face);
  }

  private static String string(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.getInt()];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
