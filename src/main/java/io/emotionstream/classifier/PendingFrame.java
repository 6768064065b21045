package io.emotionstream.classifier;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.FaceBox;
import io.emotionstream.avro.SceneFace;
import io.emotionstream.data.FaceSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A checked, resized frame waiting in the state store for its micro-batch. Kept in the store (not only
 * in memory) so that a crash mid-batch loses nothing: the store's changelog is committed atomically
 * with the input offsets under exactly-once.
 *
 * <p>The scene position of a face found in video, when there is one, follows the face bytes: entries
 * stored before it existed end with the face and read back with none.
 */
record PendingFrame(String key, String frameId, String sourceId, long captureTimeMs, long timestamp,
    Emotion label, byte[] face, SceneFace scene) {
  private static final int SCENE_BYTES = 8 + 8 + 4 * 4 + 4 * 4;

  byte[] encode() {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    byte[] frameIdBytes = frameId.getBytes(StandardCharsets.UTF_8);
    byte[] sourceBytes = sourceId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(8 + 8 + 1 + 12 + keyBytes.length + frameIdBytes.length
        + sourceBytes.length + FaceSet.PIXELS + (scene == null ? 0 : SCENE_BYTES));
    buffer.putLong(captureTimeMs).putLong(timestamp).put((byte) (label == null ? -1 : label.ordinal()));
    buffer.putInt(keyBytes.length).put(keyBytes);
    buffer.putInt(frameIdBytes.length).put(frameIdBytes);
    buffer.putInt(sourceBytes.length).put(sourceBytes);
    buffer.put(face);
    if (scene != null) {
      FaceBox box = scene.getBox();
      buffer.putLong(scene.getSceneIndex()).putLong(scene.getSceneTimeMs())
          .putInt(scene.getSceneWidth()).putInt(scene.getSceneHeight())
          .putInt(scene.getFaceIndex()).putInt(scene.getFaceCount())
          .putInt(box.getX()).putInt(box.getY()).putInt(box.getWidth()).putInt(box.getHeight());
    }
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
    SceneFace scene = buffer.hasRemaining() ? scene(buffer) : null;
    return new PendingFrame(key, frameId, sourceId, capture, timestamp,
        label < 0 ? null : Emotion.values()[label], face, scene);
  }

  private static SceneFace scene(ByteBuffer buffer) {
    return SceneFace.newBuilder()
        .setSceneIndex(buffer.getLong()).setSceneTimeMs(buffer.getLong())
        .setSceneWidth(buffer.getInt()).setSceneHeight(buffer.getInt())
        .setFaceIndex(buffer.getInt()).setFaceCount(buffer.getInt())
        .setBox(new FaceBox(buffer.getInt(), buffer.getInt(), buffer.getInt(), buffer.getInt()))
        .build();
  }

  private static String string(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.getInt()];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
