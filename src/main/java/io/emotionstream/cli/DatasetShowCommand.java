package io.emotionstream.cli;

import io.emotionstream.data.CsvRow;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.Fer2013Row;
import io.emotionstream.data.RejectedRow;
import io.emotionstream.data.SamplePicker;
import io.emotionstream.data.SampleSheet;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code emotion dataset show}: one labelled face, or a sheet of faces per class, as a PNG. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Draw faces of a FER2013 CSV as a PNG.",
      "One row enlarged with its label (--index N, 0-based),",
      "or a sheet with one row per class (--grid ROWSxCOLUMNS, such as 7x8)."
    })
final class DatasetShowCommand extends DatasetSubcommand {
  @Option(
      names = "--csv",
      required = true,
      converter = InputPath.File.class,
      description = "FER2013 CSV")
  Path csv;

  @Option(names = "--out", required = true, description = "PNG file to write")
  Path out;

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what;

  static final class What {
    @Option(names = "--index", description = "0-based data row to show")
    Long index;

    @Option(
        names = "--grid",
        description = "ROWSxCOLUMNS: classes (1..7, FER2013 order) by faces per class")
    String grid;
  }

  @Option(
      names = "--scale",
      defaultValue = "0",
      description = "Enlargement (default 6 for one face, 2 for a grid)")
  int scale;

  @Override
  int execute() throws Exception {
    BufferedImage image;
    if (what.index != null) {
      CsvRow row = SamplePicker.rowAt(csv, what.index);
      if (row instanceof RejectedRow rejected) {
        throw new IllegalArgumentException(
            csv
                + ":"
                + rejected.lineNumber()
                + ": row "
                + what.index
                + " is malformed: "
                + rejected.reason());
      }
      Fer2013Row face = (Fer2013Row) row;
      image =
          SampleSheet.labelled(
              face.pixels(),
              face.label(),
              "#" + what.index + " " + face.usage().name().toLowerCase(),
              scale > 0 ? scale : 6);
    } else {
      int[] size = parseGrid(what.grid);
      FaceSet faces = SamplePicker.firstPerClass(csv, size[0], size[1]);
      image = SampleSheet.grid(faces, size[0], size[1], scale > 0 ? scale : 2);
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ImageIO.write(image, "png", out.toFile());
    out().println("wrote " + out);
    out().flush();
    return 0;
  }

  private static int[] parseGrid(String grid) {
    String[] parts = grid.toLowerCase().split("x");
    try {
      if (parts.length == 2) {
        int rows = Integer.parseInt(parts[0].strip());
        int columns = Integer.parseInt(parts[1].strip());
        if (rows >= 1 && rows <= 7 && columns >= 1) {
          return new int[] {rows, columns};
        }
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "--grid wants ROWSxCOLUMNS with 1..7 rows (one per class), such as 7x8; got '"
            + grid
            + "'");
  }
}
