package io.emotionstream.classifier;

import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.CheckpointException;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.EmotionPredictor;
import io.emotionstream.model.IntraOpThreads;

/** Serves the Deep-Emotion network a checkpoint carries, through DJL's PyTorch engine. */
public final class DjlModelLoader implements ModelLoader {
  /**
   * One: the batches of a live stream are small, at which one thread classifies nearly as fast as
   * two (docs/BENCHMARKS.md), and a core left free keeps the stream thread, its clients and a
   * broker on the same machine from stalling each operation's threads. More cores are used by more
   * stream threads.
   */
  public static final int DEFAULT_INFERENCE_THREADS = 1;

  private final int inferenceThreads;

  /**
   * @param inferenceThreads how many threads libtorch uses for one batch
   */
  public DjlModelLoader(int inferenceThreads) {
    if (inferenceThreads < 1) {
      throw new IllegalArgumentException(
          "inference threads must be at least 1, got " + inferenceThreads);
    }
    this.inferenceThreads = inferenceThreads;
  }

  @Override
  public FaceClassifier load(ModelCheckpoint record) {
    Checkpoint checkpoint;
    try {
      checkpoint = CheckpointFile.fromRecord(record);
    } catch (CheckpointException e) {
      throw new RefusedCheckpointException(e.getMessage(), e);
    }
    EmotionPredictor predictor;
    try {
      predictor = EmotionPredictor.of(checkpoint);
    } catch (RuntimeException e) {
      throw new RefusedCheckpointException("weights do not fit the network: " + e.getMessage(), e);
    }
    return new FaceClassifier() {
      @Override
      public float[][] probabilities(byte[][] faces) {
        IntraOpThreads.useOnCurrentThread(inferenceThreads);
        return predictor.predict(faces);
      }

      @Override
      public void close() {
        predictor.close();
      }
    };
  }
}
