package io.emotionstream.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.SceneFrame;
import io.emotionstream.data.Region;
import io.emotionstream.testing.SceneRecords;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The outputs of {@code emotion watch --out}, written and read back through the real FFmpeg and
 * ImageIO.
 */
class AnnotatedSceneWriterTest {

  private static AnnotatedScene scene(String source, long index, long sceneTimeMs) {
    SceneFrame frame = SceneRecords.scene(source, index, 0, new byte[0]);
    frame.setSceneTimeMs(sceneTimeMs);
    return new AnnotatedScene(frame, List.of());
  }

  /**
   * A picture whose left part is red for frame i and blue otherwise, so frames can be told apart.
   */
  private static BufferedImage picture(int width, int height, int index) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.BLUE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.RED);
    g.fillRect(0, 0, width * (index + 1) / 8, height);
    g.dispose();
    return image;
  }

  @ParameterizedTest
  @EnumSource(VideoFileWriter.Container.class)
  void aVideoFileHoldsOneFramePerSceneAtTheRateOfTheScenesTimes(
      VideoFileWriter.Container container, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("watch." + container.extension);
    try (AnnotatedSceneWriter writer = AnnotatedSceneWriter.open(file, 0, false)) {
      assertInstanceOf(VideoFileWriter.class, writer);
      for (int i = 0; i < 6; i++) {
        writer.write(
            scene("cam", i, 400 + 80L * i), picture(321, 241, i)); // 12.5 frames/s, odd size
      }
    }

    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      grabber.start();
      assertEquals(320, grabber.getImageWidth(), "rounded down to even for 4:2:0");
      assertEquals(240, grabber.getImageHeight());
      assertEquals(12.5, grabber.getFrameRate(), 0.01);
      int frames = 0;
      for (Frame frame = grabber.grabImage(); frame != null; frame = grabber.grabImage()) {
        BufferedImage decoded = converter.convert(frame);
        int redUpTo = 320 * (frames + 1) / 8;
        assertTrue(
            isRed(decoded.getRGB(redUpTo - 8, 120)) && !isRed(decoded.getRGB(redUpTo + 8, 120)),
            container + " frame " + frames + " is scene " + frames + "'s picture");
        frames++;
      }
      assertEquals(6, frames);
      grabber.stop();
    }
  }

  @Test
  void aVideoOfOneSceneOrAtAGivenRateNeedsNoSecondScene(@TempDir Path dir) throws Exception {
    Path one = dir.resolve("one.mp4");
    try (AnnotatedSceneWriter writer = AnnotatedSceneWriter.open(one, 0, false)) {
      writer.write(scene("cam", 0, 0), picture(160, 120, 0));
    }
    Path given = dir.resolve("given.mp4");
    try (AnnotatedSceneWriter writer = AnnotatedSceneWriter.open(given, 24, false)) {
      writer.write(scene("cam", 0, 0), picture(160, 120, 0));
      writer.write(
          scene("cam", 1, 1000), picture(320, 240, 1)); // another size: scaled to the first
      assertTrue(
          writer.describe().startsWith("2 frames of 160x120 at 24.00 frames/s"), writer.describe());
    }
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(one.toFile())) {
      grabber.start();
      assertEquals(VideoFileWriter.FALLBACK_FRAMES_PER_SECOND, grabber.getFrameRate(), 0.01);
      assertTrue(grabber.grabImage() != null);
      assertEquals(null, grabber.grabImage());
      grabber.stop();
    }
  }

  @Test
  void pngsAreNamedBySceneIndexAndAFolderPerSourceWhenThereAreSeveral(@TempDir Path dir)
      throws Exception {
    Path one = dir.resolve("one");
    try (AnnotatedSceneWriter writer = AnnotatedSceneWriter.open(one, 0, false)) {
      assertInstanceOf(PngFolderWriter.class, writer);
      writer.write(scene("cam", 7, 0), picture(64, 48, 0));
      writer.write(scene("cam", 123, 0), picture(64, 48, 1));
      writer.write(scene("cam", 0, 0), picture(64, 48, 2)); // the source started over
      assertEquals("3 PNGs in " + one, writer.describe());
    }
    assertEquals(
        List.of("frame-000000-run2.png", "frame-000007.png", "frame-000123.png"), names(one));
    BufferedImage read = ImageIO.read(one.resolve("frame-000123.png").toFile());
    assertEquals(picture(64, 48, 1).getRGB(10, 10), read.getRGB(10, 10));

    Path several = dir.resolve("several");
    try (AnnotatedSceneWriter writer = AnnotatedSceneWriter.open(several, 0, true)) {
      writer.write(scene("cam/1", 1, 0), picture(64, 48, 0));
      writer.write(scene("..", 2, 0), picture(64, 48, 0));
    }
    assertEquals(List.of("_..", "cam_1"), names(several));
    assertEquals(List.of("frame-000001.png"), names(several.resolve("cam_1")));
  }

  @Test
  void refusesAnUnknownExtensionAndAVideoOfSeveralSourcesWithAClearMessage(@TempDir Path dir) {
    IllegalArgumentException mov =
        assertThrows(
            IllegalArgumentException.class,
            () -> AnnotatedSceneWriter.open(dir.resolve("watch.mov"), 0, false));
    assertEquals(
        "--out "
            + dir.resolve("watch.mov")
            + ": .mov is not a video type written here; use .mp4, .mkv, "
            + ".avi or .webm, or a path without an extension for a folder of PNGs",
        mov.getMessage());
    IllegalArgumentException several =
        assertThrows(
            IllegalArgumentException.class,
            () -> AnnotatedSceneWriter.open(dir.resolve("watch.mp4"), 0, true));
    assertTrue(
        several.getMessage().contains("a video file shows one source"), several.getMessage());
    IllegalArgumentException folder =
        assertThrows(
            IllegalArgumentException.class,
            () -> AnnotatedSceneWriter.open(dir.resolve("missing/watch.mp4"), 0, false));
    assertTrue(folder.getMessage().endsWith("missing does not exist"), folder.getMessage());
    assertTrue(Files.notExists(dir.resolve("watch.mov")));
  }

  @Test
  void anAnnotatedSceneDescribesItsFacesInOneLine() {
    SceneFrame frame = SceneRecords.scene("cam", 12, 2, new byte[0]);
    AnnotatedScene scene =
        new AnnotatedScene(
            frame,
            List.of(
                SceneRecords.event(
                    "cam", 12, 0, 2, Emotion.HAPPY, 0.874f, new Region(10, 20, 30, 40)),
                SceneRecords.event(
                    "cam", 12, 1, 2, Emotion.SAD, 0.4f, new Region(100, 20, 30, 40))));
    assertEquals(
        "cam scene 12 at 1.200 s: happy 87% at 10,20 30x40; sad 40% at 100,20 30x40",
        scene.describe());
  }

  private static boolean isRed(int rgb) {
    Color c = new Color(rgb);
    return c.getRed() > 150 && c.getBlue() < 100;
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
