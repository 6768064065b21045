package io.emotionstream.producer;

import io.emotionstream.data.CsvRow;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.Fer2013Reader;
import io.emotionstream.data.Fer2013Row;
import io.emotionstream.data.RejectedRow;
import io.emotionstream.data.SplitRule;
import java.io.IOException;
import java.nio.file.Path;

/** The rows of a FER2013 CSV as live frames, with their labels only when asked for. */
public final class CsvFrames implements FrameSource {
  private final Fer2013Reader reader;
  private final boolean withLabels;
  private final String file;

  public static CsvFrames open(Path csv, boolean withLabels) throws IOException {
    // Live frames carry no split; every row is just an image.
    return new CsvFrames(Fer2013Reader.open(csv, SplitRule.seedRule()), withLabels);
  }

  public CsvFrames(Fer2013Reader reader, boolean withLabels) {
    this.reader = reader;
    this.withLabels = withLabels;
    this.file = Path.of(reader.source()).getFileName().toString();
  }

  @Override
  public boolean hasNext() {
    return reader.hasNext();
  }

  @Override
  public FrameInput next() {
    CsvRow row = reader.next();
    if (row instanceof Fer2013Row valid) {
      return new FrameInput.Image(
          file + ":" + valid.lineNumber(),
          FaceSet.SIDE,
          FaceSet.SIDE,
          valid.pixels(),
          withLabels ? valid.label() : null);
    }
    RejectedRow rejected = (RejectedRow) row;
    return new FrameInput.Unreadable(
        file + ":" + rejected.lineNumber(), rejected.reason(), rejected.rawLine());
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
