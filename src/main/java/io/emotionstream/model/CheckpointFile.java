package io.emotionstream.model;

import io.emotionstream.avro.ModelCheckpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint file format, the same bytes on disk and inside Kafka messages. Big-endian:
 *
 * <pre>
 *   8 bytes  magic "EMOCKPT1"
 *   UTF      architecture name, int architecture version
 *   hyperparameters: int epochs, double lr, int batch, UTF optimizer, double momentum,
 *                    double weight decay, double dropout, UTF loss, long seed
 *   int epoch, int total epochs, double train loss/accuracy, validation loss/accuracy
 *   int tensor count, then per tensor: UTF name, int rank, long[rank] shape, float32 values
 *   only in "EMOCKPT2": UTF optimizer, int steps, then its state tensors as the weights above,
 *                       named "&lt;parameter&gt;#&lt;slot&gt;"
 *   32 bytes SHA-256 of everything before it
 * </pre>
 *
 * <p>A checkpoint without optimizer state is written as "EMOCKPT1", so files of earlier builds and
 * imported weights read the same.
 */
public final class CheckpointFile {
  private static final byte[] MAGIC =
      "EMOCKPT1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] MAGIC_WITH_OPTIMIZER =
      "EMOCKPT2".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int DIGEST_BYTES = 32;
  private static final int MAX_TENSORS = 1024;
  private static final int MAX_RANK = 8;

  private CheckpointFile() {}

  public static byte[] toBytes(Checkpoint checkpoint) {
    ByteArrayOutputStream buffer =
        new ByteArrayOutputStream(checkpoint.optimizer() == null ? 300_000 : 900_000);
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      OptimizerState optimizer = checkpoint.optimizer();
      out.write(optimizer == null ? MAGIC : MAGIC_WITH_OPTIMIZER);
      out.writeUTF(checkpoint.architecture());
      out.writeInt(checkpoint.architectureVersion());
      Hyperparameters h = checkpoint.hyperparameters();
      out.writeInt(h.epochs());
      out.writeDouble(h.learningRate());
      out.writeInt(h.batchSize());
      out.writeUTF(h.optimizer());
      out.writeDouble(h.momentum());
      out.writeDouble(h.weightDecay());
      out.writeDouble(h.dropout());
      out.writeUTF(h.loss());
      out.writeLong(h.seed());
      out.writeInt(checkpoint.epoch());
      out.writeInt(checkpoint.totalEpochs());
      out.writeDouble(checkpoint.trainLoss());
      out.writeDouble(checkpoint.trainAccuracy());
      out.writeDouble(checkpoint.validationLoss());
      out.writeDouble(checkpoint.validationAccuracy());
      writeTensors(out, checkpoint.weights().tensors());
      if (optimizer != null) {
        out.writeUTF(optimizer.optimizer());
        out.writeInt(optimizer.steps());
        writeTensors(out, optimizer.slots());
      }
      out.flush();
      out.write(sha256(buffer.toByteArray()));
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return buffer.toByteArray();
  }

  public static Checkpoint fromBytes(byte[] bytes) throws CheckpointException {
    byte[] magic = Arrays.copyOf(bytes, MAGIC.length);
    boolean withOptimizer = Arrays.equals(magic, MAGIC_WITH_OPTIMIZER);
    if (bytes.length < MAGIC.length || !(withOptimizer || Arrays.equals(magic, MAGIC))) {
      throw new CheckpointException(
          "not an emotion-stream checkpoint (no EMOCKPT1 or EMOCKPT2 header)");
    }
    if (bytes.length < MAGIC.length + DIGEST_BYTES) {
      throw new CheckpointException("checkpoint truncated: only " + bytes.length + " bytes");
    }
    int bodyLength = bytes.length - DIGEST_BYTES;
    byte[] expected = Arrays.copyOfRange(bytes, bodyLength, bytes.length);
    byte[] actual = sha256(Arrays.copyOf(bytes, bodyLength));
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new CheckpointException(
          "checkpoint corrupt or truncated: SHA-256 "
              + HexFormat.of().formatHex(actual)
              + " does not match the recorded "
              + HexFormat.of().formatHex(expected));
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bodyLength))) {
      in.skipNBytes(MAGIC.length);
      String architecture = in.readUTF();
      int architectureVersion = in.readInt();
      if (!architecture.equals(DeepEmotion.ARCHITECTURE)
          || architectureVersion != DeepEmotion.ARCHITECTURE_VERSION) {
        throw new CheckpointException(
            "checkpoint is for "
                + architecture
                + " v"
                + architectureVersion
                + ", this build runs "
                + DeepEmotion.ARCHITECTURE
                + " v"
                + DeepEmotion.ARCHITECTURE_VERSION);
      }
      Hyperparameters hyperparameters;
      try {
        hyperparameters =
            new Hyperparameters(
                in.readInt(),
                in.readDouble(),
                in.readInt(),
                in.readUTF(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readUTF(),
                in.readLong());
      } catch (IllegalArgumentException e) {
        throw new CheckpointException(
            "checkpoint holds invalid hyperparameters: " + e.getMessage(), e);
      }
      int epoch = in.readInt();
      int totalEpochs = in.readInt();
      double trainLoss = in.readDouble();
      double trainAccuracy = in.readDouble();
      double validationLoss = in.readDouble();
      double validationAccuracy = in.readDouble();
      ModelWeights weights = new ModelWeights(readTensors(in, bodyLength));
      OptimizerState optimizer = null;
      if (withOptimizer) {
        String name = in.readUTF();
        int steps = in.readInt();
        optimizer = new OptimizerState(name, steps, readTensors(in, bodyLength));
      }
      if (in.available() > 0) {
        throw new CheckpointException(
            "checkpoint has " + in.available() + " unexpected trailing bytes");
      }
      return new Checkpoint(
          architecture,
          architectureVersion,
          hyperparameters,
          epoch,
          totalEpochs,
          trainLoss,
          trainAccuracy,
          validationLoss,
          validationAccuracy,
          weights,
          optimizer);
    } catch (EOFException e) {
      throw new CheckpointException("checkpoint truncated: its content ends early", e);
    } catch (IOException e) {
      throw new CheckpointException("checkpoint unreadable: " + e.getMessage(), e);
    }
  }

  private static void writeTensors(DataOutputStream out, Map<String, ModelWeights.Tensor> tensors)
      throws IOException {
    out.writeInt(tensors.size());
    for (Map.Entry<String, ModelWeights.Tensor> entry : tensors.entrySet()) {
      out.writeUTF(entry.getKey());
      long[] shape = entry.getValue().shape();
      out.writeInt(shape.length);
      for (long dimension : shape) {
        out.writeLong(dimension);
      }
      for (float value : entry.getValue().values()) {
        out.writeFloat(value);
      }
    }
  }

  /** Reads what {@link #writeTensors} wrote, refusing claims larger than the file. */
  private static Map<String, ModelWeights.Tensor> readTensors(DataInputStream in, int bodyLength)
      throws IOException {
    int count = in.readInt();
    if (count < 0 || count > MAX_TENSORS) {
      throw new CheckpointException("checkpoint claims " + count + " tensors");
    }
    Map<String, ModelWeights.Tensor> tensors = new LinkedHashMap<>();
    for (int t = 0; t < count; t++) {
      String name = in.readUTF();
      int rank = in.readInt();
      if (rank < 0 || rank > MAX_RANK) {
        throw new CheckpointException("tensor " + name + " claims rank " + rank);
      }
      long[] shape = new long[rank];
      long size = 1;
      for (int d = 0; d < rank; d++) {
        shape[d] = in.readLong();
        if (shape[d] < 0 || shape[d] > bodyLength) {
          throw new CheckpointException("tensor " + name + " claims dimension " + shape[d]);
        }
        size *= shape[d];
      }
      if (size * Float.BYTES > bodyLength) {
        throw new CheckpointException(
            "tensor " + name + " claims " + size + " values, more than the file holds");
      }
      float[] values = new float[(int) size];
      for (int i = 0; i < values.length; i++) {
        values[i] = in.readFloat();
      }
      tensors.put(name, new ModelWeights.Tensor(shape, values));
    }
    return tensors;
  }

  /** The checkpoint file a checkpoints-topic record carries. */
  public static Checkpoint fromRecord(ModelCheckpoint record) throws CheckpointException {
    byte[] bytes = new byte[record.getWeights().remaining()];
    record.getWeights().duplicate().get(bytes);
    return fromBytes(bytes);
  }

  /** Writes atomically: a reader never sees half a checkpoint. */
  public static void write(Checkpoint checkpoint, Path file) throws IOException {
    AtomicFile.write(file, toBytes(checkpoint));
  }

  public static Checkpoint read(Path file) throws IOException {
    try {
      return fromBytes(Files.readAllBytes(file));
    } catch (CheckpointException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  /** Hex SHA-256 of a checkpoint's bytes, as carried beside them in Kafka messages. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
