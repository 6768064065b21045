package io.emotionstream.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.emotionstream.data.EpochBatches;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.Seeds;
import io.emotionstream.data.TrainingFaces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an {@link EmotionModel}: each epoch takes the training faces from a {@link TrainingFaces}
 * in an order drawn with the run's seed, feeds them in mini-batches (each moved to the device
 * whole, its arrays freed with the batch), and measures loss and accuracy on the validation faces.
 * The run can be cancelled between any two batches. It starts from whatever weights the model
 * holds, so fine-tuning and resuming are a matter of loading them first. {@code emotion train} and
 * the trainer service both run it, so one seed and the same faces give the same weights in either,
 * bit for bit.
 */
public final class TrainingLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
  static final int MAX_SKIPPED_IN_A_ROW = 5;
  private static final long ORDER = 0;
  private static final long DROPOUT = 1;

  private final EmotionModel model;
  private final Hyperparameters hyperparameters;
  private final TorchOptimizer optimizer;
  private final float smoothing;
  private int skippedSteps;
  private int skippedInARow;
  private Random dropout;

  public TrainingLoop(EmotionModel model, Hyperparameters hyperparameters) {
    this(model, hyperparameters, null);
  }

  /**
   * @param resume the optimiser's state to continue from, as a checkpoint of the same run saved it;
   *     null to start afresh. Ignored (with a log line) when it is of another optimiser.
   */
  public TrainingLoop(EmotionModel model, Hyperparameters hyperparameters, OptimizerState resume) {
    this.model = model;
    this.hyperparameters = hyperparameters;
    this.optimizer = TorchOptimizer.of(hyperparameters, model.manager());
    this.smoothing = hyperparameters.lossKind().smoothing();
    this.dropout = stream(DROPOUT, 0);
    if (resume != null) {
      if (resume.optimizer().equals(hyperparameters.optimizer())) {
        optimizer.restore(resume, model.parameters());
      } else {
        LOG.warn(
            "saved state is of optimizer {}, this run uses {}: starting it afresh",
            resume.optimizer(),
            hyperparameters.optimizer());
      }
    }
  }

  /** The optimiser's state now, for a checkpoint. */
  public OptimizerState optimizerState() {
    return optimizer.state(hyperparameters.optimizer(), model.parameters());
  }

  /**
   * Runs epochs {@code firstEpoch} to {@code hyperparameters.epochs()}, or fewer if {@code
   * cancelled} turns true (it is asked before every batch). Each epoch's shuffle and dropout come
   * from random streams that depend on the seed and the epoch alone, so a run resumed at an epoch
   * boundary, with its weights and optimiser state, goes on exactly as one never stopped, whatever
   * thread runs it.
   */
  public TrainingOutcome run(
      TrainingFaces faces, int firstEpoch, TrainingListener listener, BooleanSupplier cancelled) {
    LOG.info(
        "training {} on {} with {}", DeepEmotion.ARCHITECTURE, model.device(), faces.describe());
    List<EpochResult> results = new ArrayList<>();
    for (int epoch = firstEpoch; epoch <= hyperparameters.epochs(); epoch++) {
      EpochResult result = runEpoch(epoch, faces, listener, cancelled);
      if (result == null) {
        return new TrainingOutcome(results, true);
      }
      results.add(result);
      listener.epochFinished(result);
    }
    return new TrainingOutcome(results, false);
  }

  /** All epochs over faces held in memory; {@code validation} may be null. */
  public TrainingOutcome run(
      FaceSet training, FaceSet validation, TrainingListener listener, BooleanSupplier cancelled) {
    return run(TrainingFaces.of(training, validation), 1, listener, cancelled);
  }

  /** One epoch; null when cancelled part-way. */
  private EpochResult runEpoch(
      int epoch, TrainingFaces faces, TrainingListener listener, BooleanSupplier cancelled) {
    int batchSize = hyperparameters.batchSize();
    byte[] pixels = new byte[batchSize * FaceSet.PIXELS];
    long[] labels = new long[batchSize];
    dropout = stream(DROPOUT, epoch);
    // Throughput counts getting the faces too: reading a topic is part of what an epoch costs.
    long start = System.nanoTime();
    EpochBatches batches = faces.nextEpoch(stream(ORDER, epoch));
    int expectedBatches = (batches.faces() + batchSize - 1) / batchSize;
    double lossSum = 0;
    long correct = 0;
    int seen = 0;
    for (int batch = 1; ; batch++) {
      if (cancelled.getAsBoolean()) {
        LOG.info("training cancelled in epoch {} after {} faces", epoch, seen);
        return null;
      }
      int count = batches.fill(pixels, labels);
      if (count == 0) {
        break;
      }
      try (NDManager scratch = model.manager().newSubManager()) {
        NDArray input =
            FaceTensor.fromPixels(
                scratch,
                count == batchSize ? pixels : Arrays.copyOf(pixels, count * FaceSet.PIXELS),
                count);
        NDArray labelArray =
            scratch.create(count == batchSize ? labels : Arrays.copyOf(labels, count));
        BatchOutcome outcome = trainBatch(scratch, input, labelArray);
        lossSum += outcome.loss() * count;
        correct += outcome.correct();
        seen += count;
        listener.batchFinished(epoch, batch, Math.max(batch, expectedBatches), outcome.loss());
      }
    }
    if (seen == 0) {
      throw new IllegalStateException(
          "no TRAINING examples, nothing to learn from: " + faces.describe());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    FaceSet validation = faces.validation();
    double validationLoss = Double.NaN;
    double validationAccuracy = Double.NaN;
    if (validation.size() > 0) {
      BatchOutcome total = evaluate(validation);
      validationLoss = total.loss();
      validationAccuracy = (double) total.correct() / validation.size();
    }
    return new EpochResult(
        epoch,
        hyperparameters.epochs(),
        lossSum / seen,
        (double) correct / seen,
        validationLoss,
        validationAccuracy,
        seen / seconds,
        seen);
  }

  /**
   * The random stream {@code purpose} of {@code epoch} in this run (epoch 0: batches trained
   * outside {@link #run}).
   */
  private Random stream(long purpose, int epoch) {
    return Seeds.random(Seeds.mix(hyperparameters.seed(), purpose), epoch);
  }

  /** Mean loss and number of correct predictions of one batch, or of a whole evaluation. */
  public record BatchOutcome(double loss, long correct) {}

  /**
   * One optimisation step on one batch (training mode: dropout and batch statistics on); see {@link
   * #step} for when the update is skipped.
   *
   * @param labels (N) int64 class indices
   */
  public BatchOutcome trainBatch(NDManager scratch, NDArray input, NDArray labels) {
    BatchOutcome outcome = computeGradients(input, labels);
    step(scratch);
    return outcome;
  }

  /**
   * The forward and backward pass of {@link #trainBatch}: gradients set, weights not yet changed.
   */
  BatchOutcome computeGradients(NDArray input, NDArray labels) {
    TorchOptimizer.zeroGradients(model.parameters().values());
    NDArray logits;
    NDArray loss;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      logits = model.forwardTraining(input, dropout);
      loss = ClassificationLoss.mean(logits, labels, smoothing);
      collector.backward(loss);
    }
    float lossValue = loss.getFloat();
    if (!Float.isFinite(lossValue)) {
      throw new IllegalStateException(
          "training diverged: the loss is " + lossValue + "; try a lower learning rate");
    }
    return new BatchOutcome(lossValue, correct(logits, labels));
  }

  /**
   * Updates the weights from the gradients, unless a gradient is not finite while the loss was:
   * then the batch is skipped, as mixed-precision training skips overflowing steps. One such update
   * would turn every weight it reaches into NaN for good. It is a fault of the native kernels, not
   * of the data (seen, rarely, with libtorch 2.7.1 training while another thread infers:
   * docs/BENCHMARKS.md), so the next batch usually goes on; several in a row end the run with the
   * reason.
   */
  void step(NDManager scratch) {
    List<String> notFinite = parametersWithNonFiniteGradients(scratch);
    if (notFinite.isEmpty()) {
      skippedInARow = 0;
      optimizer.step(model.parameters().values(), scratch);
      return;
    }
    skippedSteps++;
    skippedInARow++;
    if (skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
      throw new IllegalStateException(
          "training failed: "
              + skippedInARow
              + " batches in a row gave gradients "
              + "that are not finite (of "
              + String.join(", ", notFinite)
              + ") from finite losses; the weights are "
              + "those before the first of them");
    }
    LOG.warn(
        "skipped the update of a batch: the gradients of {} are not finite (the loss is); {} skipped so far",
        String.join(", ", notFinite),
        skippedSteps);
  }

  /** Batches whose update {@link #step} skipped, so far. */
  public int skippedSteps() {
    return skippedSteps;
  }

  private List<String> parametersWithNonFiniteGradients(NDManager scratch) {
    List<String> names = new ArrayList<>();
    NDList sums = new NDList();
    for (var entry : model.parameters().entrySet()) {
      NDArray array = entry.getValue().getArray();
      if (entry.getValue().requiresGradient() && array.hasGradient()) {
        NDArray gradient = array.getGradient();
        gradient.attach(scratch);
        names.add(entry.getKey());
        sums.add(gradient.sum());
      }
    }
    if (sums.isEmpty()) {
      return List.of();
    }
    // NaN and infinities survive a sum; finite gradients do not sum to an overflow. One read of all
    // the
    // sums: a batch waits on the device once, not once per parameter.
    float[] values = NDArrays.stack(sums).toFloatArray();
    List<String> notFinite = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        notFinite.add(names.get(i));
      }
    }
    return notFinite;
  }

  /** Mean loss and correct count over {@code faces}, in inference mode. */
  public BatchOutcome evaluate(FaceSet faces) {
    int[] order = new int[faces.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double lossSum = 0;
    long correct = 0;
    int batchSize = hyperparameters.batchSize();
    for (int from = 0; from < order.length; from += batchSize) {
      int to = Math.min(order.length, from + batchSize);
      try (NDManager scratch = model.manager().newSubManager()) {
        NDArray labels = labels(scratch, faces, order, from, to);
        NDArray logits =
            model.forward(FaceTensor.fromFaces(scratch, faces, order, from, to), false);
        lossSum += ClassificationLoss.mean(logits, labels, smoothing).getFloat() * (to - from);
        correct += correct(logits, labels);
      }
    }
    return new BatchOutcome(lossSum / order.length, correct);
  }

  private static long correct(NDArray logits, NDArray labels) {
    return logits.argMax(1).eq(labels).sum().getLong();
  }

  private static NDArray labels(NDManager manager, FaceSet faces, int[] order, int from, int to) {
    long[] labels = new long[to - from];
    for (int i = from; i < to; i++) {
      labels[i - from] = faces.labelIndex(order[i]);
    }
    return manager.create(labels);
  }

  @Override
  public void close() {
    optimizer.close();
  }
}
