package io.emotionstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code emotion dataset …}: FER2013 files and images on disk, no Kafka. */
@Command(
    name = "dataset",
    mixinStandardHelpOptions = true,
    description = "Split, export, view and synthesize FER2013-format data sets.",
    subcommands = {
      DatasetSplitCommand.class,
      DatasetExportImagesCommand.class,
      DatasetShowCommand.class,
      DatasetSynthesizeCommand.class
    })
public final class DatasetCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
