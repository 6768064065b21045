package io.emotionstream.cli;

import io.emotionstream.avro.Usage;
import io.emotionstream.data.DatasetLoader;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.FaceSplits;
import io.emotionstream.data.RejectedRow;
import io.emotionstream.data.SplitRule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The one call through which the model commands read their data: a FER2013 CSV (or an exported
 * image index) split by its Usage column, else by the seed project's rule. Malformed rows are
 * skipped and reported on stderr with their line numbers.
 */
final class CsvFaces {
  private CsvFaces() {}

  /** A FER2013 file split by its Usage column. */
  record Split(FaceSet training, FaceSet validation, FaceSet test) {
    FaceSet all() {
      FaceSet all = new FaceSet(training.size() + validation.size() + test.size());
      for (FaceSet part : new FaceSet[] {training, validation, test}) {
        for (int i = 0; i < part.size(); i++) {
          all.add(part.pixels(i), part.label(i));
        }
      }
      return all;
    }
  }

  static Split read(Path csv) throws IOException {
    FaceSplits splits = DatasetLoader.load(csv, SplitRule.seedRule());
    List<RejectedRow> rejected = splits.rejected();
    if (!rejected.isEmpty()) {
      System.err.printf(
          "%s: %,d malformed rows skipped, first: %s%n",
          csv, rejected.size(), rejected.get(0).describe());
    }
    return new Split(
        splits.faces(Usage.TRAINING), splits.faces(Usage.VALIDATION), splits.faces(Usage.TEST));
  }
}
