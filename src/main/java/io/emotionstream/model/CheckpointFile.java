package io.emotionstream.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one checkpoint format, on disk and inside Kafka records alike:
 * <pre>
 * "EMOCKPT\n"  format version (int)  header length (int)  header (UTF-8 JSON: architecture,
 * architectureVersion, epoch, hyperparameters, metrics)  tensor count (int)
 * per tensor: name (modified UTF-8), rank (int), dims (long…), float32 values (big-endian)
 * SHA-256 of everything before it (32 bytes)
 * </pre>
 * Self-describing, so a file can be inspected and checked without the code that wrote it.
 */
public final class CheckpointFile {
  private static final byte[] MAGIC = "EMOCKPT\n".getBytes(StandardCharsets.US_ASCII);
  private static final int FORMAT_VERSION = 1;
  private static final int DIGEST_SIZE = 32;
  private static final int MAX_TENSORS = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckpointFile() {}

  public static byte[] toBytes(Checkpoint checkpoint) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(300_000);
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.write(MAGIC);
      out.writeInt(FORMAT_VERSION);
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("architecture", checkpoint.architecture());
      header.put("architectureVersion", checkpoint.architectureVersion());
      header.put("epoch", checkpoint.epoch());
      header.put("hyperparameters", checkpoint.hyperparameters());
      header.put("metrics", checkpoint.metrics());
      byte[] headerBytes = JSON.writeValueAsBytes(header);
      out.writeInt(headerBytes.length);
      out.write(headerBytes);
      Map<String, ModelWeights.Tensor> tensors = checkpoint.weights().tensors();
      out.writeInt(tensors.size());
      for (Map.Entry<String, ModelWeights.Tensor> entry : tensors.entrySet()) {
        out.writeUTF(entry.getKey());
        long[] shape = entry.getValue().shape();
        out.writeInt(shape.length);
        for (long dim : shape) {
          out.writeLong(dim);
        }
        for (float value : entry.getValue().values()) {
          out.writeFloat(value);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    byte[] body = buffer.toByteArray();
    byte[] file = Arrays.copyOf(body, body.length + DIGEST_SIZE);
    System.arraycopy(sha256(body, body.length), 0, file, body.length, DIGEST_SIZE);
    return file;
  }

  public static void write(Checkpoint checkpoint, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    // Write aside and move, so a crash never leaves a half-written "best" checkpoint behind.
    Path partial = Files.createTempFile(parent, file.getFileName().toString(), ".partial");
    Files.write(partial, toBytes(checkpoint));
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public static Checkpoint read(Path file) throws IOException, CheckpointException {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(file + ": no such checkpoint file");
    }
    try {
      return fromBytes(Files.readAllBytes(file));
    } catch (CheckpointException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  /** Reads and verifies a checkpoint; the message of the exception says what is wrong in words. */
  public static Checkpoint fromBytes(byte[] bytes) throws CheckpointException {
    if (bytes.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new CheckpointException("not an emotion-stream checkpoint (it does not start with the EMOCKPT signature)");
    }
    if (bytes.length < MAGIC.length + DIGEST_SIZE + 8) {
      throw new CheckpointException("truncated checkpoint: only " + bytes.length + " bytes");
    }
    int bodyLength = bytes.length - DIGEST_SIZE;
    byte[] expected = Arrays.copyOfRange(bytes, bodyLength, bytes.length);
    if (!MessageDigest.isEqual(expected, sha256(bytes, bodyLength))) {
      throw new CheckpointException("corrupt checkpoint: its SHA-256 does not match its contents "
          + "(truncated or altered)");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bodyLength))) {
      in.skipNBytes(MAGIC.length);
      int format = in.readInt();
      if (format != FORMAT_VERSION) {
        throw new CheckpointException("checkpoint format " + format + " is not supported (this build reads "
            + FORMAT_VERSION + ")");
      }
      byte[] headerBytes = new byte[boundedLength(in.readInt(), bodyLength, "header")];
      in.readFully(headerBytes);
      Map<String, Object> header = JSON.readValue(headerBytes, new TypeReference<>() {});
      String architecture = String.valueOf(header.get("architecture"));
      int architectureVersion = ((Number) header.get("architectureVersion")).intValue();
      if (!DeepEmotion.ARCHITECTURE.equals(architecture) || architectureVersion != DeepEmotion.ARCHITECTURE_VERSION) {
        throw new CheckpointException("checkpoint of architecture " + architecture + " v" + architectureVersion
            + "; this build serves " + DeepEmotion.ARCHITECTURE + " v" + DeepEmotion.ARCHITECTURE_VERSION);
      }
      int epoch = ((Number) header.get("epoch")).intValue();
      Map<String, String> hyperparameters = JSON.convertValue(header.get("hyperparameters"), new TypeReference<>() {});
      Map<String, Double> metrics = JSON.convertValue(header.get("metrics"), new TypeReference<>() {});
      int count = in.readInt();
      if (count < 0 || count > MAX_TENSORS) {
        throw new CheckpointException("checkpoint claims " + count + " tensors");
      }
      Map<String, ModelWeights.Tensor> tensors = new LinkedHashMap<>();
      for (int t = 0; t < count; t++) {
        String name = in.readUTF();
        long[] shape = new long[boundedLength(in.readInt(), 8, "rank of " + name)];
        long size = 1;
        for (int d = 0; d < shape.length; d++) {
          shape[d] = in.readLong();
          size = Math.multiplyExact(size, shape[d]);
        }
        float[] values = new float[boundedLength(size, bodyLength / 4, name)];
        for (int i = 0; i < values.length; i++) {
          values[i] = in.readFloat();
        }
        tensors.put(name, new ModelWeights.Tensor(shape, values));
      }
      if (in.available() != 0) {
        throw new CheckpointException(in.available() + " unexpected bytes after the last tensor");
      }
      return new Checkpoint(architecture, architectureVersion, epoch, hyperparameters, metrics,
          new ModelWeights(tensors));
    } catch (EOFException e) {
      throw new CheckpointException("truncated checkpoint: it ends inside its contents", e);
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException("unreadable checkpoint: " + e.getMessage(), e);
    }
  }

  private static int boundedLength(long length, long limit, String what) throws CheckpointException {
    if (length < 0 || length > limit) {
      throw new CheckpointException("checkpoint gives " + what + " an impossible length " + length);
    }
    return (int) length;
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes, 0, length);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
