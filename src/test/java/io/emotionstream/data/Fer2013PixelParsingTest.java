package io.emotionstream.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reader's word-at-a-time pixel parser against the plainest possible one (split on whitespace,
 * parse each token), on random rows: well-formed ones and ones with a single defect where the word
 * parser must notice it, such as a 4-digit number, 256, a doubled space, a letter, a missing or an
 * extra value, or digits right after the field.
 */
class Fer2013PixelParsingTest {
  private static final String[] DEFECTS = {
    "1000", "256", "0000", "007", "  ", "\t", "x", "", "12a", "9999999999", "-1", "+5",
  };

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void agreesWithAPlainParserOnRandomRows(long seed) throws IOException {
    Random random = new Random(seed);
    List<String> pixelFields = new ArrayList<>();
    for (int row = 0; row < 60; row++) {
      pixelFields.add(randomPixelField(random));
    }
    // Pixels in the middle (a comma follows) and last (the line ends), behind a numeric column.
    StringBuilder middle = new StringBuilder("emotion,pixels,Usage\n");
    StringBuilder last = new StringBuilder("emotion,Usage,pixels\n");
    StringBuilder beforeDigits = new StringBuilder("emotion,pixels,extra\n");
    for (String pixels : pixelFields) {
      middle.append("3,").append(pixels).append(",Training\n");
      last.append("3,Training,").append(pixels).append('\n');
      beforeDigits.append("3,").append(pixels).append(",12 34 56\n");
    }
    for (StringBuilder csv : List.of(middle, last, beforeDigits)) {
      List<CsvRow> rows = Fer2013ReaderTest.readAll(csv.toString());
      assertEquals(pixelFields.size(), rows.size());
      for (int i = 0; i < rows.size(); i++) {
        byte[] expected = plainParse(pixelFields.get(i));
        String where = "row " + i + " of " + csv.substring(0, csv.indexOf("\n"));
        if (expected == null) {
          assertInstanceOf(RejectedRow.class, rows.get(i), where);
        } else {
          assertArrayEquals(
              expected, assertInstanceOf(Fer2013Row.class, rows.get(i), where).pixels(), where);
        }
      }
    }
  }

  /** Mostly well formed; otherwise one value replaced by a defect, or a value dropped or added. */
  private static String randomPixelField(Random random) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < FaceSet.PIXELS; i++) {
      // Skewed towards the edges so 1-, 2- and 3-digit numbers all appear in every position.
      int value =
          switch (random.nextInt(3)) {
            case 0 -> random.nextInt(10);
            case 1 -> random.nextInt(100);
            default -> random.nextInt(256);
          };
      values.add(Integer.toString(value));
    }
    int position = random.nextInt(FaceSet.PIXELS);
    switch (random.nextInt(5)) {
      case 0 -> values.set(position, DEFECTS[random.nextInt(DEFECTS.length)]);
      case 1 -> values.remove(position);
      case 2 -> values.add(position, Integer.toString(random.nextInt(256)));
      default -> {}
    }
    return String.join(" ", values);
  }

  /** 2,304 whitespace-separated decimal numbers 0..255, or null. */
  private static byte[] plainParse(String field) {
    String[] tokens = field.strip().split("[ \t]+");
    if (tokens.length != FaceSet.PIXELS) {
      return null;
    }
    byte[] pixels = new byte[FaceSet.PIXELS];
    for (int i = 0; i < tokens.length; i++) {
      if (!tokens[i].matches("[0-9]+")
          || tokens[i].length() > 9
          || Integer.parseInt(tokens[i]) > 255) {
        return null;
      }
      pixels[i] = (byte) Integer.parseInt(tokens[i]);
    }
    return pixels;
  }
}
