package io.emotionstream.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.cli.EmotionCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

  @Test
  void aShortDemoReportsEveryStageAndItsCountsAgree(@TempDir Path dir) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit = EmotionCli.commandLine().execute("demo", "--duration", "25s", "--per-class", "40", "--epochs", "2",
          "--batch-size", "32", "--frame-rate", "10", "--dashboard-port", "-1", "--work-dir", dir.toString());
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    System.out.println(output);

    assertEquals(0, exit, "the demo exits 0 when it trained and accounted for every frame");
    assertTrue(output.contains("training data: 280 synthetic faces"), "data stage");
    assertTrue(output.contains("produce training: 280 rows sent"), "produce stage");
    assertTrue(output.contains("sent RETRAIN: 2 epochs"), "retrain stage");
    assertTrue(output.contains("EPOCH_COMPLETED epoch 1/2"), "epoch lines");
    assertTrue(output.contains("new model: deep-emotion v1"), "model versions");
    assertTrue(output.contains("rolling accuracy of v"), "rolling accuracy");
    assertTrue(output.contains("frames = events + dead      yes"), "counts agree");
  }
}
