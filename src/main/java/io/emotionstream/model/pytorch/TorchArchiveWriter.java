package io.emotionstream.model.pytorch;

import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the zip archive torch.save writes: every record stored uncompressed in one folder, and
 * each record's data starting at a multiple of 64 bytes from the start of the file, as PyTorch's
 * own writer (caffe2's PyTorchStreamWriter) places them so that a reader may map storages straight
 * from the file. The padding goes where PyTorch puts it, in an extra field of the record's local
 * header (id "FB", filled with 'Z'), which zip readers skip.
 */
final class TorchArchiveWriter implements Closeable {
  private static final int ALIGNMENT = 64;
  private static final int LOCAL_HEADER_BYTES = 30;
  private static final int EXTRA_FIELD_HEADER_BYTES = 4;
  // A fixed date, so the same tensors give the same bytes. Within the DOS range, so that no
  // timestamp extra
  // field joins the padding, and not its first second, which the JDK takes for "before 1980" and
  // adds one for.
  private static final LocalDateTime RECORD_TIME = LocalDateTime.of(1980, 1, 2, 0, 0);

  private final Counting counted;
  private final ZipOutputStream zip;
  private final String folder;

  TorchArchiveWriter(OutputStream out, String folder) {
    counted = new Counting(out);
    zip = new ZipOutputStream(counted);
    this.folder = folder;
  }

  void write(String name, byte[] data) throws IOException {
    String fullName = folder + "/" + name;
    ZipEntry entry = new ZipEntry(fullName);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(data.length);
    entry.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    entry.setCrc(crc.getValue());
    entry.setTimeLocal(RECORD_TIME);
    long dataStart =
        counted.count
            + LOCAL_HEADER_BYTES
            + fullName.getBytes(StandardCharsets.UTF_8).length
            + EXTRA_FIELD_HEADER_BYTES;
    int padding = (int) ((ALIGNMENT - dataStart % ALIGNMENT) % ALIGNMENT);
    byte[] extra = new byte[EXTRA_FIELD_HEADER_BYTES + padding];
    Arrays.fill(extra, (byte) 'Z');
    extra[0] = 'F';
    extra[1] = 'B';
    extra[2] = (byte) padding;
    extra[3] = (byte) (padding >> 8);
    entry.setExtra(extra);
    zip.putNextEntry(entry);
    zip.write(data);
    zip.closeEntry();
  }

  /** Writes the central directory; the underlying stream is closed too. */
  @Override
  public void close() throws IOException {
    zip.close();
  }

  /** Counts what reaches the file, which is where the next local header will start. */
  private static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
