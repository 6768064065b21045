package io.emotionstream.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.emotionstream.data.FaceSet;
import io.emotionstream.model.EmotionModel;
import io.emotionstream.model.EmotionPredictor;
import io.emotionstream.model.FaceTensor;
import io.emotionstream.model.Hyperparameters;
import io.emotionstream.model.TrainingLoop;
import java.util.Arrays;
import java.util.Random;

/**
 * Throughput of our Deep-Emotion block on this machine: training images/s at batch 128, inference
 * images/s at batch 1, 2 and 128. Inference is timed as the classifier calls it: {@link
 * EmotionPredictor#predict}, from the faces' bytes to the probabilities in Java arrays, as
 * bench_reference.py times PyTorch from a uint8 array to a numpy array of probabilities. Prints one
 * "name value" line per figure for scripts/bench-model.sh.
 */
public final class ModelBench {
  private ModelBench() {}

  /** As in bench_reference.py: long enough for the allocator's heap and the JIT to settle. */
  private static final int WARMUP = 20;

  /**
   * Warm-up calls at batch 1 and 2, as in bench_reference.py: a call takes ~1 ms, and the JIT
   * compiles the per-call Java of DJL and of the resampler for ~2 s (C2 still took 12% of the CPU
   * after 2,000 calls); a classifier serves for hours, so the steady state is the figure that
   * matters.
   */
  private static final int SMALL_BATCH_WARMUP = 3_000;

  public static void main(String[] args) {
    int trainBatches = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Random random = new Random(7);
    byte[] pixels = new byte[128 * FaceSet.PIXELS];
    random.nextBytes(pixels);
    long[] labels = random.longs(128, 0, 7).toArray();
    Hyperparameters hp = Hyperparameters.DEFAULTS;
    try (EmotionModel model = EmotionModel.initialised(0.5f, 42, Device.cpu());
        TrainingLoop loop = new TrainingLoop(model, hp)) {
      double train =
          measure(
              trainBatches,
              WARMUP,
              128,
              () -> {
                try (NDManager scratch = model.manager().newSubManager()) {
                  loop.trainBatch(
                      scratch, FaceTensor.fromPixels(scratch, pixels, 128), scratch.create(labels));
                }
              });
      System.out.printf("djl_train_b128_images_per_s %.0f%n", train);
      try (EmotionPredictor predictor = EmotionPredictor.of(model.weights(), Device.cpu(), 128)) {
        for (int count : new int[] {1, 2}) {
          byte[][] faces = faces(pixels, count);
          double infer =
              measure(trainBatches * 20, SMALL_BATCH_WARMUP, count, () -> predictor.predict(faces));
          System.out.printf("djl_infer_b%d_images_per_s %.0f%n", count, infer);
        }
        byte[][] faces = faces(pixels, 128);
        double infer128 = measure(trainBatches, WARMUP, 128, () -> predictor.predict(faces));
        System.out.printf("djl_infer_b128_images_per_s %.0f%n", infer128);
      }
    }
  }

  private static byte[][] faces(byte[] pixels, int count) {
    byte[][] faces = new byte[count][];
    for (int i = 0; i < count; i++) {
      faces[i] = Arrays.copyOfRange(pixels, i * FaceSet.PIXELS, (i + 1) * FaceSet.PIXELS);
    }
    return faces;
  }

  private static double measure(int repeats, int warmup, int imagesPerRepeat, Runnable step) {
    for (int i = 0; i < warmup; i++) {
      step.run();
    }
    long start = System.nanoTime();
    for (int i = 0; i < repeats; i++) {
      step.run();
    }
    return repeats * (double) imagesPerRepeat / ((System.nanoTime() - start) / 1e9);
  }
}
