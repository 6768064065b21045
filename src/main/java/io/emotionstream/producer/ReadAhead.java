package io.emotionstream.producer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Iterates another iterator on a thread of its own, a bounded number of items ahead, so that
 * parsing input (a CSV row costs about as much as sending it) overlaps with sending on a second
 * core. Whatever the source throws is rethrown to the consumer, after the items read before it.
 *
 * <p>Items cross between the threads in batches: handing over single items would make one thread
 * wait for the other, and wake it, for nearly every item, which on two cores costs more than the
 * work itself.
 */
final class ReadAhead<T> implements Iterator<T>, AutoCloseable {
  private static final int BATCH = 64;

  private final BlockingQueue<Batch> queue;
  private final Thread reader;
  private Batch current = new Batch(List.of(), null, false);
  private int position;

  /** Items in order; then, in the last batch, the end of input or what the source threw. */
  private record Batch(List<Object> items, Throwable failure, boolean last) {}

  /**
   * @param capacity how many items may wait, at most
   */
  ReadAhead(Iterator<T> source, int capacity, String name) {
    this.queue = new ArrayBlockingQueue<>(Math.max(1, capacity / BATCH));
    this.reader = new Thread(() -> readInto(source), name);
    reader.setDaemon(true);
    reader.start();
  }

  private void readInto(Iterator<T> source) {
    List<Object> items = new ArrayList<>(BATCH);
    try {
      try {
        while (source.hasNext()) {
          items.add(source.next());
          if (items.size() == BATCH) {
            queue.put(new Batch(items, null, false));
            items = new ArrayList<>(BATCH);
          }
        }
        queue.put(new Batch(items, null, true));
      } catch (RuntimeException | Error e) {
        queue.put(new Batch(items, e, true));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean hasNext() {
    while (position == current.items().size()) {
      if (current.last()) {
        Throwable failure = current.failure();
        if (failure == null) {
          return false;
        }
        current = new Batch(List.of(), null, true);
        if (failure instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw (Error) failure;
      }
      try {
        current = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading ahead", e);
      }
      position = 0;
    }
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return (T) current.items().get(position++);
  }

  /** Stops the reader if the consumer leaves early. */
  @Override
  public void close() {
    reader.interrupt();
  }
}
