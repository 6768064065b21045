package io.emotionstream.model;

import io.emotionstream.avro.Emotion;
import io.emotionstream.data.FaceSet;
import java.util.Random;

/** A tiny, easily learnable face set: each class is a bright bar at its own place over noise. */
final class LearnableFaces {
  private LearnableFaces() {}

  static FaceSet generate(int perClass, long seed) {
    Random random = new Random(seed);
    FaceSet faces = new FaceSet(perClass * Emotion.values().length);
    for (int i = 0; i < perClass; i++) {
      for (Emotion emotion : Emotion.values()) {
        faces.add(face(emotion.ordinal(), random), emotion);
      }
    }
    return faces;
  }

  private static byte[] face(int label, Random random) {
    byte[] pixels = new byte[FaceSet.PIXELS];
    int top = 3 + label * 6 + random.nextInt(3) - 1;
    for (int y = 0; y < FaceSet.SIDE; y++) {
      for (int x = 0; x < FaceSet.SIDE; x++) {
        boolean bar = y >= top && y < top + 4 && x >= 8 && x < 40;
        int value = (bar ? 200 : 40) + random.nextInt(50);
        pixels[y * FaceSet.SIDE + x] = (byte) value;
      }
    }
    return pixels;
  }
}
