package io.emotionstream.model.pytorch;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The zip archive torch.save has written since PyTorch 1.6: one folder (named after the file, or
 * "archive" in later versions) holding {@code data.pkl}, the pickled object, {@code data/KEY}, the
 * raw elements of each storage the pickle refers to by KEY, and {@code byteorder}, "little" or
 * "big" (absent from files of older versions, which are little-endian).
 */
final class TorchArchive implements Closeable {
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

  /**
   * A pickle of protocol 2 or later starts with this opcode; torch.save before 1.6 wrote bare
   * pickles.
   */
  private static final int PICKLE_PROTOCOL_OPCODE = 0x80;

  private final Path file;
  private final ZipFile zip;
  private final String folder;
  private ByteOrder byteOrder;

  private TorchArchive(Path file, ZipFile zip, String folder) {
    this.file = file;
    this.zip = zip;
    this.folder = folder;
  }

  static TorchArchive open(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(ZIP_MAGIC.length);
    }
    if (!Arrays.equals(head, ZIP_MAGIC)) {
      if (head.length > 0 && (head[0] & 0xff) == PICKLE_PROTOCOL_OPCODE) {
        throw new PyTorchFileException(
            file
                + " is in the legacy format of torch.save before PyTorch 1.6 (a bare "
                + "pickle, not a zip archive); load it and save it again with PyTorch 1.6 or later: "
                + "torch.save(torch.load('old.pth'), 'new.pth')");
      }
      throw new PyTorchFileException(
          file + " is not a file torch.save wrote (neither a zip archive nor a pickle)");
    }
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new PyTorchFileException(file + " is not a readable zip archive: " + e.getMessage(), e);
    }
    try {
      TorchArchive archive = new TorchArchive(file, zip, folder(zip, file));
      archive.byteOrder = archive.recordedByteOrder();
      return archive;
    } catch (IOException | RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  private static String folder(ZipFile zip, Path file) throws PyTorchFileException {
    String folder = null;
    for (ZipEntry entry : Collections.list(zip.entries())) {
      String name = entry.getName();
      int slash = name.indexOf('/');
      String inFolder = slash < 0 ? "" : name.substring(slash + 1);
      // A TorchScript module (torch.jit.save) is a zip with a data.pkl too, beside its code and
      // constants.
      if (inFolder.equals("constants.pkl") || inFolder.startsWith("code/")) {
        throw new PyTorchFileException(
            file
                + " is a TorchScript module (torch.jit.save), not a state_dict: save "
                + "net.state_dict() with torch.save, or import the module with emotion import-torchscript");
      }
      if (inFolder.equals("data.pkl")) {
        folder = name.substring(0, slash);
      }
    }
    if (folder == null) {
      throw new PyTorchFileException(
          file + " is a zip archive without a data.pkl: not a file torch.save wrote");
    }
    return folder;
  }

  Path file() {
    return file;
  }

  byte[] pickle() throws IOException {
    return record("data.pkl").orElseThrow();
  }

  private ByteOrder recordedByteOrder() throws IOException {
    Optional<byte[]> recorded = record("byteorder");
    if (recorded.isEmpty()) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    String order = new String(recorded.get(), StandardCharsets.US_ASCII).strip();
    return switch (order) {
      case "little" -> ByteOrder.LITTLE_ENDIAN;
      case "big" -> ByteOrder.BIG_ENDIAN;
      default ->
          throw new PyTorchFileException(
              file + ": its byteorder record says '" + order + "', neither little nor big");
    };
  }

  /**
   * The storage under {@code key}: its first {@code size} elements, in the archive's byte order.
   */
  TorchStorage storage(String key, TorchDtype dtype, long size) throws IOException {
    String name = "data/" + key;
    byte[] bytes =
        record(name)
            .orElseThrow(
                () ->
                    new PyTorchFileException(
                        file
                            + " lacks "
                            + folder
                            + "/"
                            + name
                            + ", the storage of a tensor its data.pkl names"));
    if (size < 0 || size > bytes.length / dtype.elementSize()) {
      throw new PyTorchFileException(
          file
              + ": "
              + folder
              + "/"
              + name
              + " holds "
              + bytes.length
              + " bytes, fewer "
              + "than the "
              + size
              + " "
              + dtype
              + " elements its data.pkl gives it");
    }
    return new TorchStorage(
        dtype, ByteBuffer.wrap(bytes, 0, (int) size * dtype.elementSize()).order(byteOrder));
  }

  private Optional<byte[]> record(String name) throws IOException {
    ZipEntry entry = zip.getEntry(folder + "/" + name);
    if (entry == null) {
      return Optional.empty();
    }
    try (InputStream in = zip.getInputStream(entry)) {
      return Optional.of(in.readAllBytes());
    } catch (ZipException e) {
      throw new PyTorchFileException(
          file + ": " + folder + "/" + name + " is unreadable: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
