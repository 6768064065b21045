package io.emotionstream.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Hands out a {@link FaceSet} in shuffled mini-batches, epoch after epoch. The order of an epoch is
 * a function of (seed, epoch), so a run can be repeated, or resumed at any epoch, exactly.
 */
public final class ShuffledBatches {
  private final FaceSet faces;
  private final int batchSize;
  private final long seed;
  private final boolean dropLast;

  /**
   * @param dropLast leave out a last batch smaller than {@code batchSize} (as PyTorch's DataLoader
   *     drop_last), so batch statistics never come from a handful of faces
   */
  public ShuffledBatches(FaceSet faces, int batchSize, long seed, boolean dropLast) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.faces = faces;
    this.batchSize = batchSize;
    this.seed = seed;
    this.dropLast = dropLast;
  }

  public int batchesPerEpoch() {
    return dropLast ? faces.size() / batchSize : (faces.size() + batchSize - 1) / batchSize;
  }

  /** The permutation of face indices used in {@code epoch} (0-based). */
  public int[] order(int epoch) {
    int[] order = new int[faces.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = Seeds.random(seed, epoch);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  /** The batches of {@code epoch}, each with freshly allocated arrays. */
  public Iterator<FaceBatch> epoch(int epoch) {
    int[] order = order(epoch);
    int batches = batchesPerEpoch();
    return new Iterator<>() {
      private int batch;

      @Override
      public boolean hasNext() {
        return batch < batches;
      }

      @Override
      public FaceBatch next() {
        if (!hasNext()) {
          throw new NoSuchElementException("epoch " + epoch + " has " + batches + " batches");
        }
        int start = batch * batchSize;
        int size = Math.min(batchSize, order.length - start);
        int[] indices = new int[size];
        byte[] pixels = new byte[size * FaceSet.PIXELS];
        int[] labels = new int[size];
        for (int k = 0; k < size; k++) {
          int index = order[start + k];
          indices[k] = index;
          faces.copyPixels(index, pixels, k * FaceSet.PIXELS);
          labels[k] = faces.labelIndex(index);
        }
        batch++;
        return new FaceBatch(indices, pixels, labels);
      }
    };
  }
}
