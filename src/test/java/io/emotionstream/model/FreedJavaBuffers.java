package io.emotionstream.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What can happen to memory between a training step's forward and backward passes: a garbage
 * collection frees the direct buffers of arrays already closed, and new allocations of their size
 * take the memory over (here, filled with NaN). A graph that still reads such a buffer gets NaN.
 */
final class FreedJavaBuffers {
  private FreedJavaBuffers() {}

  static void overwrite() {
    System.gc();
    List<ByteBuffer> taken = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(Float.BYTES).order(ByteOrder.nativeOrder());
      buffer.putFloat(0, Float.NaN);
      taken.add(buffer);
    }
  }
}
