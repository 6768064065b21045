package io.emotionstream.data;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.Usage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Streams labelled faces from image files listed in a CSV, as {@link CsvRow}s like {@link
 * Fer2013Reader}: each image (PNG or JPEG, any size and colour) becomes a 48x48 gray face. Two
 * layouts:
 *
 * <ul>
 *   <li>an index CSV with an {@code image} column (a path relative to the index's folder), an
 *       {@code emotion} column (0..6 or a name such as happy) and optionally {@code Usage}: what
 *       {@link ImageExporter} writes;
 *   <li>the seed project's Plain_Dataset: a CSV whose {@code emotion} column labels data row i, and
 *       the image {@code <folder>/<datatype><i>.jpg}, such as val/val12.jpg.
 * </ul>
 */
public final class ImageIndexReader extends RowReader {
  public static final String IMAGE_COLUMN = "image";

  private final BufferedReader in;
  private final String source;
  private final Path imageRoot;
  private final String seedDatatype; // null for an index CSV
  private final SplitRule splitRule;
  private final List<String> header;
  private final int imageColumn;
  private final int labelColumn;
  private final int usageColumn;
  private long lineNumber = 1;
  private long dataRowIndex;

  private ImageIndexReader(Path csv, Path imageRoot, String seedDatatype, SplitRule splitRule)
      throws IOException {
    this.in = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
    this.source = csv.toString();
    this.imageRoot = imageRoot;
    this.seedDatatype = seedDatatype;
    this.splitRule = splitRule;
    try {
      String headerLine = in.readLine();
      if (headerLine == null) {
        throw new Fer2013FormatException(source + " is empty: expected a header line");
      }
      header =
          CsvFields.split(headerLine.replace("\uFEFF", "")).stream()
              .map(name -> name.toLowerCase(Locale.ROOT))
              .toList();
      imageColumn = header.indexOf(IMAGE_COLUMN);
      labelColumn = header.indexOf(Fer2013Reader.EMOTION_COLUMN);
      usageColumn = header.indexOf(Fer2013Reader.USAGE_COLUMN);
      if (labelColumn < 0 || (seedDatatype == null && imageColumn < 0)) {
        throw new Fer2013FormatException(
            source
                + ":1: the header '"
                + headerLine.strip()
                + "' has no '"
                + (labelColumn < 0 ? Fer2013Reader.EMOTION_COLUMN : IMAGE_COLUMN)
                + "' column; expected "
                + (seedDatatype == null ? "image,emotion[,Usage]" : "an emotion column"));
      }
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** An index CSV; image paths are relative to its folder. */
  public static ImageIndexReader open(Path indexCsv, SplitRule splitRule) throws IOException {
    Path root = indexCsv.toAbsolutePath().getParent();
    return new ImageIndexReader(indexCsv, root, null, splitRule);
  }

  /**
   * The seed project's layout: labels from {@code labelsCsv}'s emotion column, row i's image at
   * {@code imageDir/<datatype><i>.jpg}.
   */
  public static ImageIndexReader openSeedLayout(
      Path labelsCsv, Path imageDir, String datatype, SplitRule splitRule) throws IOException {
    return new ImageIndexReader(labelsCsv, imageDir, datatype, splitRule);
  }

  public boolean hasUsageColumn() {
    return usageColumn >= 0;
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public void close() throws IOException {
    finish();
    in.close();
  }

  @Override
  CsvRow readRow() {
    try {
      String line;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        if (!line.isBlank()) {
          CsvRow row = parse(line, dataRowIndex);
          dataRowIndex++;
          return row;
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + source + " after line " + lineNumber, e);
    }
  }

  private CsvRow parse(String line, long rowIndex) {
    List<String> fields = CsvFields.split(line);
    if (fields.size() != header.size()) {
      return new RejectedRow(
          lineNumber,
          "the row has " + fields.size() + " columns but the header has " + header.size(),
          line);
    }
    Optional<Emotion> label = parseEmotion(fields.get(labelColumn));
    if (label.isEmpty()) {
      return new RejectedRow(
          lineNumber,
          "the emotion label '" + fields.get(labelColumn) + "' is neither 0..6 nor an emotion name",
          line);
    }
    Usage usage;
    if (usageColumn >= 0) {
      String name = fields.get(usageColumn);
      Optional<Usage> parsed = Fer2013Usage.parse(name).or(() -> usageByEnumName(name));
      if (parsed.isEmpty()) {
        return new RejectedRow(
            lineNumber,
            "the Usage '"
                + name
                + "' is not one of "
                + Fer2013Usage.TRAINING
                + ", "
                + Fer2013Usage.PUBLIC_TEST
                + ", "
                + Fer2013Usage.PRIVATE_TEST,
            line);
      }
      usage = parsed.get();
    } else {
      usage = splitRule.usageOf(rowIndex);
    }
    String relative =
        seedDatatype == null ? fields.get(imageColumn) : seedDatatype + rowIndex + ".jpg";
    if (relative.isEmpty()) {
      return new RejectedRow(lineNumber, "the image path is empty", line);
    }
    Path image = imageRoot.resolve(relative);
    if (!Files.isRegularFile(image)) {
      return new RejectedRow(lineNumber, "the image " + image + " does not exist", line);
    }
    try {
      byte[] face = FaceResizer.toFace(GrayImage.read(image));
      return new Fer2013Row(lineNumber, label.get(), face, usage);
    } catch (IOException e) {
      return new RejectedRow(lineNumber, "the image cannot be read: " + e.getMessage(), line);
    }
  }

  /** 0..6 in FER2013 order, or the emotion's name in any case. */
  static Optional<Emotion> parseEmotion(String text) {
    String trimmed = text.strip();
    if (trimmed.matches("[0-6]")) {
      return Optional.of(Emotion.values()[Integer.parseInt(trimmed)]);
    }
    for (Emotion emotion : Emotion.values()) {
      if (emotion.name().equalsIgnoreCase(trimmed)) {
        return Optional.of(emotion);
      }
    }
    return Optional.empty();
  }

  private static Optional<Usage> usageByEnumName(String name) {
    for (Usage usage : Usage.values()) {
      if (usage.name().equalsIgnoreCase(name.strip())) {
        return Optional.of(usage);
      }
    }
    return Optional.empty();
  }
}
