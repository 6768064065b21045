package io.emotionstream.watch;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceBox;
import io.emotionstream.avro.SceneFace;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws a scene's classified faces on its picture, as the seed's {@code visualize.py} did: each
 * face's box in its emotion's colour and a label such as "happy 87%" above it (below when there is
 * no room above, inside the box's top when neither fits). A face found but not classified (yet: no
 * model, or its event not in before the wait ended) gets an outline dashed white and black, and no
 * label. Line width and text size follow the picture's size.
 */
public final class SceneAnnotator {
  private static final Logger LOG = LoggerFactory.getLogger(SceneAnnotator.class);

  /** Larger pictures are refused before decoding: a JPEG's header can claim any size. */
  public static final long MAX_PIXELS = 40_000_000L;

  /**
   * The dashboard's colours (dashboard.js), so an emotion looks the same in its charts and on the
   * video.
   */
  private static final Color[] COLOURS = {
    new Color(0xdc2626), // angry
    new Color(0x65a30d), // disgust
    new Color(0x7c3aed), // fear
    new Color(0xf59e0b), // happy
    new Color(0x2563eb), // sad
    new Color(0xdb2777), // surprise
    new Color(0x6b7280), // neutral
  };

  private static final Color UNCLASSIFIED = Color.WHITE;

  private boolean labelsFailed;

  public static Color colour(Emotion emotion) {
    return COLOURS[emotion.ordinal()];
  }

  /** "happy 87%": the emotion in lower case and the classifier's confidence in it. */
  public static String label(EmotionEvent event) {
    return event.getEmotion().name().toLowerCase(Locale.ROOT)
        + " "
        + Math.round(event.getConfidence() * 100)
        + "%";
  }

  /** Width of the box outline for a picture of this size. */
  public static int lineWidth(int width, int height) {
    return Math.max(2, Math.round(Math.min(width, height) / 160f));
  }

  /**
   * The scene's picture with its faces drawn, as 8-bit BGR (what video encoders and ImageIO's JPEG
   * writer take).
   *
   * @throws UnreadableSceneException if the JPEG does not decode
   */
  public BufferedImage annotate(AnnotatedScene annotated) throws UnreadableSceneException {
    BufferedImage picture = decode(annotated);
    int width = picture.getWidth();
    int height = picture.getHeight();
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(picture, 0, 0, null);
      int line = lineWidth(width, height);
      g.setStroke(new BasicStroke(line, BasicStroke.CAP_SQUARE, BasicStroke.JOIN_MITER));
      // Outlines exactly in their colour; only the text is smoothed.
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
      for (EmotionEvent face : annotated.faces()) {
        FaceBox box = scaled(face.getScene(), width, height);
        g.setColor(colour(face.getEmotion()));
        g.drawRect(box.getX(), box.getY(), box.getWidth(), box.getHeight());
      }
      drawUnclassified(g, annotated, width, height, line);
      if (!labelsFailed) {
        drawLabels(g, annotated, width, height, line);
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  private static void drawUnclassified(
      Graphics2D g, AnnotatedScene annotated, int width, int height, int line) {
    Set<Integer> classified =
        annotated.faces().stream()
            .map(face -> face.getScene().getFaceIndex())
            .collect(Collectors.toSet());
    List<FaceBox> found = annotated.scene().getFaces();
    BasicStroke solid = new BasicStroke(line, BasicStroke.CAP_SQUARE, BasicStroke.JOIN_MITER);
    BasicStroke dashes =
        new BasicStroke(
            line,
            BasicStroke.CAP_BUTT,
            BasicStroke.JOIN_MITER,
            10,
            new float[] {3f * line, 2f * line},
            0);
    for (int i = 0; i < found.size(); i++) {
      if (!classified.contains(i)) {
        FaceBox box =
            scaled(
                found.get(i),
                annotated.scene().getWidth(),
                annotated.scene().getHeight(),
                width,
                height);
        // White dashes on a black outline: seen on a light background as on a dark one.
        g.setColor(Color.BLACK);
        g.setStroke(solid);
        g.drawRect(box.getX(), box.getY(), box.getWidth(), box.getHeight());
        g.setColor(UNCLASSIFIED);
        g.setStroke(dashes);
        g.drawRect(box.getX(), box.getY(), box.getWidth(), box.getHeight());
      }
    }
  }

  private void drawLabels(Graphics2D g, AnnotatedScene annotated, int width, int height, int line) {
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(
          new Font(
              Font.SANS_SERIF, Font.BOLD, Math.max(11, Math.round(Math.min(width, height) / 26f))));
      FontMetrics metrics = g.getFontMetrics();
      int pad = line;
      int labelHeight = metrics.getAscent() + metrics.getDescent() + pad;
      for (EmotionEvent face : annotated.faces()) {
        FaceBox box = scaled(face.getScene(), width, height);
        String text = label(face);
        int labelWidth = metrics.stringWidth(text) + 2 * pad;
        // One line width of picture between label and outline keeps the box's edges whole.
        int above = box.getY() - line - labelHeight;
        int below = box.getY() + box.getHeight() + line + 1;
        int y = above >= 0 ? above : below + labelHeight <= height ? below : box.getY() + line;
        int x = Math.max(0, Math.min(box.getX() - line / 2, width - labelWidth));
        Color colour = colour(face.getEmotion());
        g.setColor(colour);
        g.fillRect(x, y, labelWidth, labelHeight);
        g.setColor(luminance(colour) > 0.55 ? Color.BLACK : Color.WHITE);
        g.drawString(text, x + pad, y + pad / 2 + metrics.getAscent());
      }
    } catch (RuntimeException | Error e) {
      // A JRE without fonts (a slim container) cannot draw text: boxes alone are still worth
      // showing.
      labelsFailed = true;
      LOG.warn("cannot draw labels, drawing boxes only: {}", e.toString());
    }
  }

  /**
   * The face's box in the decoded picture's pixels (a scene is normally decoded at the size it was
   * found in).
   */
  private static FaceBox scaled(SceneFace face, int width, int height) {
    return scaled(face.getBox(), face.getSceneWidth(), face.getSceneHeight(), width, height);
  }

  private static FaceBox scaled(
      FaceBox box, int sceneWidth, int sceneHeight, int width, int height) {
    if (sceneWidth == width && sceneHeight == height || sceneWidth <= 0 || sceneHeight <= 0) {
      return box;
    }
    double sx = (double) width / sceneWidth;
    double sy = (double) height / sceneHeight;
    return new FaceBox(
        (int) Math.round(box.getX() * sx),
        (int) Math.round(box.getY() * sy),
        (int) Math.round(box.getWidth() * sx),
        (int) Math.round(box.getHeight() * sy));
  }

  private static double luminance(Color c) {
    return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255;
  }

  private static BufferedImage decode(AnnotatedScene annotated) throws UnreadableSceneException {
    ByteBuffer buffer = annotated.scene().getJpeg().duplicate();
    byte[] jpeg = new byte[buffer.remaining()];
    buffer.get(jpeg);
    String what = annotated.sourceId() + " scene " + annotated.sceneIndex();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new UnreadableSceneException(
            what + ": its " + jpeg.length + " bytes are not a picture ImageIO reads");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw new UnreadableSceneException(
              what
                  + ": "
                  + reader.getWidth(0)
                  + "x"
                  + reader.getHeight(0)
                  + " is larger than "
                  + MAX_PIXELS
                  + " pixels");
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new UnreadableSceneException(
          what + ": its picture does not decode: " + e.getMessage(), e);
    }
  }
}
