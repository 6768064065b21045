package io.emotionstream.cli;

import io.emotionstream.avro.ControlCommand;
import io.emotionstream.model.Hyperparameters;
import picocli.CommandLine.Option;

/** The training hyperparameters as options, the same for `emotion train` and `emotion retrain`. */
final class HyperparameterOptions {
  private static final Hyperparameters D = Hyperparameters.DEFAULTS;

  @Option(names = "--epochs", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
  int epochs = D.epochs();

  @Option(
      names = {"--lr", "--learning-rate"},
      paramLabel = "RATE",
      description = "Default: ${DEFAULT-VALUE}.")
  double learningRate = D.learningRate();

  @Option(names = "--batch-size", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
  int batchSize = D.batchSize();

  @Option(
      names = "--optimizer",
      paramLabel = "adam|sgd|rmsprop",
      description = "Default: ${DEFAULT-VALUE}.")
  String optimizer = D.optimizer();

  @Option(
      names = "--momentum",
      paramLabel = "M",
      description = "For sgd and rmsprop. Default: ${DEFAULT-VALUE}.")
  double momentum = D.momentum();

  @Option(names = "--weight-decay", paramLabel = "L2", description = "Default: ${DEFAULT-VALUE}.")
  double weightDecay = D.weightDecay();

  @Option(names = "--dropout", paramLabel = "P", description = "Default: ${DEFAULT-VALUE}.")
  double dropout = D.dropout();

  @Option(
      names = "--loss",
      paramLabel = "cross-entropy|label-smoothing",
      description = "Default: ${DEFAULT-VALUE}.")
  String loss = D.loss();

  @Option(names = "--seed", paramLabel = "SEED", description = "Default: ${DEFAULT-VALUE}.")
  long seed = D.seed();

  /**
   * @throws IllegalArgumentException naming the first value out of range
   */
  Hyperparameters checked() {
    return new Hyperparameters(
        epochs, learningRate, batchSize, optimizer, momentum, weightDecay, dropout, loss, seed);
  }

  /** Writes every value as given: the command is checked as a whole, as the trainer checks it. */
  ControlCommand.Builder into(ControlCommand.Builder command) {
    return command
        .setEpochs(epochs)
        .setLearningRate(learningRate)
        .setBatchSize(batchSize)
        .setOptimizer(optimizer)
        .setMomentum(momentum)
        .setWeightDecay(weightDecay)
        .setDropout(dropout)
        .setLoss(loss)
        .setSeed(seed);
  }
}
