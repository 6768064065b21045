package io.emotionstream.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.Usage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Fer2013ReaderTest {

  /** Pixels 0, 1, ..., 255, 0, 1, ... so every value and position is checked. */
  static byte[] rampPixels(int offset) {
    byte[] pixels = new byte[FaceSet.PIXELS];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) ((i + offset) % 256);
    }
    return pixels;
  }

  static String pixelText(byte[] pixels) {
    return IntStream.range(0, pixels.length)
        .mapToObj(i -> Integer.toString(pixels[i] & 0xFF))
        .collect(Collectors.joining(" "));
  }

  static String pixelText(int count, int value) {
    return IntStream.range(0, count)
        .mapToObj(i -> Integer.toString(value))
        .collect(Collectors.joining(" "));
  }

  static List<CsvRow> readAll(String csv, SplitRule rule) throws IOException {
    try (Fer2013Reader reader =
        new Fer2013Reader(
            new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "test.csv", rule)) {
      List<CsvRow> rows = new ArrayList<>();
      reader.forEachRemaining(rows::add);
      return rows;
    }
  }

  static List<CsvRow> readAll(String csv) throws IOException {
    return readAll(csv, SplitRule.seedRule());
  }

  static RejectedRow onlyRejection(String csv) throws IOException {
    List<CsvRow> rows = readAll(csv);
    assertEquals(1, rows.size(), "rows read");
    return assertInstanceOf(RejectedRow.class, rows.get(0));
  }

  @Test
  void readsKaggleFormatAndMapsUsageToSplits() throws IOException {
    String csv =
        "emotion,pixels,Usage\n"
            + "0,"
            + pixelText(rampPixels(0))
            + ",Training\n"
            + "3,"
            + pixelText(rampPixels(7))
            + ",PublicTest\n"
            + "6,"
            + pixelText(rampPixels(9))
            + ",PrivateTest\n";

    List<CsvRow> rows = readAll(csv);

    assertEquals(3, rows.size());
    Fer2013Row first = assertInstanceOf(Fer2013Row.class, rows.get(0));
    assertEquals(2, first.lineNumber());
    assertEquals(Emotion.ANGRY, first.label());
    assertEquals(Usage.TRAINING, first.usage());
    assertArrayEquals(rampPixels(0), first.pixels());
    Fer2013Row second = assertInstanceOf(Fer2013Row.class, rows.get(1));
    assertEquals(Emotion.HAPPY, second.label());
    assertEquals(Usage.VALIDATION, second.usage());
    assertArrayEquals(rampPixels(7), second.pixels());
    Fer2013Row third = assertInstanceOf(Fer2013Row.class, rows.get(2));
    assertEquals(4, third.lineNumber());
    assertEquals(Emotion.NEUTRAL, third.label());
    assertEquals(Usage.TEST, third.usage());
  }

  @Test
  void readsIcmlFormatWithSpacedHeaderAndReorderedColumns() throws IOException {
    String csv =
        "emotion, Usage, pixels\r\n"
            + "5,Training, "
            + pixelText(rampPixels(3))
            + "\r\n"
            + "1,PrivateTest, "
            + pixelText(rampPixels(4))
            + "\r\n";

    List<CsvRow> rows = readAll(csv);

    Fer2013Row first = assertInstanceOf(Fer2013Row.class, rows.get(0));
    assertEquals(Emotion.SURPRISE, first.label());
    assertEquals(Usage.TRAINING, first.usage());
    assertArrayEquals(rampPixels(3), first.pixels());
    Fer2013Row second = assertInstanceOf(Fer2013Row.class, rows.get(1));
    assertEquals(Emotion.DISGUST, second.label());
    assertEquals(Usage.TEST, second.usage());
    assertArrayEquals(rampPixels(4), second.pixels());
  }

  @Test
  void readsTrainCsvWithoutUsageBySplitRule() throws IOException {
    String csv =
        "emotion,pixels\n"
            + "2,"
            + pixelText(rampPixels(1))
            + "\n"
            + "4,"
            + pixelText(rampPixels(2))
            + "\n";

    try (Fer2013Reader reader =
        new Fer2013Reader(
            new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
            "train.csv",
            SplitRule.all(Usage.TEST))) {
      assertFalse(reader.hasUsageColumn());
      Fer2013Row first = assertInstanceOf(Fer2013Row.class, reader.next());
      assertEquals(Emotion.FEAR, first.label());
      assertEquals(Usage.TEST, first.usage());
      assertArrayEquals(rampPixels(1), first.pixels());
      Fer2013Row second = assertInstanceOf(Fer2013Row.class, reader.next());
      assertEquals(Emotion.SAD, second.label());
      assertFalse(reader.hasNext());
    }
  }

  @Test
  void seedRuleMakesTheFirst3589RowsValidationAndTheRestTraining(@TempDir Path dir)
      throws IOException {
    Path csv = dir.resolve("train.csv");
    byte[] pixels = new byte[FaceSet.PIXELS];
    try (Fer2013Writer writer = Fer2013Writer.create(csv, false)) {
      for (int i = 0; i < SplitRule.SEED_VALIDATION_ROWS + 3; i++) {
        pixels[0] = (byte) i;
        writer.write(Emotion.values()[i % 7], pixels, Usage.TRAINING);
      }
    }

    List<Usage> usages = new ArrayList<>();
    try (Fer2013Reader reader = Fer2013Reader.open(csv, SplitRule.seedRule())) {
      reader.forEachRemaining(row -> usages.add(((Fer2013Row) row).usage()));
    }

    assertEquals(SplitRule.SEED_VALIDATION_ROWS + 3, usages.size());
    assertEquals(Usage.VALIDATION, usages.get(0));
    assertEquals(Usage.VALIDATION, usages.get(SplitRule.SEED_VALIDATION_ROWS - 1));
    assertEquals(Usage.TRAINING, usages.get(SplitRule.SEED_VALIDATION_ROWS));
    assertEquals(
        SplitRule.SEED_VALIDATION_ROWS, usages.stream().filter(u -> u == Usage.VALIDATION).count());
  }

  @Test
  void validationFractionIsDeterministicBySeedAndNearTheFraction() {
    SplitRule rule = SplitRule.validationFraction(0.2, 42);
    SplitRule same = SplitRule.validationFraction(0.2, 42);
    SplitRule other = SplitRule.validationFraction(0.2, 43);
    int validation = 0;
    int differences = 0;
    for (long i = 0; i < 10_000; i++) {
      assertEquals(rule.usageOf(i), same.usageOf(i));
      if (rule.usageOf(i) == Usage.VALIDATION) {
        validation++;
      }
      if (rule.usageOf(i) != other.usageOf(i)) {
        differences++;
      }
      assertTrue(rule.usageOf(i) != Usage.TEST);
    }
    assertTrue(validation > 1800 && validation < 2200, "validation rows: " + validation);
    assertTrue(differences > 1000, "another seed gives another split: " + differences);
  }

  @Test
  void acceptsPixelsSeparatedByRunsOfSpacesAndTabs() throws IOException {
    byte[] pixels = rampPixels(2);
    String text = pixelText(pixels).replace(" 7 ", "  7\t").replace(" 200 ", " 0200   ");

    Fer2013Row row =
        assertInstanceOf(Fer2013Row.class, readAll("emotion,pixels\n3,  " + text + " \n").get(0));

    assertArrayEquals(pixels, row.pixels());
  }

  @Test
  void rejectsRowWithTooFewPixels() throws IOException {
    String line = "3," + pixelText(2303, 10) + ",Training";
    RejectedRow rejected = onlyRejection("emotion,pixels,Usage\n" + line + "\n");
    assertEquals(2, rejected.lineNumber());
    assertEquals("expected 2304 pixel values (48x48), found 2303", rejected.reason());
    assertEquals(line, rejected.rawLine());
  }

  @Test
  void rejectsRowWithTooManyPixels() throws IOException {
    RejectedRow rejected =
        onlyRejection("emotion,pixels,Usage\n3," + pixelText(2305, 10) + ",Training\n");
    assertEquals("expected 2304 pixel values (48x48), found 2305", rejected.reason());
  }

  @Test
  void rejectsPixelAbove255() throws IOException {
    String pixels = pixelText(10, 1) + " 256 " + pixelText(2293, 1);
    RejectedRow rejected = onlyRejection("emotion,pixels,Usage\n3," + pixels + ",Training\n");
    assertEquals("pixel value #11 is 256, outside 0..255", rejected.reason());
  }

  @Test
  void rejectsNegativePixel() throws IOException {
    RejectedRow rejected =
        onlyRejection("emotion,pixels,Usage\n3,-1 " + pixelText(2303, 1) + ",Training\n");
    assertEquals("pixel value #1 is -1, outside 0..255", rejected.reason());
  }

  @Test
  void rejectsPixelThatIsNotANumber() throws IOException {
    String pixels = pixelText(99, 1) + " 1x " + pixelText(2204, 1);
    RejectedRow rejected = onlyRejection("emotion,pixels,Usage\n3," + pixels + ",Training\n");
    assertEquals("pixel value #100 '1x' is not a number", rejected.reason());
  }

  @Test
  void rejectsLabelOutsideTheSevenClasses() throws IOException {
    RejectedRow rejected =
        onlyRejection("emotion,pixels,Usage\n7," + pixelText(2304, 1) + ",Training\n");
    assertEquals("the emotion label 7 is not a class 0..6 (FER2013 order)", rejected.reason());
  }

  @Test
  void rejectsLabelThatIsNotANumber() throws IOException {
    RejectedRow rejected =
        onlyRejection("emotion,pixels,Usage\nhappy," + pixelText(2304, 1) + ",Training\n");
    assertEquals("the emotion label 'happy' is not a number", rejected.reason());
  }

  @Test
  void rejectsRowWithMissingColumn() throws IOException {
    RejectedRow rejected = onlyRejection("emotion,pixels,Usage\n3," + pixelText(2304, 1) + "\n");
    assertEquals(
        "missing column 'Usage': the row has 2 of the header's 3 columns", rejected.reason());
  }

  @Test
  void rejectsRowWithExtraColumn() throws IOException {
    RejectedRow rejected =
        onlyRejection("emotion,pixels,Usage\n3," + pixelText(2304, 1) + ",Training,x\n");
    assertEquals("the row has 4 columns but the header has 3", rejected.reason());
  }

  @Test
  void rejectsUnknownUsage() throws IOException {
    RejectedRow rejected =
        onlyRejection("emotion,pixels,Usage\n3," + pixelText(2304, 1) + ",Holdout\n");
    assertEquals(
        "the Usage 'Holdout' is not one of Training, PublicTest, PrivateTest", rejected.reason());
  }

  @Test
  void keepsReadingAfterRejectionsWithTheirLineNumbers() throws IOException {
    String good = "1," + pixelText(2304, 9) + ",Training\n";
    String csv =
        "emotion,pixels,Usage\n"
            + good
            + "9,"
            + pixelText(2304, 9)
            + ",Training\n"
            + "\n"
            + "2,1 2 3,Training\n"
            + good;

    List<CsvRow> rows = readAll(csv);

    assertEquals(List.of(2L, 3L, 5L, 6L), rows.stream().map(CsvRow::lineNumber).toList());
    assertInstanceOf(Fer2013Row.class, rows.get(0));
    assertInstanceOf(RejectedRow.class, rows.get(1));
    assertEquals("2,1 2 3,Training", ((RejectedRow) rows.get(2)).rawLine());
    assertInstanceOf(Fer2013Row.class, rows.get(3));
  }

  @Test
  void readsQuotedFieldsAndIgnoresUnknownColumns() throws IOException {
    String csv =
        ",\"emotion\",\"pixels\",\"Usage\"\n"
            + "17,\"4\",\""
            + pixelText(rampPixels(5))
            + "\",\"Training\"\n";

    Fer2013Row row = assertInstanceOf(Fer2013Row.class, readAll(csv).get(0));

    assertEquals(Emotion.SAD, row.label());
    assertArrayEquals(rampPixels(5), row.pixels());
  }

  @Test
  void readsGzipCompressedFilesAsAStream(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("fer2013.csv.gz");
    try (java.io.Writer writer =
        new java.io.OutputStreamWriter(
            new java.util.zip.GZIPOutputStream(Files.newOutputStream(csv)),
            StandardCharsets.UTF_8)) {
      writer.write("emotion,pixels,Usage\n");
      for (int i = 0; i < 5; i++) {
        writer.write(i + "," + pixelText(rampPixels(i)) + ",Training\n");
      }
    }

    List<Emotion> labels;
    try (java.util.stream.Stream<CsvRow> rows =
        Fer2013Reader.open(csv, SplitRule.seedRule()).stream()) {
      labels = rows.map(row -> ((Fer2013Row) row).label()).toList();
    }

    assertEquals(
        List.of(Emotion.ANGRY, Emotion.DISGUST, Emotion.FEAR, Emotion.HAPPY, Emotion.SAD), labels);
  }

  @Test
  void refusesHeaderWithoutPixelsColumn() {
    Fer2013FormatException error =
        assertThrows(Fer2013FormatException.class, () -> readAll("emotion,image\n3,1 2\n"));
    assertEquals(
        "test.csv:1: the header 'emotion,image' has no 'pixels' column;"
            + " expected emotion,pixels[,Usage] in any order",
        error.getMessage());
  }

  @Test
  void refusesEmptyFile() {
    Fer2013FormatException error = assertThrows(Fer2013FormatException.class, () -> readAll(""));
    assertTrue(error.getMessage().startsWith("test.csv is empty"), error.getMessage());
  }

  @Test
  void writerOutputReadsBackIdentically(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("out.csv");
    try (Fer2013Writer writer = Fer2013Writer.create(csv, true)) {
      writer.write(Emotion.FEAR, rampPixels(11), Usage.VALIDATION);
      writer.write(Emotion.NEUTRAL, rampPixels(12), Usage.TEST);
    }

    List<String> lines = Files.readAllLines(csv);
    assertEquals("emotion,pixels,Usage", lines.get(0));
    assertEquals("2," + pixelText(rampPixels(11)) + ",PublicTest", lines.get(1));
    FaceSplits splits = FaceSplits.read(csv, SplitRule.seedRule());
    assertEquals(1, splits.faces(Usage.VALIDATION).size());
    assertEquals(1, splits.faces(Usage.TEST).size());
    assertEquals(0, splits.faces(Usage.TRAINING).size());
    assertEquals(Emotion.NEUTRAL, splits.faces(Usage.TEST).label(0));
    assertArrayEquals(rampPixels(12), splits.faces(Usage.TEST).pixels(0));
    assertTrue(splits.hadUsageColumn());
  }

  @Test
  void splitsCollectFacesPerUsageAndEveryRejection(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("fer2013.csv");
    Files.writeString(
        csv,
        "emotion,pixels,Usage\n"
            + "0,"
            + pixelText(2304, 1)
            + ",Training\n"
            + "1,"
            + pixelText(2304, 2)
            + ",Training\n"
            + "1,"
            + pixelText(2304, 2)
            + ",Nope\n"
            + "5,"
            + pixelText(2304, 3)
            + ",PrivateTest\n");

    FaceSplits splits = FaceSplits.read(csv, SplitRule.seedRule());

    assertEquals(2, splits.faces(Usage.TRAINING).size());
    assertEquals(0, splits.faces(Usage.VALIDATION).size());
    assertEquals(1, splits.faces(Usage.TEST).size());
    assertEquals(3, splits.accepted());
    assertEquals(1, splits.rejected().size());
    assertEquals(4, splits.rejected().get(0).lineNumber());
  }
}
