package io.emotionstream.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.testing.CommandRun;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.TestVideos;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class DemoTest {

  @Test
  void aShortDemoReportsEveryStageAndItsCountsAgree(@TempDir Path dir) {
    CommandRun run =
        demo(
            "--duration",
            "25s",
            "--per-class",
            "40",
            "--epochs",
            "2",
            "--batch-size",
            "32",
            "--frame-rate",
            "10",
            "--dashboard-port",
            "-1",
            "--work-dir",
            dir.toString());
    String output = run.out();

    assertEquals(
        0, run.exitCode(), "the demo exits 0 when it trained and accounted for every frame");
    assertTrue(output.contains("training data: 280 synthetic faces"), "data stage");
    assertTrue(output.contains("produce training: 280 rows sent"), "produce stage");
    assertTrue(output.contains("sent RETRAIN: 2 epochs"), "retrain stage");
    assertTrue(output.contains("EPOCH_COMPLETED epoch 1/2"), "epoch lines");
    assertTrue(output.contains("new model: deep-emotion v1"), "model versions");
    assertTrue(output.contains("rolling accuracy of v"), "rolling accuracy");
    assertTrue(output.contains("frames = events + dead      yes"), "counts agree");
  }

  @Test
  void withAVideoTheDemoStreamsTheFacesFoundInItAndAccountsForEach(@TempDir Path dir)
      throws Exception {
    TestVideos.Video video = TestVideos.write(dir, "clip", TestVideos.Codec.H264, 15, 15);

    CommandRun run =
        demo(
            "--duration",
            "15s",
            "--per-class",
            "20",
            "--epochs",
            "1",
            "--batch-size",
            "32",
            "--dashboard-port",
            "-1",
            "--work-dir",
            dir.resolve("work").toString(),
            "--video",
            video.file().toString());

    assertEquals(0, run.exitCode(), run.out());
    assertTrue(run.out().contains("streaming the faces of video file " + video.file()), run.out());
    Matcher summary =
        Pattern.compile("video: (\\d+) scene frames read, .*; ([\\d,]+) faces sent")
            .matcher(run.out());
    assertTrue(summary.find(), run.out());
    assertTrue(Long.parseLong(summary.group(1)) > 15, "the 1 s clip is looped for the demo's 15 s");
    assertTrue(run.out().contains("frames = events + dead      yes"), "every face accounted for");
  }

  private static CommandRun demo(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "demo";
    System.arraycopy(args, 0, all, 1, args.length);
    CommandRun run = CommandRun.of(all);
    System.out.println(run.out());
    return run;
  }
}
