package io.emotionstream.data;

/**
 * One mini-batch: the chosen faces' indices into their {@link FaceSet}, their pixels back to back
 * ({@code size() * 2304} unsigned bytes, row-major per face) and their labels as class indices.
 * Normalisation is the model's business; the bytes are as stored.
 */
public record FaceBatch(int[] indices, byte[] pixels, int[] labels) {

  public int size() {
    return indices.length;
  }
}
