package io.emotionstream.model;

import io.emotionstream.avro.Emotion;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Renders an {@link EvaluationReport}'s confusion matrix, rows normalised, as a PNG heat map. */
public final class ConfusionMatrixImage {
  private static final int CELL = 64;
  private static final int MARGIN = 90;

  private ConfusionMatrixImage() {}

  public static void write(EvaluationReport report, Path file) throws IOException {
    int classes = Emotion.values().length;
    int size = MARGIN + classes * CELL + 20;
    BufferedImage image = new BufferedImage(size, size + 30, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(Color.BLACK);
    g.drawString(
        String.format(
            Locale.ROOT, "accuracy %.3f  (rows: true, columns: predicted)", report.accuracy()),
        10,
        18);
    long[][] confusion = report.confusion();
    for (int t = 0; t < classes; t++) {
      long rowTotal = 0;
      for (long count : confusion[t]) {
        rowTotal += count;
      }
      String name = Emotion.values()[t].name().toLowerCase(Locale.ROOT);
      g.setColor(Color.BLACK);
      g.drawString(name, 8, 30 + MARGIN - 40 + t * CELL + CELL / 2 + 20);
      g.drawString(name, MARGIN + t * CELL + 6, 30 + MARGIN - 50);
      for (int p = 0; p < classes; p++) {
        double share = rowTotal == 0 ? 0 : (double) confusion[t][p] / rowTotal;
        int shade = (int) Math.round(255 * (1 - share));
        g.setColor(new Color(shade, shade, 255));
        int x = MARGIN + p * CELL;
        int y = 30 + MARGIN - 40 + t * CELL;
        g.fillRect(x, y, CELL - 2, CELL - 2);
        g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
        g.drawString(Long.toString(confusion[t][p]), x + 8, y + CELL / 2);
      }
    }
    g.dispose();
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer available for " + file);
    }
  }
}
