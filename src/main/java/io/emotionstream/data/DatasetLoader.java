package io.emotionstream.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Loads a labelled data set for training from whatever the user points at: a FER2013 CSV (it has a
 * pixels column), an image index CSV (it has an image column), or a folder holding {@value
 * #INDEX_FILE} as {@link ImageExporter} writes it.
 */
public final class DatasetLoader {
  public static final String INDEX_FILE = "index.csv";

  private DatasetLoader() {}

  public static FaceSplits load(Path source, SplitRule splitRule) throws IOException {
    Path file = Files.isDirectory(source) ? source.resolve(INDEX_FILE) : source;
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          Files.isDirectory(source)
              ? source + " is a folder without an " + INDEX_FILE
              : source + ": no such file");
    }
    List<String> columns = headerColumns(file);
    if (columns.contains(Fer2013Reader.PIXELS_COLUMN)) {
      return FaceSplits.read(file, splitRule);
    }
    if (columns.contains(ImageIndexReader.IMAGE_COLUMN)) {
      try (ImageIndexReader reader = ImageIndexReader.open(file, splitRule)) {
        return FaceSplits.collect(reader, reader.source(), reader.hasUsageColumn());
      }
    }
    throw new Fer2013FormatException(
        file
            + ":1: neither a FER2013 CSV (emotion,pixels[,Usage]) nor an image index"
            + " (image,emotion[,Usage]): header columns are "
            + columns);
  }

  /** The seed project's Plain_Dataset: labels CSV plus {@code <imageDir>/<datatype><i>.jpg}. */
  public static FaceSplits loadSeedLayout(
      Path labelsCsv, Path imageDir, String datatype, SplitRule splitRule) throws IOException {
    try (ImageIndexReader reader =
        ImageIndexReader.openSeedLayout(labelsCsv, imageDir, datatype, splitRule)) {
      return FaceSplits.collect(reader, reader.source(), reader.hasUsageColumn());
    }
  }

  private static List<String> headerColumns(Path file) throws IOException {
    // Only the header: a gzip-compressed CSV is certainly FER2013 (the only format read
    // compressed).
    if (file.getFileName().toString().endsWith(".gz")) {
      return List.of(Fer2013Reader.PIXELS_COLUMN);
    }
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = reader.readLine();
      if (header == null) {
        throw new Fer2013FormatException(file + " is empty: expected a header line");
      }
      return CsvFields.split(header.replace("\uFEFF", "")).stream()
          .map(name -> name.toLowerCase(Locale.ROOT))
          .toList();
    }
  }
}
