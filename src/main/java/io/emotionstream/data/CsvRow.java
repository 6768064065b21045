package io.emotionstream.data;

/**
 * One data line of a FER2013 CSV as the reader saw it: either a usable {@link Fer2013Row} or a
 * {@link RejectedRow} that says why not. Readers never stop on a bad line; they hand it on as a
 * rejection.
 */
public sealed interface CsvRow permits Fer2013Row, RejectedRow {

  /** The 1-based line number in the file (the header is line 1). */
  long lineNumber();
}
