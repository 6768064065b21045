package io.emotionstream.cli;

import io.emotionstream.data.SyntheticDataset;
import io.emotionstream.data.SyntheticFaces;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code emotion dataset synthesize}: a FER2013-format CSV of drawn faces. */
@Command(
    name = "synthesize",
    mixinStandardHelpOptions = true,
    description = {
      "Write synthetic 48x48 faces as a FER2013 CSV.",
      "N faces per emotion (emotion,pixels,Usage), split 80/10/10 into Training,",
      "PublicTest and PrivateTest within each class; the same seed writes the same file."
    })
final class DatasetSynthesizeCommand extends DatasetSubcommand {
  @Option(names = "--out", required = true, description = "CSV file to write")
  Path out;

  @Option(names = "--per-class", required = true, description = "Faces per emotion")
  int perClass;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed; the same seed writes the same file (default ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--variation",
      defaultValue = "mild",
      paramLabel = "none|mild|full",
      converter = VariationConverter.class,
      description = VariationConverter.DESCRIPTION)
  SyntheticFaces.Variation variation;

  @Override
  int execute() throws Exception {
    long rows = SyntheticDataset.writeCsv(out, perClass, seed, variation);
    out().printf("wrote %,d faces (%,d per emotion) to %s%n", rows, perClass, out);
    out().flush();
    return 0;
  }
}
