package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.Usage;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.FaceSplits;
import io.emotionstream.data.Fer2013Writer;
import io.emotionstream.data.GrayImage;
import io.emotionstream.data.SplitRule;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DatasetCommandsTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int emotion(String... args) {
    CommandLine cli = EmotionCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private static byte[] face(int value) {
    byte[] pixels = new byte[FaceSet.PIXELS];
    Arrays.fill(pixels, (byte) value);
    return pixels;
  }

  /** Two training rows, one PublicTest, one PrivateTest, in Kaggle's format. */
  private Path kaggleCsv() throws IOException {
    Path csv = dir.resolve("fer2013.csv");
    try (Fer2013Writer writer = Fer2013Writer.create(csv, true)) {
      writer.write(Emotion.ANGRY, face(10), Usage.TRAINING);
      writer.write(Emotion.HAPPY, face(20), Usage.TRAINING);
      writer.write(Emotion.SAD, face(30), Usage.VALIDATION);
      writer.write(Emotion.NEUTRAL, face(40), Usage.TEST);
    }
    return csv;
  }

  private static String pixelText(int value) {
    return String.join(" ", java.util.Collections.nCopies(FaceSet.PIXELS, Integer.toString(value)));
  }

  @Test
  void splitWritesTrainValAndTestByUsage() throws IOException {
    Path outDir = dir.resolve("split");

    int code =
        emotion("dataset", "split", "--csv", kaggleCsv().toString(), "--out", outDir.toString());

    assertEquals(0, code, err.toString());
    FaceSplits train = FaceSplits.read(outDir.resolve("train.csv"), SplitRule.seedRule());
    assertEquals(2, train.faces(Usage.TRAINING).size());
    assertEquals(Emotion.HAPPY, train.faces(Usage.TRAINING).label(1));
    FaceSplits val = FaceSplits.read(outDir.resolve("val.csv"), SplitRule.seedRule());
    assertEquals(1, val.faces(Usage.VALIDATION).size());
    assertArrayEquals(face(30), val.faces(Usage.VALIDATION).pixels(0));
    FaceSplits test = FaceSplits.read(outDir.resolve("test.csv"), SplitRule.seedRule());
    assertEquals(Emotion.NEUTRAL, test.faces(Usage.TEST).label(0));
    assertTrue(out.toString().contains("TRAINING   2 rows"), out.toString());
  }

  @Test
  void splitWithoutUsageFollowsTheSeedRuleAndWritesNoTestFile() throws IOException {
    Path csv = dir.resolve("train.csv");
    Files.writeString(csv, "emotion,pixels\n3," + pixelText(1) + "\n4," + pixelText(2) + "\n");
    Path outDir = dir.resolve("split");

    int code = emotion("dataset", "split", "--csv", csv.toString(), "--out", outDir.toString());

    assertEquals(0, code, err.toString());
    // Fewer than 3,589 rows: all of them are the seed's validation rows.
    assertEquals(
        2,
        FaceSplits.read(outDir.resolve("val.csv"), SplitRule.seedRule())
            .faces(Usage.VALIDATION)
            .size());
    assertEquals(0, FaceSplits.read(outDir.resolve("train.csv"), SplitRule.seedRule()).accepted());
    assertFalse(Files.exists(outDir.resolve("test.csv")));
  }

  @Test
  void splitWithValFractionDrawsValidationRowsBySeed() throws IOException {
    Path csv = dir.resolve("train.csv");
    StringBuilder text = new StringBuilder("emotion,pixels\n");
    for (int i = 0; i < 200; i++) {
      text.append(i % 7).append(',').append(pixelText(i)).append('\n');
    }
    Files.writeString(csv, text);

    int code =
        emotion(
            "dataset",
            "split",
            "--csv",
            csv.toString(),
            "--out",
            dir.resolve("a").toString(),
            "--val-fraction",
            "0.25",
            "--seed",
            "5");
    emotion(
        "dataset",
        "split",
        "--csv",
        csv.toString(),
        "--out",
        dir.resolve("b").toString(),
        "--val-fraction",
        "0.25",
        "--seed",
        "5");

    assertEquals(0, code, err.toString());
    int validation = FaceSplits.read(dir.resolve("a/val.csv"), SplitRule.seedRule()).accepted();
    int training = FaceSplits.read(dir.resolve("a/train.csv"), SplitRule.seedRule()).accepted();
    assertEquals(200, validation + training);
    assertTrue(validation > 30 && validation < 70, "validation rows " + validation);
    assertEquals(
        Files.readString(dir.resolve("a/val.csv")), Files.readString(dir.resolve("b/val.csv")));
  }

  @Test
  void splitReportsRejectedRowsWithLineNumbersAndKeepsThem() throws IOException {
    Path csv = dir.resolve("fer2013.csv");
    String bad = "8," + pixelText(1) + ",Training";
    Files.writeString(csv, "emotion,pixels,Usage\n0," + pixelText(1) + ",Training\n" + bad + "\n");
    Path outDir = dir.resolve("split");

    int code = emotion("dataset", "split", "--csv", csv.toString(), "--out", outDir.toString());

    assertEquals(0, code);
    assertTrue(
        err.toString()
            .contains(csv + ":3: the emotion label 8 is not a class 0..6 (FER2013 order)"),
        err.toString());
    List<String> rejected = Files.readAllLines(outDir.resolve("rejected.csv"));
    assertEquals("line,reason,raw", rejected.get(0));
    assertTrue(rejected.get(1).startsWith("3,the emotion label 8"), rejected.get(1));
    assertTrue(rejected.get(1).endsWith("\"" + bad + "\""), "raw line kept");
  }

  @Test
  void splitOfAMissingFileFailsWithOneLine() {
    int code =
        emotion(
            "dataset",
            "split",
            "--csv",
            dir.resolve("nope.csv").toString(),
            "--out",
            dir.toString());

    assertEquals(2, code);
    String message = err.toString().strip();
    assertFalse(message.contains("\n"), message);
    assertEquals("error: --csv: no such file: " + dir.resolve("nope.csv"), message);
  }

  @Test
  void splitRefusesAValFractionAboveOne() throws IOException {
    Path csv = dir.resolve("train.csv");
    Files.writeString(csv, "emotion,pixels\n3," + pixelText(1) + "\n");

    int code =
        emotion(
            "dataset",
            "split",
            "--csv",
            csv.toString(),
            "--out",
            dir.toString(),
            "--val-fraction",
            "1.5");

    assertEquals(1, code);
    assertTrue(err.toString().contains("split fractions must be >= 0"), err.toString());
  }

  @Test
  void exportImagesWritesOneLabelledImagePerRowAndAnIndex() throws IOException {
    Path outDir = dir.resolve("images");

    int code =
        emotion(
            "dataset",
            "export-images",
            "--csv",
            kaggleCsv().toString(),
            "--out",
            outDir.toString());

    assertEquals(0, code, err.toString());
    assertArrayEquals(face(20), GrayImage.read(outDir.resolve("train/000001_happy.png")).pixels());
    assertArrayEquals(face(30), GrayImage.read(outDir.resolve("val/000000_sad.png")).pixels());
    assertArrayEquals(face(40), GrayImage.read(outDir.resolve("test/000000_neutral.png")).pixels());
    List<String> index = Files.readAllLines(outDir.resolve("index.csv"));
    assertEquals("image,emotion,Usage,source_line", index.get(0));
    assertEquals("train/000000_angry.png,0,Training,2", index.get(1));
    assertEquals(5, index.size());
  }

  @Test
  void exportImagesWritesJpegWhenAsked() throws IOException {
    Path outDir = dir.resolve("images");

    int code =
        emotion(
            "dataset",
            "export-images",
            "--csv",
            kaggleCsv().toString(),
            "--out",
            outDir.toString(),
            "--format",
            "jpg");

    assertEquals(0, code, err.toString());
    byte[] back = GrayImage.read(outDir.resolve("train/000000_angry.jpg")).pixels();
    assertTrue(Math.abs((back[0] & 0xFF) - 10) <= 2, "value " + (back[0] & 0xFF));
  }

  @Test
  void exportImagesRefusesAnUnknownFormat() throws IOException {
    int code =
        emotion(
            "dataset",
            "export-images",
            "--csv",
            kaggleCsv().toString(),
            "--out",
            dir.toString(),
            "--format",
            "gif");

    assertEquals(1, code);
    assertEquals(
        "emotion dataset export-images: unknown image format 'gif': use png or jpg",
        err.toString().strip());
  }

  @Test
  void showDrawsOneRowEnlarged() throws IOException {
    Path png = dir.resolve("sample.png");

    int code =
        emotion(
            "dataset",
            "show",
            "--csv",
            kaggleCsv().toString(),
            "--index",
            "2",
            "--out",
            png.toString());

    assertEquals(0, code, err.toString());
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(288, image.getWidth());
    assertEquals(288, image.getHeight());
    assertEquals(30, image.getRGB(10, 10) & 0xFF, "the face of row 2 (value 30) at the top");
  }

  @Test
  void showOfAMalformedRowNamesItsLineAndReason() throws IOException {
    Path csv = dir.resolve("fer2013.csv");
    Files.writeString(csv, "emotion,pixels,Usage\n0,1 2 3,Training\n");

    int code =
        emotion(
            "dataset",
            "show",
            "--csv",
            csv.toString(),
            "--index",
            "0",
            "--out",
            dir.resolve("x.png").toString());

    assertEquals(1, code);
    assertTrue(
        err.toString()
            .contains(":2: row 0 is malformed: expected 2304 pixel values (48x48), found 3"),
        err.toString());
  }

  @Test
  void showOfARowPastTheEndSaysHowManyRowsThereAre() throws IOException {
    Path csv = kaggleCsv();

    int code =
        emotion(
            "dataset",
            "show",
            "--csv",
            csv.toString(),
            "--index",
            "99",
            "--out",
            dir.resolve("x.png").toString());

    assertEquals(1, code);
    assertEquals(
        "emotion dataset show: " + csv + " has 4 rows; row index 99 does not exist",
        err.toString().strip());
  }

  @Test
  void showGridHasOneRowPerClass() throws IOException {
    Path png = dir.resolve("grid.png");

    int code =
        emotion(
            "dataset",
            "show",
            "--csv",
            kaggleCsv().toString(),
            "--grid",
            "7x3",
            "--out",
            png.toString());

    assertEquals(0, code, err.toString());
    BufferedImage image = ImageIO.read(png.toFile());
    int cell = 48 * 2 + 2;
    assertEquals(7 * cell, image.getHeight());
    // Row 3 (happy) starts with the happy face of value 20; row 1 (disgust) has none.
    int left = image.getWidth() - 3 * cell;
    assertEquals(20, image.getRGB(left + 5, 3 * cell + 5) & 0xFF);
    assertEquals(30, image.getRGB(left + 5, 1 * cell + 5) & 0xFF, "empty cells stay dark");
  }

  @Test
  void showRefusesAMalformedGrid() throws IOException {
    int code =
        emotion(
            "dataset",
            "show",
            "--csv",
            kaggleCsv().toString(),
            "--grid",
            "9x2",
            "--out",
            dir.resolve("g.png").toString());

    assertEquals(1, code);
    assertTrue(err.toString().contains("--grid wants ROWSxCOLUMNS with 1..7 rows"), err.toString());
  }

  @Test
  void synthesizeWritesAReadableSplitCsv() throws IOException {
    Path csv = dir.resolve("faces.csv");

    int code =
        emotion(
            "dataset", "synthesize", "--out", csv.toString(), "--per-class", "10", "--seed", "3");

    assertEquals(0, code, err.toString());
    FaceSplits splits = FaceSplits.read(csv, SplitRule.seedRule());
    assertEquals(56, splits.faces(Usage.TRAINING).size());
    assertEquals(7, splits.faces(Usage.VALIDATION).size());
    assertEquals(7, splits.faces(Usage.TEST).size());
    assertTrue(out.toString().contains("wrote 70 faces"), out.toString());
  }

  @Test
  void synthesizeDrawsTheDemosMildFacesUnlessAnotherVariationIsNamed() throws IOException {
    Path byDefault = dir.resolve("default.csv");
    Path mild = dir.resolve("mild.csv");
    Path full = dir.resolve("full.csv");
    for (String[] args :
        new String[][] {
          {"--out", byDefault.toString()},
          {"--out", mild.toString(), "--variation", "mild"},
          {"--out", full.toString(), "--variation", "full"}
        }) {
      List<String> command =
          new ArrayList<>(List.of("dataset", "synthesize", "--per-class", "4", "--seed", "3"));
      command.addAll(List.of(args));
      assertEquals(0, emotion(command.toArray(String[]::new)), err.toString());
    }

    assertEquals(
        Files.readString(mild), Files.readString(byDefault), "the demo's variation is the default");
    assertNotEquals(Files.readString(mild), Files.readString(full));
    assertEquals(
        2,
        emotion(
            "dataset",
            "synthesize",
            "--out",
            full.toString(),
            "--per-class",
            "4",
            "--variation",
            "hard"));
    assertTrue(
        err.toString().contains("'hard' is not a variation: use none, mild or full"),
        err.toString());
  }

  @Test
  void synthesizeRefusesZeroFacesPerClass() {
    int code =
        emotion(
            "dataset", "synthesize", "--out", dir.resolve("f.csv").toString(), "--per-class", "0");

    assertEquals(1, code);
    assertEquals(
        "emotion dataset synthesize: need at least one face per class, got 0",
        err.toString().strip());
  }
}
