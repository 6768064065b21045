package io.emotionstream.data;

import io.emotionstream.avro.Usage;

/**
 * Decides the split of a row when the CSV has no Usage column. Every rule is a pure function of the
 * row's position among the data rows, so it works on a stream and gives the same split every run.
 */
@FunctionalInterface
public interface SplitRule {

  /**
   * The seed project's split of a file without Usage: its first 3,589 rows (the size of FER2013's
   * PublicTest) are the validation set.
   */
  int SEED_VALIDATION_ROWS = 3589;

  /**
   * @param rowIndex 0-based position of the row among the file's data rows, rejected ones included
   */
  Usage usageOf(long rowIndex);

  /** The first {@link #SEED_VALIDATION_ROWS} rows VALIDATION, the rest TRAINING. */
  static SplitRule seedRule() {
    return rowIndex -> rowIndex < SEED_VALIDATION_ROWS ? Usage.VALIDATION : Usage.TRAINING;
  }

  /** Every row in the same split. */
  static SplitRule all(Usage usage) {
    return rowIndex -> usage;
  }

  /**
   * Each row independently VALIDATION with probability {@code validationFraction}, TEST with
   * probability {@code testFraction}, else TRAINING; the draw is a hash of seed and row position,
   * so the same seed gives the same split without holding the file.
   */
  static SplitRule random(double validationFraction, double testFraction, long seed) {
    if (!(validationFraction >= 0 && testFraction >= 0 && validationFraction + testFraction <= 1)) {
      throw new IllegalArgumentException(
          "split fractions must be >= 0 and add up to at most 1, got validation "
              + validationFraction
              + " and test "
              + testFraction);
    }
    return rowIndex -> {
      double draw = Seeds.uniform(seed, rowIndex);
      if (draw < validationFraction) {
        return Usage.VALIDATION;
      }
      return draw < validationFraction + testFraction ? Usage.TEST : Usage.TRAINING;
    };
  }

  /** Validation fraction only, the rest TRAINING. */
  static SplitRule validationFraction(double fraction, long seed) {
    return random(fraction, 0, seed);
  }
}
