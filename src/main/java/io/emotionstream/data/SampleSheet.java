package io.emotionstream.data;

import io.emotionstream.avro.Emotion;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Pictures of faces for people to look at: one enlarged labelled face, or a sheet of faces per
 * class.
 */
public final class SampleSheet {
  private static final Color LABEL_BAND = new Color(0, 0, 0, 170);
  private static final Color LABEL_TEXT = new Color(255, 220, 60);

  private SampleSheet() {}

  /**
   * The face enlarged {@code scale} times (nearest neighbour, so pixels stay visible), labelled.
   */
  public static BufferedImage labelled(byte[] face, Emotion label, String caption, int scale) {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be at least 1, got " + scale);
    }
    int side = FaceSet.SIDE * scale;
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      drawFace(g, face, 0, 0, scale);
      String text = name(label) + (caption == null || caption.isEmpty() ? "" : "  " + caption);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, side / 14)));
      FontMetrics metrics = g.getFontMetrics();
      int band = metrics.getHeight() + 6;
      g.setColor(LABEL_BAND);
      g.fillRect(0, side - band, side, band);
      g.setColor(LABEL_TEXT);
      g.drawString(text, 6, side - band + 3 + metrics.getAscent());
    } finally {
      g.dispose();
    }
    return image;
  }

  /**
   * A sheet with one row per emotion (the first {@code rows} classes in FER2013 order) holding the
   * first {@code perRow} faces of that class from {@code faces}, the class name at the row's start.
   * Cells without a face stay dark.
   */
  public static BufferedImage grid(FaceSet faces, int rows, int perRow, int scale) {
    int classes = Emotion.values().length;
    if (rows < 1 || rows > classes || perRow < 1 || scale < 1) {
      throw new IllegalArgumentException(
          "a sheet needs 1.."
              + classes
              + " rows, at least one column and scale, got "
              + rows
              + "x"
              + perRow
              + " at scale "
              + scale);
    }
    int cell = FaceSet.SIDE * scale;
    int gap = 2;
    int labelWidth = 112;
    BufferedImage image =
        new BufferedImage(
            labelWidth + perRow * (cell + gap), rows * (cell + gap), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(new Color(30, 30, 30));
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      int[] placed = new int[rows];
      for (int i = 0; i < faces.size(); i++) {
        int row = faces.labelIndex(i);
        if (row < rows && placed[row] < perRow) {
          drawFace(
              g,
              faces.pixels(i),
              labelWidth + placed[row] * (cell + gap),
              row * (cell + gap),
              scale);
          placed[row]++;
        }
      }
      g.setColor(LABEL_TEXT);
      for (int row = 0; row < rows; row++) {
        String text = name(Emotion.values()[row]) + " (" + placed[row] + ")";
        g.drawString(text, 6, row * (cell + gap) + cell / 2 + 5);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The emotion as a word, such as "happy". */
  public static String name(Emotion emotion) {
    return emotion.name().toLowerCase(Locale.ROOT);
  }

  private static void drawFace(Graphics2D g, byte[] face, int left, int top, int scale) {
    for (int y = 0; y < FaceSet.SIDE; y++) {
      for (int x = 0; x < FaceSet.SIDE; x++) {
        int v = face[y * FaceSet.SIDE + x] & 0xFF;
        g.setColor(new Color(v, v, v));
        g.fillRect(left + x * scale, top + y * scale, scale, scale);
      }
    }
  }
}
