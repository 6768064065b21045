package io.emotionstream.cli;

import io.emotionstream.data.DatasetReport;
import io.emotionstream.data.DatasetSplitter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code emotion dataset split}: one FER2013 CSV into train.csv, val.csv and test.csv. */
@Command(
    name = "split",
    mixinStandardHelpOptions = true,
    description = {
      "Split a FER2013 CSV into train.csv, val.csv and (when it has PrivateTest rows) test.csv.",
      "By its Usage column; without one by --val-fraction, else the seed project's rule"
          + " (first 3,589 rows validation, the rest training).",
      "Malformed rows are reported with their line numbers and kept in rejected.csv."
    })
final class DatasetSplitCommand extends DatasetSubcommand {
  @Option(
      names = "--csv",
      required = true,
      converter = InputPath.File.class,
      description = "FER2013 CSV (fer2013.csv, train.csv, icml_face_data.csv; .gz too)")
  Path csv;

  @Option(names = "--out", required = true, description = "Output folder")
  Path out;

  @Mixin SplitOptions split;

  @Override
  int execute() throws Exception {
    DatasetReport report = DatasetSplitter.split(csv, out, split.rule());
    printReport(csv.toString(), report);
    return 0;
  }
}
