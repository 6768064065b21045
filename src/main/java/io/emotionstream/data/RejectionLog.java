package io.emotionstream.data;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every rejected row of a dataset command in a CSV ({@code line,reason,raw}) beside the
 * output, so a bad line is never silently lost; the file is only created once something is
 * rejected.
 */
public final class RejectionLog implements Closeable {
  /** How many rejections are kept in memory for a summary; all of them go to the file. */
  public static final int KEPT_FOR_SUMMARY = 10;

  private final Path file;
  private final List<RejectedRow> first = new ArrayList<>();
  private BufferedWriter writer;
  private long count;

  public RejectionLog(Path file) {
    this.file = file;
  }

  public void add(RejectedRow row) throws IOException {
    if (writer == null) {
      writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      writer.write("line,reason,raw\n");
    }
    writer.write(
        row.lineNumber()
            + ","
            + CsvFields.quote(row.reason())
            + ","
            + CsvFields.quote(row.rawLine())
            + "\n");
    if (first.size() < KEPT_FOR_SUMMARY) {
      first.add(row);
    }
    count++;
  }

  public long count() {
    return count;
  }

  /** The first {@value #KEPT_FOR_SUMMARY} rejections, in file order. */
  public List<RejectedRow> first() {
    return List.copyOf(first);
  }

  /** The log file, or null when nothing was rejected. */
  public Path fileIfWritten() {
    return count == 0 ? null : file;
  }

  @Override
  public void close() throws IOException {
    if (writer != null) {
      writer.close();
    }
  }
}
