package io.emotionstream.classifier;

import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.CheckpointException;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.EmotionPredictor;

/** Serves the Deep-Emotion network a checkpoint carries, through DJL's PyTorch engine. */
public final class DjlModelLoader implements ModelLoader {

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
        return predictor.predict(faces);
      }

      @Override
      public void close() {
        predictor.close();
      }
    };
  }
}
