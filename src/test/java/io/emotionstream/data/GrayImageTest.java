package io.emotionstream.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrayImageTest {

  @Test
  void facePngReadsBackToTheSameBytes(@TempDir Path dir) throws IOException {
    byte[] face = Fer2013ReaderTest.rampPixels(17);
    Path png = dir.resolve("face.png");

    GrayImage.ofFace(face).write(png, GrayImage.Format.PNG);

    BufferedImage decoded = ImageIO.read(png.toFile());
    assertEquals(48, decoded.getWidth());
    assertEquals(48, decoded.getHeight());
    assertArrayEquals(face, GrayImage.read(png).pixels());
  }

  @Test
  void faceJpegReadsBackClose(@TempDir Path dir) throws IOException {
    byte[] face = new byte[FaceSet.PIXELS];
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 48; x++) {
        face[y * 48 + x] = (byte) (x * 5);
      }
    }
    Path jpg = dir.resolve("face.jpg");

    GrayImage.ofFace(face).write(jpg, GrayImage.Format.JPG);

    byte[] back = GrayImage.read(jpg).pixels();
    double error = 0;
    for (int i = 0; i < face.length; i++) {
      error += Math.abs((face[i] & 0xFF) - (back[i] & 0xFF));
    }
    assertTrue(error / face.length < 4, "mean JPEG error " + error / face.length);
  }

  @Test
  void readsGrayImagesWithoutChangingTheirValues() {
    BufferedImage gray = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {10, 128, 250});

    assertArrayEquals(new byte[] {10, (byte) 128, (byte) 250}, GrayImage.of(gray).pixels());
  }

  @Test
  void readsSixteenBitGrayByItsStoredValues() {
    BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    gray.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {65535, 257 * 100});

    assertArrayEquals(new byte[] {(byte) 255, 100}, GrayImage.of(gray).pixels());
  }

  @Test
  void readsPaletteImagesByTheirColoursNotTheirIndices() {
    byte[] red = {(byte) 255, 0};
    byte[] green = {0, (byte) 255};
    byte[] blue = {0, 0};
    java.awt.image.IndexColorModel palette =
        new java.awt.image.IndexColorModel(1, 2, red, green, blue);
    BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
    indexed.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {0, 1});

    assertArrayEquals(new byte[] {76, (byte) 150}, GrayImage.of(indexed).pixels());
  }

  @Test
  void weighsColoursByLuma() {
    BufferedImage rgb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(0, 0, 0x00FF00);
    rgb.setRGB(1, 0, 0x0000FF);
    rgb.setRGB(2, 0, 0xFFFFFF);

    GrayImage gray = GrayImage.of(rgb);

    assertEquals(150, gray.at(0, 0));
    assertEquals(29, gray.at(1, 0));
    assertEquals(255, gray.at(2, 0));
  }

  @Test
  void decodesEncodedImageBytes(@TempDir Path dir) throws IOException {
    byte[] face = Fer2013ReaderTest.rampPixels(3);
    Path png = dir.resolve("face.png");
    GrayImage.ofFace(face).write(png, GrayImage.Format.PNG);

    GrayImage decoded = GrayImage.decode(Files.readAllBytes(png), "frame-7");

    assertArrayEquals(face, decoded.pixels());
    IOException error =
        assertThrows(IOException.class, () -> GrayImage.decode(new byte[] {1, 2, 3}, "frame-8"));
    assertEquals("frame-8: not an image in a known format (PNG or JPEG)", error.getMessage());
  }

  @Test
  void refusesAFileThatIsNotAnImage(@TempDir Path dir) throws IOException {
    Path text = dir.resolve("notes.png");
    Files.writeString(text, "not an image");

    IOException error = assertThrows(IOException.class, () -> GrayImage.read(text));
    assertEquals(text + ": not an image in a known format (PNG or JPEG)", error.getMessage());
  }

  @Test
  void refusesAnUnknownFormatName() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> GrayImage.Format.parse("gif"));
    assertEquals("unknown image format 'gif': use png or jpg", error.getMessage());
  }
}
