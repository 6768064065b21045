package io.emotionstream.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * Everything a training run is configured by, with the seed project's defaults ({@link #DEFAULTS}).
 * Construction validates every field, so an instance is always usable; bad values are refused with
 * a message naming the field, the value and what is allowed.
 *
 * @param optimizer adam, sgd or rmsprop
 * @param momentum for sgd and rmsprop; adam ignores it
 * @param weightDecay L2 penalty added to the gradient, as torch's optimisers do
 * @param dropout probability before fc1, active only in training
 * @param loss cross-entropy or label-smoothing
 * @param seed of weight initialisation, shuffling and dropout
 */
public record Hyperparameters(
    int epochs,
    double learningRate,
    int batchSize,
    String optimizer,
    double momentum,
    double weightDecay,
    double dropout,
    String loss,
    long seed) {

  public static final Hyperparameters DEFAULTS =
      new Hyperparameters(50, 0.005, 128, "adam", 0.9, 0.0, 0.5, "cross-entropy", 42);

  /** The optimisers a run can use, by the name commands and checkpoints give them. */
  public enum Optimizer {
    ADAM("adam"),
    SGD("sgd"),
    RMSPROP("rmsprop");

    private final String id;

    Optimizer(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static Optimizer parse(String name) {
      return Arrays.stream(values())
          .filter(o -> o.id.equals(normalise(name)))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "unknown optimizer '" + name + "': use one of adam, sgd, rmsprop"));
    }
  }

  /** The losses a run can minimise; label smoothing spreads 0.1 of the target over all classes. */
  public enum Loss {
    CROSS_ENTROPY("cross-entropy", 0f),
    LABEL_SMOOTHING("label-smoothing", 0.1f);

    private final String id;
    private final float smoothing;

    Loss(String id, float smoothing) {
      this.id = id;
      this.smoothing = smoothing;
    }

    public String id() {
      return id;
    }

    public float smoothing() {
      return smoothing;
    }

    public static Loss parse(String name) {
      return Arrays.stream(values())
          .filter(l -> l.id.equals(normalise(name)))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "unknown loss '" + name + "': use cross-entropy or label-smoothing"));
    }
  }

  public Hyperparameters {
    require(epochs >= 1, "epochs must be at least 1, got " + epochs);
    require(
        learningRate > 0 && Double.isFinite(learningRate),
        "learning rate must be a finite number greater than 0, got " + learningRate);
    require(batchSize >= 1, "batch size must be at least 1, got " + batchSize);
    optimizer = Optimizer.parse(optimizer).id();
    require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got " + momentum);
    require(
        weightDecay >= 0 && Double.isFinite(weightDecay),
        "weight decay must be a finite number of at least 0, got " + weightDecay);
    require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
    loss = Loss.parse(loss).id();
  }

  public Optimizer optimizerKind() {
    return Optimizer.parse(optimizer);
  }

  public Loss lossKind() {
    return Loss.parse(loss);
  }

  public Hyperparameters withEpochs(int value) {
    return new Hyperparameters(
        value, learningRate, batchSize, optimizer, momentum, weightDecay, dropout, loss, seed);
  }

  public Hyperparameters withLearningRate(double value) {
    return new Hyperparameters(
        epochs, value, batchSize, optimizer, momentum, weightDecay, dropout, loss, seed);
  }

  public Hyperparameters withBatchSize(int value) {
    return new Hyperparameters(
        epochs, learningRate, value, optimizer, momentum, weightDecay, dropout, loss, seed);
  }

  public Hyperparameters withOptimizer(String value) {
    return new Hyperparameters(
        epochs, learningRate, batchSize, value, momentum, weightDecay, dropout, loss, seed);
  }

  public Hyperparameters withMomentum(double value) {
    return new Hyperparameters(
        epochs, learningRate, batchSize, optimizer, value, weightDecay, dropout, loss, seed);
  }

  public Hyperparameters withWeightDecay(double value) {
    return new Hyperparameters(
        epochs, learningRate, batchSize, optimizer, momentum, value, dropout, loss, seed);
  }

  public Hyperparameters withDropout(double value) {
    return new Hyperparameters(
        epochs, learningRate, batchSize, optimizer, momentum, weightDecay, value, loss, seed);
  }

  public Hyperparameters withLoss(String value) {
    return new Hyperparameters(
        epochs, learningRate, batchSize, optimizer, momentum, weightDecay, dropout, value, seed);
  }

  public Hyperparameters withSeed(long value) {
    return new Hyperparameters(
        epochs, learningRate, batchSize, optimizer, momentum, weightDecay, dropout, loss, value);
  }

  /** The Avro form carried by checkpoints and status messages. */
  public io.emotionstream.avro.Hyperparameters toAvro() {
    return io.emotionstream.avro.Hyperparameters.newBuilder()
        .setEpochs(epochs)
        .setLearningRate(learningRate)
        .setBatchSize(batchSize)
        .setOptimizer(optimizer)
        .setMomentum(momentum)
        .setWeightDecay(weightDecay)
        .setDropout(dropout)
        .setLoss(loss)
        .setSeed(seed)
        .build();
  }

  /** Validates as the constructor does: a record from the wire is not trusted. */
  public static Hyperparameters fromAvro(io.emotionstream.avro.Hyperparameters avro) {
    return new Hyperparameters(
        avro.getEpochs(),
        avro.getLearningRate(),
        avro.getBatchSize(),
        avro.getOptimizer(),
        avro.getMomentum(),
        avro.getWeightDecay(),
        avro.getDropout(),
        avro.getLoss(),
        avro.getSeed());
  }

  private static String normalise(String name) {
    if (name == null) {
      return "";
    }
    return name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
