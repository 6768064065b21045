package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.Emotion;
import io.emotionstream.data.SyntheticDataset;
import io.emotionstream.testing.ChildProcess;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.TestCheckpoints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `emotion evaluate --report` and `emotion predict` on one model and CSV tell one consistent story.
 */
@IntegrationTest
class EvaluateAndPredictCommandsTest {
  private static final int CLASSES = Emotion.values().length;
  private static final int CELL = 64;
  private static final int FIRST_CELL_X = 90;
  private static final int FIRST_CELL_Y = 80;

  @TempDir Path dir;

  @Test
  void predictionsAccuracyAndConfusionPictureAgree() throws IOException {
    Path csv = writeFaces();
    Path model = writeModel();
    Path predictions = dir.resolve("predictions.csv");
    Path report = dir.resolve("confusion.png");

    assertEquals(
        0,
        emotion(
            "predict",
            "--model",
            model.toString(),
            "--csv",
            csv.toString(),
            "--out",
            predictions.toString()));
    assertEquals(
        0,
        emotion(
            "evaluate",
            "--model",
            model.toString(),
            "--csv",
            csv.toString(),
            "--report",
            report.toString()));

    List<String> truthLines = Files.readAllLines(csv).subList(1, 6 * CLASSES + 1);
    List<String> predictionLines = Files.readAllLines(predictions);
    assertEquals(truthLines.size() + 1, predictionLines.size(), "a header and one line per face");
    long[][] confusion = new long[CLASSES][CLASSES];
    for (int i = 0; i < truthLines.size(); i++) {
      String[] fields = predictionLines.get(i + 1).split(",");
      assertEquals(String.valueOf(i), fields[0]);
      double sum = 0;
      int argMax = 0;
      for (int k = 0; k < CLASSES; k++) {
        double p = Double.parseDouble(fields[2 + k]);
        sum += p;
        if (p > Double.parseDouble(fields[2 + argMax])) {
          argMax = k;
        }
      }
      assertEquals(1.0, sum, 1e-4, "probabilities of row " + i);
      assertEquals(Emotion.values()[argMax].name().toLowerCase(Locale.ROOT), fields[1], "row " + i);
      int truth = Integer.parseInt(truthLines.get(i).split(",")[0]);
      confusion[truth][argMax]++;
    }

    BufferedImage picture = ImageIO.read(report.toFile());
    assertNotNull(picture, "a readable PNG");
    for (int t = 0; t < CLASSES; t++) {
      long rowTotal = 0;
      for (long count : confusion[t]) {
        rowTotal += count;
      }
      for (int p = 0; p < CLASSES; p++) {
        // The heat map is white for none of the row and saturated blue for all of it.
        int red =
            (picture.getRGB(FIRST_CELL_X + p * CELL + 2, FIRST_CELL_Y + t * CELL + 2) >> 16) & 0xFF;
        double share = rowTotal == 0 ? 0 : (double) confusion[t][p] / rowTotal;
        assertEquals(255 * (1 - share), red, 1.0, "cell true " + t + ", predicted " + p);
      }
    }
  }

  @Test
  void predictingALoneFacePrintsNoWarningFromLibtorch() throws Exception {
    Path csv = dir.resolve("one.csv");
    Files.write(csv, Files.readAllLines(writeFaces()).subList(0, 2));
    Path log = dir.resolve("predict.log");
    // libtorch writes its warnings to the process's own stderr, so only a child process shows them.
    try (ChildProcess predict =
        ChildProcess.emotion(
            log,
            "predict",
            "--model",
            writeModel().toString(),
            "--csv",
            csv.toString(),
            "--out",
            dir.resolve("one-prediction.csv").toString())) {
      assertEquals(0, predict.awaitExit(Duration.ofMinutes(2)), Files.readString(log));
    }
    String output = Files.readString(log);
    assertTrue(output.contains("1 predictions written"), output);
    assertFalse(output.contains("NNPACK"), output);
  }

  private Path writeFaces() throws IOException {
    Path csv = dir.resolve("faces.csv");
    SyntheticDataset.writeCsv(csv, 6, 3);
    return csv;
  }

  private Path writeModel() throws IOException {
    Path model = dir.resolve("model.ckpt");
    ByteBuffer weights = TestCheckpoints.deepEmotion(1, 5).getWeights();
    byte[] bytes = new byte[weights.remaining()];
    weights.get(bytes);
    Files.write(model, bytes);
    return model;
  }

  private static int emotion(String... args) {
    return new CommandLine(new EmotionCli()).execute(args);
  }
}
