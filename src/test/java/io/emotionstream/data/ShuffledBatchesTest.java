package io.emotionstream.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.emotionstream.avro.Emotion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShuffledBatchesTest {

  private static FaceSet numberedFaces(int count) {
    FaceSet faces = new FaceSet();
    for (int i = 0; i < count; i++) {
      byte[] pixels = new byte[FaceSet.PIXELS];
      Arrays.fill(pixels, (byte) i);
      faces.add(pixels, Emotion.values()[i % 7]);
    }
    return faces;
  }

  private static List<FaceBatch> all(Iterator<FaceBatch> batches) {
    List<FaceBatch> list = new ArrayList<>();
    batches.forEachRemaining(list::add);
    return list;
  }

  @Test
  void visitsEveryFaceOncePerEpochWithItsPixelsAndLabel() {
    FaceSet faces = numberedFaces(10);
    List<FaceBatch> batches = all(new ShuffledBatches(faces, 4, 9, false).epoch(0));

    assertEquals(List.of(4, 4, 2), batches.stream().map(FaceBatch::size).toList());
    boolean[] seen = new boolean[10];
    for (FaceBatch batch : batches) {
      for (int k = 0; k < batch.size(); k++) {
        int index = batch.indices()[k];
        assertFalse(seen[index], "face " + index + " twice");
        seen[index] = true;
        assertEquals(faces.labelIndex(index), batch.labels()[k]);
        assertEquals(index, batch.pixels()[k * FaceSet.PIXELS + FaceSet.PIXELS - 1]);
      }
    }
  }

  @Test
  void orderDependsOnSeedAndEpochOnly() {
    FaceSet faces = numberedFaces(50);
    ShuffledBatches batches = new ShuffledBatches(faces, 8, 3, false);

    assertArrayEquals(batches.order(2), new ShuffledBatches(faces, 8, 3, false).order(2));
    assertFalse(Arrays.equals(batches.order(1), batches.order(2)));
    assertFalse(Arrays.equals(batches.order(1), new ShuffledBatches(faces, 8, 4, false).order(1)));
  }

  @Test
  void dropsTheShortLastBatchWhenAsked() {
    ShuffledBatches batches = new ShuffledBatches(numberedFaces(10), 4, 1, true);

    assertEquals(2, batches.batchesPerEpoch());
    assertEquals(List.of(4, 4), all(batches.epoch(0)).stream().map(FaceBatch::size).toList());
  }
}
