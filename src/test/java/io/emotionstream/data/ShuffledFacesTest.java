package io.emotionstream.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.emotionstream.avro.Emotion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShuffledFacesTest {

  /** Faces whose pixels all hold their own index. */
  private static FaceSet numberedFaces(int count) {
    FaceSet faces = new FaceSet();
    for (int i = 0; i < count; i++) {
      byte[] pixels = new byte[FaceSet.PIXELS];
      Arrays.fill(pixels, (byte) i);
      faces.add(pixels, Emotion.values()[i % 7]);
    }
    return faces;
  }

  /** The face indices of one epoch, batch by batch, checking each face's label on the way. */
  private static List<int[]> epoch(FaceSet faces, int batchSize, long seed) {
    EpochBatches batches = new ShuffledFaces(faces, Seeds.random(seed, 0));
    assertEquals(faces.size(), batches.faces());
    List<int[]> all = new ArrayList<>();
    byte[] pixels = new byte[batchSize * FaceSet.PIXELS];
    long[] labels = new long[batchSize];
    for (int count; (count = batches.fill(pixels, labels)) > 0; ) {
      int[] indices = new int[count];
      for (int k = 0; k < count; k++) {
        indices[k] = pixels[k * FaceSet.PIXELS + FaceSet.PIXELS - 1];
        assertEquals(faces.labelIndex(indices[k]), labels[k], "label of face " + indices[k]);
      }
      all.add(indices);
    }
    return all;
  }

  @Test
  void anEpochHandsOutEveryFaceOnceInBatchesWithTheirLabels() {
    List<int[]> batches = epoch(numberedFaces(10), 4, 9);

    assertEquals(List.of(4, 4, 2), batches.stream().map(b -> b.length).toList());
    int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all);
  }

  @Test
  void theOrderIsAFunctionOfTheRandomStreamAlone() {
    FaceSet faces = numberedFaces(50);
    int[] order = Seeds.permutation(50, Seeds.random(3, 2));

    assertArrayEquals(order, Seeds.permutation(50, Seeds.random(3, 2)));
    assertFalse(Arrays.equals(order, Seeds.permutation(50, Seeds.random(3, 1))));
    assertFalse(Arrays.equals(order, Seeds.permutation(50, Seeds.random(4, 2))));
    assertArrayEquals(
        Seeds.permutation(50, Seeds.random(9, 0)),
        epoch(faces, 50, 9).get(0),
        "the epoch's order is the permutation of its stream");
  }
}
