package io.emotionstream.testing;

import io.emotionstream.data.Region;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a box outline drawn in one exact colour in a picture read back from a file, as a test sees
 * it.
 */
public final class DrawnBoxes {
  private DrawnBoxes() {}

  /**
   * The rectangle whose left and right edges are the columns, near {@code around}, holding a
   * vertical run of {@code rgb} at least half {@code around}'s height long: the box outline (the
   * label, apart from it, makes runs only as long as its text is high). Includes the outline's
   * stroke.
   *
   * @throws AssertionError if no such outline is there
   */
  public static Region find(BufferedImage picture, int rgb, Region around) {
    int minRun = around.height() / 2;
    int fromX = Math.max(0, around.x() - around.width() / 3);
    int toX = Math.min(picture.getWidth() - 1, around.x() + around.width() + around.width() / 3);
    int left = -1;
    int right = -1;
    List<Integer> tops = new ArrayList<>();
    List<Integer> bottoms = new ArrayList<>();
    for (int x = fromX; x <= toX; x++) {
      int runStart = -1;
      for (int y = 0; y <= picture.getHeight(); y++) {
        boolean on =
            y < picture.getHeight() && (picture.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff);
        if (on && runStart < 0) {
          runStart = y;
        } else if (!on && runStart >= 0) {
          if (y - runStart >= minRun) {
            left = left < 0 ? x : left;
            right = x;
            tops.add(runStart);
            bottoms.add(y - 1);
          }
          runStart = -1;
        }
      }
    }
    if (left < 0 || right - left < around.width() / 2) {
      throw new AssertionError(
          "no outline of colour " + Integer.toHexString(rgb & 0xffffff) + " near " + around);
    }
    int top = median(tops);
    int bottom = median(bottoms);
    return new Region(left, top, right - left + 1, bottom - top + 1);
  }

  /**
   * Whether a pixel within 2 of (x, y) is within 60 of the colour in every channel: a drawn line as
   * near as a lossy encoding (JPEG, H.264) keeps it.
   */
  public static boolean colourNear(BufferedImage picture, int x, int y, Color colour) {
    for (int dy = -2; dy <= 2; dy++) {
      for (int dx = -2; dx <= 2; dx++) {
        Color c = new Color(picture.getRGB(x + dx, y + dy));
        if (Math.abs(c.getRed() - colour.getRed()) < 60
            && Math.abs(c.getGreen() - colour.getGreen()) < 60
            && Math.abs(c.getBlue() - colour.getBlue()) < 60) {
          return true;
        }
      }
    }
    return false;
  }

  private static int median(List<Integer> values) {
    List<Integer> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
