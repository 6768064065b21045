package io.emotionstream.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pending frames restored from a changelog written by an earlier version must keep their keys' order. */
class FrameBatcherStoreKeyTest {

  @Test
  void keysAreTheOffsetZeroPaddedTo19DigitsAsBefore() {
    Random random = new Random(5);
    long[] offsets = {0, 7, 10, 999_999, 1L << 40, Long.MAX_VALUE};
    for (long offset : offsets) {
      assertEquals(String.format("%019d", offset), FrameBatcher.storeKey(offset));
    }
    for (int i = 0; i < 1_000; i++) {
      long offset = random.nextLong() & Long.MAX_VALUE >>> random.nextInt(63);
      assertEquals(String.format("%019d", offset), FrameBatcher.storeKey(offset));
    }
  }
}
