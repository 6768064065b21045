package io.emotionstream.kafka.serde;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.CommandType;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceBox;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.Hyperparameters;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.PromotionPolicy;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.SceneFace;
import io.emotionstream.avro.SceneFrame;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;
import io.emotionstream.avro.TrainingExample;
import io.emotionstream.avro.TrainingMode;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.avro.Usage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated record of every value type the topics carry, optional fields included. */
final class SampleRecords {
  static final Instant TIME = Instant.ofEpochMilli(1_795_000_000_123L);

  private SampleRecords() {}

  static List<SpecificRecord> everyType() {
    return List.of(
        trainingExample(),
        faceFrame(),
        emotionEvent(),
        modelCheckpoint(),
        controlCommand(),
        accuracyReport(),
        trainingStatus(),
        deadLetter(),
        sceneFrame(),
        servingState());
  }

  static TrainingExample trainingExample() {
    return new TrainingExample(
        "fer2013.csv:17", Emotion.SURPRISE, pixels(2304), Usage.VALIDATION, "fer2013.csv:17");
  }

  static FaceFrame faceFrame() {
    return new FaceFrame(
        "frame-1", "camera-7", 64, 32, pixels(64 * 32), TIME, Emotion.HAPPY, sceneFace());
  }

  static SceneFace sceneFace() {
    return new SceneFace(1234L, 41_133L, 640, 480, 1, 2, new FaceBox(177, 66, 95, 95));
  }

  static SceneFrame sceneFrame() {
    return new SceneFrame(
        "camera-7",
        1234L,
        41_133L,
        TIME,
        640,
        480,
        List.of(new FaceBox(12, 40, 80, 80), new FaceBox(177, 66, 95, 95)),
        pixels(20_000));
  }

  static EmotionEvent emotionEvent() {
    List<Float> probabilities = Arrays.asList(0.01f, 0.02f, 0.03f, 0.8f, 0.04f, 0.05f, 0.05f);
    return new EmotionEvent(
        "frame-1",
        "camera-7",
        Emotion.HAPPY,
        0.8f,
        probabilities,
        12L,
        TIME,
        TIME.plusMillis(9),
        Emotion.SAD,
        sceneFace());
  }

  static ModelCheckpoint modelCheckpoint() {
    Hyperparameters hyperparameters =
        new Hyperparameters(30, 0.005, 128, "adam", 0.9, 1e-4, 0.5, "cross-entropy", 42L);
    return new ModelCheckpoint(
        "deep-emotion",
        3L,
        "run-9",
        2,
        30,
        "deep-emotion",
        1,
        hyperparameters,
        1.2,
        0.55,
        1.3,
        0.52,
        pixels(100_000),
        "ab".repeat(32),
        TIME);
  }

  static ControlCommand controlCommand() {
    return new ControlCommand(
        "cmd-1",
        CommandType.RETRAIN,
        TIME,
        TrainingMode.FINE_TUNE,
        "run-8",
        5,
        0.001,
        64,
        "sgd",
        0.9,
        0.0,
        0.3,
        "label-smoothing",
        7L,
        "tester",
        null,
        "accuracy fell");
  }

  static ServingState servingState() {
    return new ServingState(
        "deep-emotion",
        modelCheckpoint(),
        modelCheckpoint(),
        4L,
        2L,
        PromotionPolicy.GUARDED,
        ServingDecision.KEPT,
        "over 200 labelled frames version 4 has accuracy 0.500",
        "cmd-2",
        200L,
        0.5,
        0.6,
        TIME);
  }

  static AccuracyReport accuracyReport() {
    List<Double> recall = Arrays.asList(0.5, null, 1.0, 0.75, 0.0, null, 0.25);
    List<List<Long>> confusion = new java.util.ArrayList<>();
    for (int row = 0; row < 7; row++) {
      List<Long> counts = new java.util.ArrayList<>();
      for (int column = 0; column < 7; column++) {
        counts.add((long) (row * 7 + column));
      }
      confusion.add(counts);
    }
    return new AccuracyReport(
        3L, TIME, TIME.plusSeconds(60), 40L, 22L, 0.55, recall, confusion, true);
  }

  static TrainingStatus trainingStatus() {
    return new TrainingStatus(
        "run-9",
        "cmd-1",
        RunState.EPOCH_COMPLETED,
        2,
        30,
        1.2,
        0.55,
        1.3,
        0.52,
        1150.0,
        600.0,
        3L,
        "epoch 2 of 30",
        TIME);
  }

  static DeadLetter deadLetter() {
    return new DeadLetter(
        "classify",
        "payload does not start with magic byte 0",
        "io.emotionstream.kafka.serde.AvroSerdeException",
        "emotion.frames",
        0,
        41L,
        "camera-7",
        ByteBuffer.wrap(new byte[] {1, 2}),
        ByteBuffer.wrap(new byte[] {0x7b}),
        TIME);
  }

  /** {@code count} bytes covering every unsigned value, as pixels do. */
  static ByteBuffer pixels(int count) {
    byte[] bytes = new byte[count];
    for (int i = 0; i < count; i++) {
      bytes[i] = (byte) (i * 31);
    }
    return ByteBuffer.wrap(bytes);
  }
}
