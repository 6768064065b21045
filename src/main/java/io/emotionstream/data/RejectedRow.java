package io.emotionstream.data;

/** A line that is not a usable FER2013 row: where it is, why, and the line itself unchanged. */
public record RejectedRow(long lineNumber, String reason, String rawLine) implements CsvRow {

  /** "line 42: expected 2304 pixel values, found 2303", for logs and error messages. */
  public String describe() {
    return "line " + lineNumber + ": " + reason;
  }
}
