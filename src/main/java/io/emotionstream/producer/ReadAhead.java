package io.emotionstream.producer;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Iterates another iterator on a thread of its own, a bounded number of items ahead, so that parsing
 * input (a CSV row costs about as much as sending it) overlaps with sending on a second core. Whatever
 * the source throws is rethrown to the consumer.
 */
final class ReadAhead<T> implements Iterator<T>, AutoCloseable {
  private static final Object END = new Object();

  private final BlockingQueue<Object> queue;
  private final Thread reader;
  private Object next;

  ReadAhead(Iterator<T> source, int capacity, String name) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.reader = new Thread(() -> {
      try {
        while (source.hasNext()) {
          queue.put(source.next());
        }
        queue.put(END);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException | Error e) {
        try {
          queue.put(new Failure(e));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }, name);
    reader.setDaemon(true);
    reader.start();
  }

  private record Failure(Throwable cause) {}

  @Override
  public boolean hasNext() {
    if (next == null) {
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading ahead", e);
      }
    }
    if (next instanceof Failure failure) {
      next = END;
      if (failure.cause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw (Error) failure.cause();
    }
    return next != END;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T item = (T) next;
    next = null;
    return item;
  }

  /** Stops the reader if the consumer leaves early. */
  @Override
  public void close() {
    reader.interrupt();
  }
}
