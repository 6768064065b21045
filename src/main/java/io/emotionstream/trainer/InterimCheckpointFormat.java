package io.emotionstream.trainer;

import io.emotionstream.model.DeepEmotion;
import io.emotionstream.model.Hyperparameters;
import io.emotionstream.model.ModelWeights;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint file of its own until the model package's format exists: magic, architecture and its
 * version, hyperparameters, then every tensor by state_dict name with its shape and float32 values,
 * all big-endian. Replace it by the model package's format by swapping the {@link CheckpointFormat}
 * the trainer and {@code publish-checkpoint} are given.
 */
public final class InterimCheckpointFormat implements CheckpointFormat {
  private static final int MAGIC = 0x454d434b; // "EMCK"
  private static final int FORMAT_VERSION = 1;
  private static final int MAX_TENSORS = 1_000;

  @Override
  public byte[] encode(ModelWeights weights, Hyperparameters h) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeUTF(DeepEmotion.ARCHITECTURE);
      out.writeInt(DeepEmotion.ARCHITECTURE_VERSION);
      out.writeInt(h.epochs());
      out.writeDouble(h.learningRate());
      out.writeInt(h.batchSize());
      out.writeUTF(h.optimizer());
      out.writeDouble(h.momentum());
      out.writeDouble(h.weightDecay());
      out.writeDouble(h.dropout());
      out.writeUTF(h.loss());
      out.writeLong(h.seed());
      out.writeInt(weights.tensors().size());
      for (Map.Entry<String, ModelWeights.Tensor> entry : weights.tensors().entrySet()) {
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Contents decode(byte[] file) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(file))) {
      if (file.length < 8 || in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a checkpoint file: it does not start with EMCK");
      }
      int format = in.readInt();
      if (format != FORMAT_VERSION) {
        throw new IllegalArgumentException("checkpoint file format " + format + " is unknown; this build reads "
            + FORMAT_VERSION);
      }
      String architecture = in.readUTF();
      int architectureVersion = in.readInt();
      if (!architecture.equals(DeepEmotion.ARCHITECTURE) || architectureVersion != DeepEmotion.ARCHITECTURE_VERSION) {
        throw new IllegalArgumentException("checkpoint is of " + architecture + " v" + architectureVersion
            + ", this build runs " + DeepEmotion.ARCHITECTURE + " v" + DeepEmotion.ARCHITECTURE_VERSION);
      }
      Hyperparameters hyperparameters = new Hyperparameters(in.readInt(), in.readDouble(), in.readInt(),
          in.readUTF(), in.readDouble(), in.readDouble(), in.readDouble(), in.readUTF(), in.readLong());
      int count = in.readInt();
      if (count < 0 || count > MAX_TENSORS) {
        throw new IllegalArgumentException("checkpoint claims " + count + " tensors");
      }
      Map<String, ModelWeights.Tensor> tensors = new LinkedHashMap<>();
      for (int t = 0; t < count; t++) {
        String name = in.readUTF();
        int rank = in.readInt();
        if (rank < 0 || rank > 8) {
          throw new IllegalArgumentException("tensor " + name + " claims rank " + rank);
        }
        long[] shape = new long[rank];
        long size = 1;
        for (int d = 0; d < rank; d++) {
          shape[d] = in.readLong();
          size *= shape[d];
        }
        if (shape.length > 0 && (size < 0 || size * 4 > in.available())) {
          throw new IllegalArgumentException("tensor " + name + " needs more bytes than the file has left");
        }
        float[] values = new float[(int) size];
        for (int i = 0; i < values.length; i++) {
          values[i] = in.readFloat();
        }
        tensors.put(name, new ModelWeights.Tensor(shape, values));
      }
      if (in.available() > 0) {
        throw new IllegalArgumentException("checkpoint has " + in.available() + " bytes after its last tensor");
      }
      return new Contents(new ModelWeights(tensors), hyperparameters);
    } catch (IOException e) {
      throw new IllegalArgumentException("checkpoint file is truncated: " + e.getMessage(), e);
    }
  }
}
