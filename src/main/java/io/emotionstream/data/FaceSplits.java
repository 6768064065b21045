package io.emotionstream.data;

import io.emotionstream.avro.Usage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A whole labelled data set in memory: one {@link FaceSet} per split plus every rejected line, for
 * callers (training, evaluation, the dataset commands) that need all of it at once rather than a
 * stream. Built from a FER2013 CSV or from an image index ({@link ImageIndexReader}).
 */
public final class FaceSplits {
  private final String source;
  private final Map<Usage, FaceSet> faces;
  private final List<RejectedRow> rejected;
  private final boolean hadUsageColumn;

  private FaceSplits(
      String source, Map<Usage, FaceSet> faces, List<RejectedRow> rejected, boolean hadUsage) {
    this.source = source;
    this.faces = faces;
    this.rejected = rejected;
    this.hadUsageColumn = hadUsage;
  }

  /** Reads a FER2013 CSV whole; rows without a Usage column are split by {@code splitRule}. */
  public static FaceSplits read(Path csv, SplitRule splitRule) throws IOException {
    try (Fer2013Reader reader = Fer2013Reader.open(csv, splitRule)) {
      return read(reader);
    }
  }

  /** Drains {@code reader}; the caller still closes it. */
  public static FaceSplits read(Fer2013Reader reader) {
    return collect(reader, reader.source(), reader.hasUsageColumn());
  }

  /** Sorts rows into their splits, keeping the rejections in order. */
  public static FaceSplits collect(
      Iterator<? extends CsvRow> rows, String source, boolean hadUsage) {
    Map<Usage, FaceSet> faces = new EnumMap<>(Usage.class);
    for (Usage usage : Usage.values()) {
      faces.put(usage, new FaceSet());
    }
    List<RejectedRow> rejected = new ArrayList<>();
    while (rows.hasNext()) {
      CsvRow row = rows.next();
      if (row instanceof Fer2013Row valid) {
        faces.get(valid.usage()).add(valid.pixels(), valid.label());
      } else {
        rejected.add((RejectedRow) row);
      }
    }
    return new FaceSplits(source, faces, Collections.unmodifiableList(rejected), hadUsage);
  }

  /** The faces of one split; empty, never null, when the source had none. */
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

  /** Whether the splits came from the source's own Usage column rather than a {@link SplitRule}. */
  public boolean hadUsageColumn() {
    return hadUsageColumn;
  }

  /** The file read, for messages. */
  public String source() {
    return source;
  }
}
