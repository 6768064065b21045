package io.emotionstream.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceBox;
import io.emotionstream.avro.SceneFrame;
import io.emotionstream.data.Region;
import io.emotionstream.testing.SceneRecords;
import io.emotionstream.testing.TestVideos;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SceneAnnotatorTest {
  private static final int FRAMES = 10;
  private final SceneAnnotator annotator = new SceneAnnotator();

  private static AnnotatedScene scene(byte[] jpeg, EmotionEvent... faces) {
    SceneFrame scene = SceneRecords.scene("cam", 0, faces.length, jpeg);
    return new AnnotatedScene(scene, List.of(faces));
  }

  private static EmotionEvent face(Emotion emotion, float confidence, Region box) {
    return SceneRecords.event("cam", 0, 0, 1, emotion, confidence, box);
  }

  @Test
  void drawsTheBoxInItsEmotionsColourAndLeavesThePictureInsideAsItWas() throws Exception {
    byte[] jpeg = SceneRecords.videoFrameJpeg(0, FRAMES);
    Region box = TestVideos.face(0, FRAMES);
    BufferedImage drawn = annotator.annotate(scene(jpeg, face(Emotion.SAD, 0.87f, box)));
    BufferedImage original = ImageIO.read(new ByteArrayInputStream(jpeg));

    assertEquals(TestVideos.WIDTH, drawn.getWidth());
    assertEquals(TestVideos.HEIGHT, drawn.getHeight());
    int sad = SceneAnnotator.colour(Emotion.SAD).getRGB();
    int line = SceneAnnotator.lineWidth(TestVideos.WIDTH, TestVideos.HEIGHT);
    for (int i = line; i < box.height() - line; i++) {
      assertEquals(sad, drawn.getRGB(box.x(), box.y() + i), "left edge at row " + i);
      assertEquals(sad, drawn.getRGB(box.x() + box.width(), box.y() + i), "right edge at row " + i);
      assertEquals(sad, drawn.getRGB(box.x() + i, box.y()), "top edge at column " + i);
      assertEquals(
          sad, drawn.getRGB(box.x() + i, box.y() + box.height()), "bottom edge at column " + i);
    }
    for (int y = box.y() + 2 * line; y < box.y() + box.height() - 2 * line; y++) {
      for (int x = box.x() + 2 * line; x < box.x() + box.width() - 2 * line; x++) {
        assertEquals(original.getRGB(x, y), drawn.getRGB(x, y), "inside the box at " + x + "," + y);
      }
    }
    assertEquals(original.getRGB(5, 5), drawn.getRGB(5, 5), "far from the box");
  }

  @Test
  void putsTheLabelAboveTheBoxInTheEmotionsColourWithTheTextInWhite() throws Exception {
    Region box = TestVideos.face(0, FRAMES);
    BufferedImage drawn =
        annotator.annotate(
            scene(SceneRecords.videoFrameJpeg(0, FRAMES), face(Emotion.SAD, 0.87f, box)));
    int sad = SceneAnnotator.colour(Emotion.SAD).getRGB();
    int line = SceneAnnotator.lineWidth(TestVideos.WIDTH, TestVideos.HEIGHT);

    // The outline's stroke reaches up to half a line above the box; the label stops a line above
    // it.
    Region label = colourBlock(drawn, sad, 0, box.y() - line);
    assertTrue(
        label.y() + label.height() < box.y() - line / 2,
        "above the box, apart: " + label + " over " + box);
    assertTrue(label.width() > 40 && label.height() > 12, "a label's size: " + label);
    assertTrue(Math.abs(label.x() - box.x()) <= 2, "aligned with the box's left edge: " + label);
    assertTrue(count(drawn, label, Color.WHITE.getRGB()) > 20, "white text on the label");
    assertEquals("sad 87%", SceneAnnotator.label(face(Emotion.SAD, 0.87f, box)));
  }

  @Test
  void putsTheLabelBelowABoxAtTheTopOfThePicture() throws Exception {
    Region box = new Region(200, 4, 100, 100);
    BufferedImage drawn =
        annotator.annotate(
            scene(SceneRecords.videoFrameJpeg(0, FRAMES), face(Emotion.HAPPY, 0.5f, box)));
    int happy = SceneAnnotator.colour(Emotion.HAPPY).getRGB();

    Region label = colourBlock(drawn, happy, box.y() + box.height() + 1, TestVideos.HEIGHT - 1);
    assertTrue(label.y() > box.y() + box.height(), "below the box: " + label);
    assertTrue(
        count(drawn, label, Color.BLACK.getRGB()) > 20, "dark text on the light happy colour");
  }

  @Test
  void drawsEveryFaceInItsOwnEmotionsColour() throws Exception {
    Region left = new Region(60, 200, 90, 90);
    Region right = new Region(400, 200, 90, 90);
    EmotionEvent angry = SceneRecords.event("cam", 0, 0, 2, Emotion.ANGRY, 0.6f, left);
    EmotionEvent fear = SceneRecords.event("cam", 0, 1, 2, Emotion.FEAR, 0.6f, right);
    BufferedImage drawn =
        annotator.annotate(scene(SceneRecords.videoFrameJpeg(3, FRAMES), angry, fear));

    assertEquals(
        SceneAnnotator.colour(Emotion.ANGRY).getRGB(), drawn.getRGB(left.x(), left.y() + 45));
    assertEquals(
        SceneAnnotator.colour(Emotion.FEAR).getRGB(), drawn.getRGB(right.x(), right.y() + 45));
    assertEquals(
        7,
        Arrays.stream(Emotion.values()).map(SceneAnnotator::colour).distinct().count(),
        "one colour per emotion");
  }

  @Test
  void scalesTheBoxWhenThePictureIsNotTheSizeTheFaceWasFoundIn() throws Exception {
    BufferedImage half =
        new BufferedImage(
            TestVideos.WIDTH / 2, TestVideos.HEIGHT / 2, BufferedImage.TYPE_BYTE_GRAY);
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(half, "jpeg", jpeg);
    BufferedImage drawn =
        annotator.annotate(
            scene(jpeg.toByteArray(), face(Emotion.NEUTRAL, 0.5f, new Region(200, 200, 100, 100))));

    assertEquals(TestVideos.WIDTH / 2, drawn.getWidth());
    assertEquals(
        SceneAnnotator.colour(Emotion.NEUTRAL).getRGB(),
        drawn.getRGB(100, 125),
        "the left edge at half the scene's coordinates, in colour on a gray picture");
  }

  @Test
  void aFaceFoundButNotClassifiedGetsAnOutlineDashedWhiteAndBlackAndNoLabel() throws Exception {
    byte[] jpeg = SceneRecords.videoFrameJpeg(0, FRAMES);
    Region classified = TestVideos.face(0, FRAMES);
    Region waiting = new Region(420, 250, 120, 120);
    SceneFrame scene =
        SceneFrame.newBuilder(SceneRecords.scene("cam", 0, 2, jpeg))
            .setFaces(
                List.of(
                    new FaceBox(
                        classified.x(), classified.y(), classified.width(), classified.height()),
                    new FaceBox(waiting.x(), waiting.y(), waiting.width(), waiting.height())))
            .build();
    EmotionEvent first = SceneRecords.event("cam", 0, 0, 2, Emotion.HAPPY, 0.9f, classified);

    BufferedImage drawn = annotator.annotate(new AnnotatedScene(scene, List.of(first)));

    int happy = SceneAnnotator.colour(Emotion.HAPPY).getRGB();
    int line = SceneAnnotator.lineWidth(TestVideos.WIDTH, TestVideos.HEIGHT);
    assertEquals(
        happy,
        drawn.getRGB(classified.x(), classified.y() + classified.height() / 2),
        "the classified face");
    long white = 0;
    long black = 0;
    for (int x = waiting.x() + line; x < waiting.x() + waiting.width() - line; x++) {
      int rgb = drawn.getRGB(x, waiting.y());
      if (rgb == Color.WHITE.getRGB()) {
        white++;
      } else if (rgb == Color.BLACK.getRGB()) {
        black++;
      }
    }
    assertTrue(
        white > waiting.width() / 3
            && black > waiting.width() / 6
            && white + black >= waiting.width() - 2 * line,
        "a top edge dashed white and black: " + white + " white and " + black + " black pixels");
    assertTrue(
        Arrays.stream(Emotion.values())
            .noneMatch(
                emotion ->
                    drawn.getRGB(waiting.x() + 4, waiting.y() - 3 * line)
                        == SceneAnnotator.colour(emotion).getRGB()),
        "no label");
  }

  @Test
  void aPictureThatDoesNotDecodeIsRefusedWithWhichSceneItWas() {
    byte[] jpeg = SceneRecords.videoFrameJpeg(0, FRAMES);
    UnreadableSceneException garbage =
        assertThrows(
            UnreadableSceneException.class,
            () -> annotator.annotate(scene("not a picture at all".getBytes())));
    assertTrue(garbage.getMessage().startsWith("cam scene 0: "), garbage.getMessage());

    byte[] truncated = Arrays.copyOf(jpeg, 600);
    truncated[2] = 0; // and its first marker broken
    assertThrows(UnreadableSceneException.class, () -> annotator.annotate(scene(truncated)));
  }

  @Test
  void aPictureClaimingAHugeSizeIsRefusedBeforeDecoding() {
    byte[] jpeg = SceneRecords.videoFrameJpeg(0, FRAMES);
    int frame = sofMarker(jpeg);
    // SOF: marker, length (2), precision (1), height (2), width (2)
    jpeg[frame + 5] = (byte) 0xEA;
    jpeg[frame + 6] = (byte) 0x60;
    jpeg[frame + 7] = (byte) 0xEA;
    jpeg[frame + 8] = (byte) 0x60;
    UnreadableSceneException e =
        assertThrows(UnreadableSceneException.class, () -> annotator.annotate(scene(jpeg)));
    assertTrue(e.getMessage().contains("60000x60000 is larger than"), e.getMessage());
  }

  private static int sofMarker(byte[] jpeg) {
    for (int i = 2; i < jpeg.length - 1; i++) {
      if ((jpeg[i] & 0xff) == 0xFF
          && ((jpeg[i + 1] & 0xff) == 0xC0 || (jpeg[i + 1] & 0xff) == 0xC2)) {
        return i;
      }
    }
    throw new IllegalStateException("no SOF marker");
  }

  /** The bounding box of the pixels of exactly {@code rgb} between two rows. */
  static Region colourBlock(BufferedImage image, int rgb, int fromRow, int toRow) {
    int left = Integer.MAX_VALUE;
    int top = Integer.MAX_VALUE;
    int right = -1;
    int bottom = -1;
    for (int y = Math.max(0, fromRow); y <= Math.min(image.getHeight() - 1, toRow); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) == rgb) {
          left = Math.min(left, x);
          right = Math.max(right, x);
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
    }
    if (right < 0) {
      throw new AssertionError(
          "no pixel of colour " + Integer.toHexString(rgb) + " in rows " + fromRow + ".." + toRow);
    }
    return new Region(left, top, right - left + 1, bottom - top + 1);
  }

  private static int count(BufferedImage image, Region region, int rgb) {
    int n = 0;
    for (int y = region.y(); y < region.y() + region.height(); y++) {
      for (int x = region.x(); x < region.x() + region.width(); x++) {
        n += image.getRGB(x, y) == rgb ? 1 : 0;
      }
    }
    return n;
  }
}
