package io.emotionstream.kafka;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hex SHA-256, the checksum checkpoints carry on the wire. */
public final class Sha256 {
  private Sha256() {}

  public static String hex(ByteBuffer bytes) {
    MessageDigest digest = digest();
    digest.update(bytes);
    return HexFormat.of().formatHex(digest.digest());
  }

  public static String hex(byte[] bytes) {
    return hex(ByteBuffer.wrap(bytes));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
