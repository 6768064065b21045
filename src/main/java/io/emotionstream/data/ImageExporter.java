package io.emotionstream.data;

import io.emotionstream.avro.Usage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes every row of a FER2013 CSV as a 48x48 image into {@code train/}, {@code val/} or {@code
 * test/}, named {@code 000123_happy.png} (a running number per folder and the label), with an
 * {@value DatasetLoader#INDEX_FILE} ({@code image,emotion,Usage,source_line}) that {@link
 * DatasetLoader} reads back.
 */
public final class ImageExporter {
  private ImageExporter() {}

  public static DatasetReport export(
      Path csv, Path outDir, GrayImage.Format format, SplitRule splitRule) throws IOException {
    Files.createDirectories(outDir);
    Map<Usage, Long> written = new EnumMap<>(Usage.class);
    Path index = outDir.resolve(DatasetLoader.INDEX_FILE);
    try (Fer2013Reader reader = Fer2013Reader.open(csv, splitRule);
        RejectionLog rejections = new RejectionLog(outDir.resolve(DatasetSplitter.REJECTED_FILE));
        BufferedWriter indexWriter = Files.newBufferedWriter(index, StandardCharsets.UTF_8)) {
      indexWriter.write("image,emotion,Usage,source_line\n");
      while (reader.hasNext()) {
        CsvRow row = reader.next();
        if (row instanceof Fer2013Row valid) {
          long number = written.merge(valid.usage(), 1L, Long::sum) - 1;
          String name =
              String.format(
                  "%s/%06d_%s.%s",
                  SplitFiles.baseName(valid.usage()),
                  number,
                  SampleSheet.name(valid.label()),
                  format.extension());
          GrayImage.ofFace(valid.pixels()).write(outDir.resolve(name), format);
          indexWriter.write(
              name
                  + ","
                  + valid.label().ordinal()
                  + ","
                  + Fer2013Usage.name(valid.usage())
                  + ","
                  + valid.lineNumber()
                  + "\n");
        } else {
          rejections.add((RejectedRow) row);
        }
      }
      List<Path> outputs = new ArrayList<>();
      outputs.add(index);
      for (Usage usage : written.keySet()) {
        outputs.add(outDir.resolve(SplitFiles.baseName(usage)));
      }
      return new DatasetReport(
          written, rejections.count(), rejections.first(), rejections.fileIfWritten(), outputs);
    }
  }
}
