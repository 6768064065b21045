package io.emotionstream.cli;

import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.PyTorchStateDict;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `emotion import-pytorch`: a checkpoint from the state_dict file the Python project saves. */
@Command(
    name = "import-pytorch",
    mixinStandardHelpOptions = true,
    description =
        "Import a PyTorch state_dict file (torch.save(net.state_dict(), FILE)) as a checkpoint.")
public final class ImportPytorchCommand implements Callable<Integer> {
  @Option(
      names = "--state-dict",
      required = true,
      paramLabel = "FILE.pth",
      converter = InputPath.File.class,
      description =
          "What torch.save wrote (PyTorch 1.6 or later): a state_dict, DataParallel's too, or a "
              + "checkpoint dict holding one under state_dict, model_state_dict, model or net.")
  Path stateDict;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Checkpoint file to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    Checkpoint checkpoint = PyTorchStateDict.read(stateDict);
    CheckpointFile.write(checkpoint, out);
    System.out.println(
        "imported "
            + checkpoint.weights().tensors().size()
            + " tensors from "
            + stateDict
            + " into "
            + out);
    return 0;
  }
}
