package io.emotionstream.data;

/** The training faces of one epoch, handed out in mini-batches in a shuffled order. */
public interface EpochBatches {

  /**
   * Fills the next batch: up to {@code labels.length} faces, their pixels packed in {@code pixels}.
   *
   * @return how many faces were filled; 0 once the epoch is exhausted
   */
  int fill(byte[] pixels, long[] labels);

  /**
   * Faces this epoch holds; where they are streamed and not yet counted, those of the pass before.
   */
  int faces();
}
