package io.emotionstream.cli;

import io.emotionstream.data.FaceSet;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The one call through which the model commands read a FER2013 CSV. The reader itself belongs to
 * io.emotionstream.data (being written on the data branch); until it is merged this seam refuses
 * with a clear message rather than guessing at the format a second time.
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
    // TODO(merge): return io.emotionstream.data's FER2013 reader's split of csv.
    throw new IOException(
        "reading FER2013 CSV is not wired into this build yet (io.emotionstream.data's reader): " + csv);
  }
}
