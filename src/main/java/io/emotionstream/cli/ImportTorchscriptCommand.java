package io.emotionstream.cli;

import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.TorchScriptImport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `emotion import-torchscript`: a checkpoint from weights trained with the PyTorch reference. */
@Command(
    name = "import-torchscript",
    mixinStandardHelpOptions = true,
    description =
        "Import PyTorch reference weights (TorchScript + np.savez state_dict) as a checkpoint.")
public final class ImportTorchscriptCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      converter = InputPath.File.class,
      description = "TorchScript file; checked against the state_dict.")
  Path torchScript;

  @Option(
      names = "--state-dict",
      converter = InputPath.File.class,
      description = "state_dict saved with np.savez (holds BatchNorm's running statistics).")
  Path stateDict;

  @Option(names = "--out", required = true, description = "Checkpoint file to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    Checkpoint checkpoint = TorchScriptImport.importWeights(torchScript, stateDict);
    CheckpointFile.write(checkpoint, out);
    System.out.println(
        "imported " + checkpoint.weights().tensors().size() + " tensors into " + out);
    return 0;
  }
}
