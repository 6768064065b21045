package io.emotionstream.cli;

import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.PyTorchStateDict;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** `emotion export`: a checkpoint in another framework's format. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Export a checkpoint's weights for another framework: --format pytorch writes the state_dict "
            + "the Python project loads with net.load_state_dict(torch.load(FILE)).")
public final class ExportCommand implements Callable<Integer> {
  /** The formats a model is exported in. */
  enum Format {
    PYTORCH
  }

  @Option(
      names = "--model",
      required = true,
      paramLabel = "FILE",
      converter = InputPath.File.class,
      description = "Checkpoint file.")
  Path model;

  @Option(
      names = "--format",
      required = true,
      paramLabel = "pytorch",
      converter = FormatConverter.class,
      description = "pytorch: a torch.save state_dict file.")
  Format format;

  @Option(names = "--out", required = true, paramLabel = "FILE.pth", description = "File to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    switch (format) {
      case PYTORCH -> PyTorchStateDict.write(CheckpointFile.read(model).weights(), out);
    }
    System.out.println(
        "exported "
            + model
            + " to "
            + out
            + "; in Python: net.load_state_dict(torch.load('"
            + out
            + "'))");
    return 0;
  }

  static final class FormatConverter implements ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      if (value.trim().toLowerCase(Locale.ROOT).equals("pytorch")) {
        return Format.PYTORCH;
      }
      throw new TypeConversionException("'" + value + "' is not an export format: use pytorch");
    }
  }
}
