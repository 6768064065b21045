package io.emotionstream.cli;

import io.emotionstream.data.DatasetReport;
import io.emotionstream.data.GrayImage;
import io.emotionstream.data.ImageExporter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code emotion dataset export-images}: every row as a 48x48 image plus an index CSV. */
@Command(
    name = "export-images",
    mixinStandardHelpOptions = true,
    description = {
      "Write every row of a FER2013 CSV as a 48x48 image.",
      "Images go to OUT/train, OUT/val and OUT/test, named like 000123_happy.png,",
      "listed in OUT/index.csv (image,emotion,Usage,source_line)."
    })
final class DatasetExportImagesCommand extends DatasetSubcommand {
  @Option(
      names = "--csv",
      required = true,
      converter = InputPath.File.class,
      description = "FER2013 CSV")
  Path csv;

  @Option(names = "--out", required = true, description = "Output folder")
  Path out;

  @Option(
      names = "--format",
      defaultValue = "png",
      description = "png or jpg (default ${DEFAULT-VALUE})")
  String format;

  @Mixin SplitOptions split;

  @Override
  int execute() throws Exception {
    GrayImage.Format imageFormat = GrayImage.Format.parse(format);
    DatasetReport report = ImageExporter.export(csv, out, imageFormat, split.rule());
    printReport(csv.toString(), report);
    return 0;
  }
}
