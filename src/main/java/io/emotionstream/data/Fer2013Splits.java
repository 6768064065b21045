package io.emotionstream.data;

import io.emotionstream.avro.Usage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A whole FER2013 CSV in memory: one {@link FaceSet} per split, plus every rejected line, for callers
 * (training, evaluation, the dataset commands) that need all of it at once rather than a stream.
 */
public final class Fer2013Splits {
  private final Map<Usage, FaceSet> faces;
  private final List<RejectedRow> rejected;
  private final boolean hadUsageColumn;

  private Fer2013Splits(Map<Usage, FaceSet> faces, List<RejectedRow> rejected, boolean hadUsage) {
    this.faces = faces;
    this.rejected = rejected;
    this.hadUsageColumn = hadUsage;
  }

  /** Reads {@code csv} whole; rows without a Usage column are split by {@code splitRule}. */
  public static Fer2013Splits read(Path csv, SplitRule splitRule) throws IOException {
    try (Fer2013Reader reader = Fer2013Reader.open(csv, splitRule)) {
      return read(reader);
    }
  }

  /** Drains {@code reader}; the caller still closes it. */
  public static Fer2013Splits read(Fer2013Reader reader) {
    Map<Usage, FaceSet> faces = new EnumMap<>(Usage.class);
    for (Usage usage : Usage.values()) {
      faces.put(usage, new FaceSet());
    }
    List<RejectedRow> rejected = new ArrayList<>();
    while (reader.hasNext()) {
      CsvRow row = reader.next();
      if (row instanceof Fer2013Row valid) {
        faces.get(valid.usage()).add(valid.pixels(), valid.label());
      } else {
        rejected.add((RejectedRow) row);
      }
    }
    return new Fer2013Splits(faces, Collections.unmodifiableList(rejected), reader.hasUsageColumn());
  }

  /** The faces of one split; empty, never null, when the file had none. */
  public FaceSet faces(Usage usage) {
    return faces.get(usage);
  }

  public List<RejectedRow> rejected() {
    return rejected;
  }

  /** Valid rows over all splits. */
  public int accepted() {
    return faces.values().stream().mapToInt(FaceSet::size).sum();
  }

  /** Whether the splits came from the file's own Usage column rather than a {@link SplitRule}. */
  public boolean hadUsageColumn() {
    return hadUsageColumn;
  }
}
