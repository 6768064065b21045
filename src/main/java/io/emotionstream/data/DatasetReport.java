package io.emotionstream.data;

import io.emotionstream.avro.Usage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a dataset command did: rows written per split, the rejected rows (the first few kept for the
 * message, all of them in {@code rejectedFile}) and the files written.
 */
public record DatasetReport(
    Map<Usage, Long> written,
    long rejected,
    List<RejectedRow> firstRejections,
    Path rejectedFile,
    List<Path> outputs) {

  public long totalWritten() {
    return written.values().stream().mapToLong(Long::longValue).sum();
  }
}
