package io.emotionstream.cli;

import io.emotionstream.data.SplitRule;
import picocli.CommandLine.Option;

/** How rows of a CSV without a Usage column are split; the same options wherever a CSV is read. */
final class SplitOptions {

  @Option(
      names = "--val-fraction",
      paramLabel = "F",
      description =
          "Without a Usage column: this fraction of rows goes to VALIDATION, drawn with --seed "
              + "(default: the seed project's rule, the first 3,589 rows).")
  Double valFraction;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the --val-fraction draw (default ${DEFAULT-VALUE}).")
  long seed;

  SplitRule rule() {
    return valFraction == null
        ? SplitRule.seedRule()
        : SplitRule.validationFraction(valFraction, seed);
  }
}
