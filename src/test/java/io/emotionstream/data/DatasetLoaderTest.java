package io.emotionstream.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.Usage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLoaderTest {

  private static Path writeCsv(Path dir, Object[][] rows) throws IOException {
    Path csv = dir.resolve("faces.csv");
    try (Fer2013Writer writer = Fer2013Writer.create(csv, true)) {
      for (Object[] row : rows) {
        writer.write((Emotion) row[0], (byte[]) row[1], (Usage) row[2]);
      }
    }
    return csv;
  }

  @Test
  void loadsAFer2013CsvIntoSplits(@TempDir Path dir) throws IOException {
    Path csv =
        writeCsv(
            dir,
            new Object[][] {
              {Emotion.HAPPY, Fer2013ReaderTest.rampPixels(1), Usage.TRAINING},
              {Emotion.SAD, Fer2013ReaderTest.rampPixels(2), Usage.VALIDATION}
            });

    FaceSplits splits = DatasetLoader.load(csv, SplitRule.seedRule());

    assertEquals(Emotion.HAPPY, splits.faces(Usage.TRAINING).label(0));
    assertArrayEquals(Fer2013ReaderTest.rampPixels(2), splits.faces(Usage.VALIDATION).pixels(0));
  }

  @Test
  void readsBackWhatTheImageExporterWrote(@TempDir Path dir) throws IOException {
    Path csv =
        writeCsv(
            dir,
            new Object[][] {
              {Emotion.ANGRY, Fer2013ReaderTest.rampPixels(1), Usage.TRAINING},
              {Emotion.SURPRISE, Fer2013ReaderTest.rampPixels(5), Usage.TRAINING},
              {Emotion.FEAR, Fer2013ReaderTest.rampPixels(2), Usage.TEST}
            });
    Path images = dir.resolve("images");

    ImageExporter.export(csv, images, GrayImage.Format.PNG, SplitRule.seedRule());
    FaceSplits fromFolder = DatasetLoader.load(images, SplitRule.seedRule());

    assertTrue(Files.isRegularFile(images.resolve("train/000001_surprise.png")));
    assertTrue(Files.isRegularFile(images.resolve("test/000000_fear.png")));
    assertEquals(2, fromFolder.faces(Usage.TRAINING).size());
    assertEquals(Emotion.SURPRISE, fromFolder.faces(Usage.TRAINING).label(1));
    assertArrayEquals(Fer2013ReaderTest.rampPixels(5), fromFolder.faces(Usage.TRAINING).pixels(1));
    assertArrayEquals(Fer2013ReaderTest.rampPixels(2), fromFolder.faces(Usage.TEST).pixels(0));
    assertTrue(fromFolder.rejected().isEmpty());
  }

  @Test
  void resizesIndexedImagesOfAnySizeAndColour(@TempDir Path dir) throws IOException {
    BufferedImage photo = new BufferedImage(120, 90, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = photo.createGraphics();
    g.setColor(new Color(0, 0, 255));
    g.fillRect(0, 0, 120, 90);
    g.dispose();
    ImageIO.write(photo, "png", dir.resolve("photo.png").toFile());
    Files.writeString(dir.resolve("index.csv"), "image,emotion\nphoto.png,happy\n");

    FaceSplits splits = DatasetLoader.load(dir.resolve("index.csv"), SplitRule.all(Usage.TRAINING));

    FaceSet faces = splits.faces(Usage.TRAINING);
    assertEquals(Emotion.HAPPY, faces.label(0));
    for (byte pixel : faces.pixels(0)) {
      assertEquals(29, pixel & 0xFF); // luma of pure blue
    }
  }

  @Test
  void rejectsIndexRowsWithMissingImagesOrBadLabelsByLine(@TempDir Path dir) throws IOException {
    GrayImage.ofFace(new byte[FaceSet.PIXELS]).write(dir.resolve("a.png"), GrayImage.Format.PNG);
    Files.writeString(
        dir.resolve("index.csv"),
        "image,emotion,Usage\na.png,0,Training\nmissing.png,1,Training\na.png,9,Training\n");

    FaceSplits splits = DatasetLoader.load(dir, SplitRule.seedRule());

    assertEquals(1, splits.accepted());
    assertEquals(2, splits.rejected().size());
    assertEquals(3, splits.rejected().get(0).lineNumber());
    assertEquals(
        "the image " + dir.toAbsolutePath().resolve("missing.png") + " does not exist",
        splits.rejected().get(0).reason());
    assertEquals(4, splits.rejected().get(1).lineNumber());
    assertEquals(
        "the emotion label '9' is neither 0..6 nor an emotion name",
        splits.rejected().get(1).reason());
    assertEquals("a.png,9,Training", splits.rejected().get(1).rawLine());
  }

  @Test
  void loadsTheSeedProjectsPlainDatasetLayout(@TempDir Path dir) throws IOException {
    // The seed saved val.csv with pandas (an unnamed index column) and val/val<i>.jpg per row.
    Files.writeString(dir.resolve("val.csv"), ",emotion,pixels\n0,4,1 2\n1,6,3 4\n");
    Path images = Files.createDirectories(dir.resolve("val"));
    GrayImage.ofFace(filled(40)).write(images.resolve("val0.jpg"), GrayImage.Format.JPG);
    GrayImage.ofFace(filled(200)).write(images.resolve("val1.jpg"), GrayImage.Format.JPG);

    FaceSplits splits =
        DatasetLoader.loadSeedLayout(
            dir.resolve("val.csv"), images, "val", SplitRule.all(Usage.VALIDATION));

    FaceSet faces = splits.faces(Usage.VALIDATION);
    assertEquals(2, faces.size());
    assertEquals(Emotion.SAD, faces.label(0));
    assertEquals(Emotion.NEUTRAL, faces.label(1));
    assertTrue(Math.abs((faces.pixels(0)[100] & 0xFF) - 40) <= 2);
    assertTrue(Math.abs((faces.pixels(1)[100] & 0xFF) - 200) <= 2);
  }

  @Test
  void refusesAFileThatIsNeitherPixelsNorAnImageIndex(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("other.csv");
    Files.writeString(csv, "name,score\nx,1\n");

    Fer2013FormatException error =
        assertThrows(
            Fer2013FormatException.class, () -> DatasetLoader.load(csv, SplitRule.seedRule()));
    assertTrue(error.getMessage().contains("neither a FER2013 CSV"), error.getMessage());
  }

  private static byte[] filled(int value) {
    byte[] face = new byte[FaceSet.PIXELS];
    java.util.Arrays.fill(face, (byte) value);
    return face;
  }
}
