package io.emotionstream.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

  @Test
  void handsOverEveryItemInOrderAcrossBatchBoundaries() {
    for (int count : new int[] {0, 1, 63, 64, 65, 1000}) {
      List<Integer> source = IntStream.range(0, count).boxed().toList();
      List<Integer> seen = new ArrayList<>();
      try (ReadAhead<Integer> ahead = new ReadAhead<>(source.iterator(), 256, "test-reader")) {
        ahead.forEachRemaining(seen::add);
        assertFalse(ahead.hasNext());
      }
      assertEquals(source, seen, count + " items");
    }
  }

  @Test
  void rethrowsWhatTheSourceThrowsAfterTheItemsBeforeIt() {
    Iterator<Integer> failing =
        new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Integer next() {
            if (next == 100) {
              throw new IllegalStateException("disk gone");
            }
            return next++;
          }
        };
    List<Integer> seen = new ArrayList<>();
    try (ReadAhead<Integer> ahead = new ReadAhead<>(failing, 256, "test-reader")) {
      IllegalStateException thrown =
          assertThrows(IllegalStateException.class, () -> ahead.forEachRemaining(seen::add));
      assertEquals("disk gone", thrown.getMessage());
    }
    assertEquals(IntStream.range(0, 100).boxed().toList(), seen);
  }
}
