package io.emotionstream.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class FaceResizerTest {

  private static BufferedImage filled(int width, int height, int type, Color color) {
    BufferedImage image = new BufferedImage(width, height, type);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return image;
  }

  @Test
  void turnsAColourImageOfAnySizeIntoItsLumaAt48x48() {
    byte[] face =
        FaceResizer.toFace(filled(640, 480, BufferedImage.TYPE_INT_RGB, new Color(255, 0, 0)));

    assertEquals(FaceSet.PIXELS, face.length);
    for (byte pixel : face) {
      assertEquals(76, pixel & 0xFF); // 0.299 * 255
    }
  }

  @Test
  void keepsA48x48FaceUnchanged() {
    byte[] pixels = Fer2013ReaderTest.rampPixels(3);
    assertArrayEquals(pixels, FaceResizer.toFace(48, 48, pixels));
  }

  @Test
  void averagesFineDetailInsteadOfAliasing() {
    // A one-pixel checkerboard shrunk tenfold must come out mid-gray; a nearest-neighbour resize
    // would give pure black or white.
    int side = 480;
    byte[] checker = new byte[side * side];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        checker[y * side + x] = (byte) (((x + y) % 2 == 0) ? 255 : 0);
      }
    }

    byte[] face = FaceResizer.toFace(side, side, checker);

    for (byte pixel : face) {
      assertTrue(Math.abs((pixel & 0xFF) - 128) <= 1, "pixel " + (pixel & 0xFF));
    }
  }

  @Test
  void shrinksAGradientToTheMeanOfEachCoveredBlock() {
    // 96 wide: target column i averages source columns 2i and 2i+1, valued 4i and 4i+2.
    byte[] gradient = new byte[96 * 10];
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 96; x++) {
        gradient[y * 96 + x] = (byte) (2 * x);
      }
    }

    byte[] face = FaceResizer.toFace(96, 10, gradient);

    for (int x = 0; x < 48; x++) {
      assertEquals(4 * x + 1, face[5 * 48 + x] & 0xFF, "column " + x);
    }
  }

  @Test
  void handlesSizesThatAreNotMultiplesOf48() {
    // 100x70 white square on black, shrinking in one axis by a fraction.
    byte[] frame = new byte[100 * 70];
    java.util.Arrays.fill(frame, (byte) 200);

    byte[] face = FaceResizer.toFace(100, 70, frame);

    for (byte pixel : face) {
      assertEquals(200, pixel & 0xFF);
    }
  }

  @Test
  void enlargesSmallFramesBilinearly() {
    // A 2x1 image, black then white, enlarged to 48 wide: a monotone ramp, flat at both ends.
    GrayImage small = new GrayImage(2, 1, new byte[] {0, (byte) 255});

    GrayImage large = FaceResizer.resize(small, 48, 1);

    assertEquals(0, large.at(0, 0));
    assertEquals(255, large.at(47, 0));
    for (int x = 1; x < 48; x++) {
      assertTrue(large.at(x, 0) >= large.at(x - 1, 0), "monotone at " + x);
    }
    assertTrue(large.at(23, 0) < 128 && large.at(24, 0) > 128, "crosses the middle in the middle");
  }

  @Test
  void refusesRawBytesThatDoNotMatchTheSize() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class, () -> FaceResizer.toFace(10, 10, new byte[99]));
    assertEquals("a 10x10 grayscale image needs 100 bytes, got 99", error.getMessage());
  }
}
