package io.emotionstream.data;

import java.io.Closeable;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A reader of rows that may be rejected, as an iterator: one row of look-ahead over {@link
 * #readRow()}, so callers can ask {@link #hasNext()} as often as they like.
 */
abstract class RowReader implements Iterator<CsvRow>, Closeable {
  private CsvRow next;
  private boolean finished;

  /** The next row, valid or rejected; null at the end of the input. */
  abstract CsvRow readRow();

  /** Names the input in messages, such as a file name. */
  public abstract String source();

  /** After close: no more rows, not even one already read ahead. */
  final void finish() {
    finished = true;
    next = null;
  }

  @Override
  public final boolean hasNext() {
    if (next == null && !finished) {
      next = readRow();
      finished = next == null;
    }
    return next != null;
  }

  @Override
  public final CsvRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more rows in " + source());
    }
    CsvRow row = next;
    next = null;
    return row;
  }
}
