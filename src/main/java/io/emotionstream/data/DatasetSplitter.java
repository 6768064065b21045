package io.emotionstream.data;

import io.emotionstream.avro.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Splits one FER2013 CSV into {@code train.csv}, {@code val.csv} and, when there are test rows,
 * {@code test.csv}, streaming: the Usage column decides, or without it the {@link SplitRule}. Each
 * output keeps the Kaggle format with its Usage, so it reads back into the same split.
 */
public final class DatasetSplitter {
  public static final String REJECTED_FILE = "rejected.csv";

  private DatasetSplitter() {}

  public static DatasetReport split(Path csv, Path outDir, SplitRule splitRule) throws IOException {
    Files.createDirectories(outDir);
    Map<Usage, Fer2013Writer> writers = new EnumMap<>(Usage.class);
    Map<Usage, Long> written = new EnumMap<>(Usage.class);
    List<Path> outputs = new ArrayList<>();
    try (Fer2013Reader reader = Fer2013Reader.open(csv, splitRule);
        RejectionLog rejections = new RejectionLog(outDir.resolve(REJECTED_FILE))) {
      try {
        // The training and validation files always exist, as the trainer expects both.
        for (Usage usage : new Usage[] {Usage.TRAINING, Usage.VALIDATION}) {
          open(writers, outputs, outDir, usage);
        }
        while (reader.hasNext()) {
          CsvRow row = reader.next();
          if (row instanceof Fer2013Row valid) {
            Fer2013Writer writer = writers.get(valid.usage());
            if (writer == null) {
              writer = open(writers, outputs, outDir, valid.usage());
            }
            writer.write(valid);
          } else {
            rejections.add((RejectedRow) row);
          }
        }
      } finally {
        for (Map.Entry<Usage, Fer2013Writer> entry : writers.entrySet()) {
          entry.getValue().close();
          written.put(entry.getKey(), entry.getValue().rowsWritten());
        }
      }
      return new DatasetReport(
          written, rejections.count(), rejections.first(), rejections.fileIfWritten(), outputs);
    }
  }

  private static Fer2013Writer open(
      Map<Usage, Fer2013Writer> writers, List<Path> outputs, Path outDir, Usage usage)
      throws IOException {
    Path file = outDir.resolve(SplitFiles.csvName(usage));
    Fer2013Writer writer = Fer2013Writer.create(file, true);
    writers.put(usage, writer);
    outputs.add(file);
    return writer;
  }
}
