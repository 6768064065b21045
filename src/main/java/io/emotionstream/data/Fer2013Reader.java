package io.emotionstream.data;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;

/**
 * Streams the rows of a FER2013-style CSV one at a time, so a 300 MB file never has to be held.
 *
 * <p>Reads Kaggle's {@code fer2013.csv} ({@code emotion,pixels,Usage}), the challenge's {@code
 * train.csv} ({@code emotion,pixels}) and {@code icml_face_data.csv} ({@code emotion, Usage,
 * pixels}): columns are found by their trimmed, case-insensitive header name, other columns are
 * ignored. Without a Usage column the {@link SplitRule} decides each row's split.
 *
 * <p>The parser works on the file's bytes, not on decoded strings: a row is 2,304 small numbers,
 * and splitting them into strings and parsing each costs several times the reading itself. Only a
 * rejected line is decoded, to carry it as text.
 */
public final class Fer2013Reader extends RowReader {
  public static final String EMOTION_COLUMN = "emotion";
  public static final String PIXELS_COLUMN = "pixels";
  public static final String USAGE_COLUMN = "usage";

  private static final Emotion[] EMOTION_BY_LABEL = Emotion.values();
  private static final int EMOTIONS = EMOTION_BY_LABEL.length;
  private static final VarHandle LONG_LITTLE_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ZEROS = 0x3030303030303030L;
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long COMMAS = 0x2C2C2C2C2C2C2C2CL;
  private static final long QUOTES = 0x2222222222222222L;

  /** Room for every value of a field with too many, without a bounds test per value. */
  private static final int SCRATCH_MASK = 4095;

  private final InputStream in;
  private final String source;
  private final SplitRule splitRule;
  private final byte[] chunk = new byte[1 << 16];
  private int chunkPosition;
  private int chunkLength;
  private byte[] line = new byte[8192];
  private int lineLength;

  /** Positions in {@link #line} of the commas outside double quotes, found while reading it. */
  private int[] separators = new int[16];

  private final byte[] pixelScratch = new byte[SCRATCH_MASK + 1];
  private int separatorCount;
  private boolean quoted;
  private long lineNumber;
  private long dataRowIndex;

  private final List<String> header;
  private final List<String> headerAsWritten;
  private final int labelColumn;
  private final int pixelsColumn;
  private final int usageColumn;
  private int[] fieldStart;
  private int[] fieldEnd;

  /**
   * Opens {@code csv} (gzip-compressed if its name ends in {@code .gz}) and reads its header.
   *
   * @throws Fer2013FormatException if the file is empty or its header lacks emotion or pixels
   */
  public static Fer2013Reader open(Path csv, SplitRule splitRule) throws IOException {
    InputStream stream = Files.newInputStream(csv);
    try {
      if (csv.getFileName().toString().endsWith(".gz")) {
        stream = new GZIPInputStream(stream, 1 << 16);
      }
      return new Fer2013Reader(stream, csv.toString(), splitRule);
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  /**
   * Reads the header from {@code in}; the reader owns the stream from here and closes it.
   *
   * @param source names the input in messages, such as the file name
   */
  public Fer2013Reader(InputStream in, String source, SplitRule splitRule) throws IOException {
    this.in = in;
    this.source = source;
    this.splitRule = splitRule;
    if (!readLine()) {
      throw new Fer2013FormatException(
          source + " is empty: expected a header line such as emotion,pixels,Usage");
    }
    headerAsWritten = parseHeader();
    header = headerAsWritten.stream().map(name -> name.toLowerCase(Locale.ROOT)).toList();
    labelColumn = header.indexOf(EMOTION_COLUMN);
    pixelsColumn = header.indexOf(PIXELS_COLUMN);
    usageColumn = header.indexOf(USAGE_COLUMN);
    if (labelColumn < 0 || pixelsColumn < 0) {
      throw new Fer2013FormatException(
          source
              + ":1: the header '"
              + decodeLine().strip()
              + "' has no '"
              + (labelColumn < 0 ? EMOTION_COLUMN : PIXELS_COLUMN)
              + "' column; expected emotion,pixels[,Usage] in any order");
    }
    fieldStart = new int[header.size() + 1];
    fieldEnd = new int[header.size() + 1];
  }

  /** Whether the file carries its own split; if not, the {@link SplitRule} assigns one. */
  public boolean hasUsageColumn() {
    return usageColumn >= 0;
  }

  /** The header's column names, trimmed and lower-cased. */
  public List<String> columns() {
    return header;
  }

  @Override
  public String source() {
    return source;
  }

  /** The remaining rows as a sequential stream; closing the stream closes the reader. */
  public Stream<CsvRow> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(
            () -> {
              try {
                close();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  @Override
  public void close() throws IOException {
    finish();
    in.close();
  }

  @Override
  CsvRow readRow() {
    try {
      while (readLine()) {
        if (!isBlankLine()) {
          CsvRow row = parseRow(dataRowIndex);
          dataRowIndex++;
          return row;
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + source + " after line " + lineNumber, e);
    }
  }

  private CsvRow parseRow(long rowIndex) {
    int fields = splitFields();
    if (fields != header.size()) {
      return reject(columnCountReason(fields));
    }

    int labelStart = fieldStart[labelColumn];
    int labelEnd = fieldEnd[labelColumn];
    int label = parseSmallInt(labelStart, labelEnd);
    if (label < 0) {
      String text = text(labelStart, labelEnd);
      return reject(
          text.isEmpty()
              ? "the emotion label is empty"
              : "the emotion label '" + text + "' is not a number");
    }
    if (label >= EMOTIONS) {
      return reject(
          "the emotion label "
              + label
              + " is not a class 0.."
              + (EMOTIONS - 1)
              + " (FER2013 order)");
    }

    Usage usage;
    if (usageColumn >= 0) {
      String name = text(fieldStart[usageColumn], fieldEnd[usageColumn]);
      Optional<Usage> parsed = Fer2013Usage.parse(name);
      if (parsed.isEmpty()) {
        return reject(
            "the Usage '"
                + name
                + "' is not one of "
                + Fer2013Usage.TRAINING
                + ", "
                + Fer2013Usage.PUBLIC_TEST
                + ", "
                + Fer2013Usage.PRIVATE_TEST);
      }
      usage = parsed.get();
    } else {
      usage = splitRule.usageOf(rowIndex);
    }

    byte[] pixels = new byte[FaceSet.PIXELS];
    String pixelProblem = parsePixels(fieldStart[pixelsColumn], fieldEnd[pixelsColumn], pixels);
    if (pixelProblem != null) {
      return reject(pixelProblem);
    }
    return new Fer2013Row(lineNumber, EMOTION_BY_LABEL[label], pixels, usage);
  }

  private String columnCountReason(int fields) {
    if (fields > header.size()) {
      return "the row has " + fields + " columns but the header has " + header.size();
    }
    String missing = headerAsWritten.get(fields);
    for (int column : new int[] {labelColumn, pixelsColumn, usageColumn}) {
      if (column >= fields) {
        missing = headerAsWritten.get(column);
        break;
      }
    }
    return "missing column '"
        + missing
        + "': the row has "
        + fields
        + " of the header's "
        + header.size()
        + " columns";
  }

  /** Returns null when 2,304 values 0..255 were read into {@code pixels}, else the reason. */
  private String parsePixels(int start, int end, byte[] pixels) {
    if (parseWellFormedPixels(start, end, pixels)) {
      return null;
    }
    return parsePixelsExplaining(start, end, pixels);
  }

  /**
   * The fast path for the common shape, numbers of 1 to 3 digits each followed by one space. Eight
   * bytes are read as one word, which holds the next two numbers whenever both fit (always, for
   * numbers of up to 3 digits): one load, a bit mask of the non-digit bytes, and no branch that
   * depends on the digits. Returns false for anything else (the careful parser then decides and
   * explains).
   */
  private boolean parseWellFormedPixels(int start, int end, byte[] pixels) {
    byte[] bytes = line;
    byte[] values = pixelScratch;
    byte saved = bytes[end];
    bytes[end] = ' ';
    int count = 0;
    int malformed = 0;
    int i = start;
    while (i < end) {
      long x = ((long) LONG_LITTLE_ENDIAN.get(bytes, i)) ^ ZEROS; // digits become bytes 0..9
      // High bit of each byte that is not a digit. A carry can only flag bytes after a non-digit,
      // so the first flagged byte is exact, and so is the second once the first is a space.
      long nonDigits = ((x + 0x7676767676767676L) | x) & 0x8080808080808080L;
      int firstEnd = Long.numberOfTrailingZeros(nonDigits) >>> 3;
      int secondEnd = Long.numberOfTrailingZeros(nonDigits & (nonDigits - 1)) >>> 3;
      int firstLength = firstEnd;
      int secondLength = secondEnd - firstEnd - 1;
      int first = digitsValue((int) x, firstLength);
      int second = digitsValue((int) (x >>> ((firstEnd + 1) << 3)), secondLength);
      malformed |= outOfShape(firstLength, first, separator(x, firstEnd));
      int secondMalformed =
          outOfShape(secondLength, second, separator(x, secondEnd)) | (end - i - secondEnd);
      values[count & SCRATCH_MASK] = (byte) first;
      values[(count + 1) & SCRATCH_MASK] = (byte) second;
      // The second number counts only when wholly in this word and in this field, and well formed;
      // otherwise the next word starts at it.
      boolean both = secondEnd < Long.BYTES && secondMalformed >= 0;
      count += both ? 2 : 1;
      i += both ? secondEnd + 1 : firstEnd + 1;
    }
    bytes[end] = saved;
    if (malformed < 0 || count != FaceSet.PIXELS) {
      return false;
    }
    System.arraycopy(values, 0, pixels, 0, FaceSet.PIXELS);
    return true;
  }

  /**
   * The value of the {@code length} (at most 3 meaningful) digit bytes at the bottom of {@code x}.
   */
  private static int digitsValue(int x, int length) {
    int digits = x << ((3 - length) << 3); // right-aligned into bytes 0..2
    return (digits & 0xFF) * 100 + ((digits >>> 8) & 0xFF) * 10 + ((digits >>> 16) & 0xFF);
  }

  /** The byte at {@code index} of {@code x}, still offset by '0'; 0 past the word's end. */
  private static int separator(long x, int index) {
    return index < Long.BYTES ? (int) (x >>> (index << 3)) & 0xFF : 0;
  }

  /** Negative unless a number is 1 to 3 digits worth at most 255 followed by a space. */
  private static int outOfShape(int length, int value, int separator) {
    return ((length - 1) | (3 - length) | (255 - value) | -(separator ^ (' ' ^ '0'))) & 0x80000000;
  }

  private String parsePixelsExplaining(int start, int end, byte[] pixels) {
    byte[] bytes = line;
    int count = 0;
    int i = start;
    while (i < end) {
      if (bytes[i] == ' ' || bytes[i] == '\t') {
        i++;
        continue;
      }
      int tokenStart = i;
      int value = 0;
      boolean digitsOnly = true;
      for (; i < end; i++) {
        int digit = bytes[i] - '0';
        if (digit >= 0 && digit <= 9) {
          // Saturates instead of overflowing; anything above 255 is rejected below.
          value = value * 10 + digit > 999 ? 1000 : value * 10 + digit;
        } else if (bytes[i] == ' ' || bytes[i] == '\t') {
          break;
        } else {
          digitsOnly = false;
        }
      }
      count++;
      if (!digitsOnly) {
        String token = text(tokenStart, i);
        return isInteger(token)
            ? "pixel value #" + count + " is " + token + ", outside 0..255"
            : "pixel value #" + count + " '" + token + "' is not a number";
      }
      if (value > 255) {
        return "pixel value #" + count + " is " + text(tokenStart, i) + ", outside 0..255";
      }
      if (count <= FaceSet.PIXELS) {
        pixels[count - 1] = (byte) value;
      }
    }
    if (count != FaceSet.PIXELS) {
      return "expected " + FaceSet.PIXELS + " pixel values (48x48), found " + count;
    }
    return null;
  }

  private static boolean isInteger(String token) {
    return token.matches("[+-]?[0-9]+");
  }

  /** A non-negative integer of at most 9 digits, or -1. */
  private int parseSmallInt(int start, int end) {
    if (start >= end || end - start > 9) {
      return -1;
    }
    int value = 0;
    for (int i = start; i < end; i++) {
      int digit = line[i] - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  /**
   * Cuts the current line at its separators into trimmed, unquoted field ranges and returns how
   * many fields there are (counting past the header's size, without recording them).
   */
  private int splitFields() {
    int fields = separatorCount + 1;
    int start = 0;
    for (int field = 0; field < fields && field < fieldStart.length; field++) {
      int end = field < separatorCount ? separators[field] : lineLength;
      recordField(field, start, end);
      start = end + 1;
    }
    return fields;
  }

  private void recordField(int field, int start, int end) {
    while (start < end && isSpace(line[start])) {
      start++;
    }
    while (end > start && isSpace(line[end - 1])) {
      end--;
    }
    if (end - start >= 2 && line[start] == '"' && line[end - 1] == '"') {
      start++;
      end--;
      while (start < end && isSpace(line[start])) {
        start++;
      }
      while (end > start && isSpace(line[end - 1])) {
        end--;
      }
    }
    fieldStart[field] = start;
    fieldEnd[field] = end;
  }

  private List<String> parseHeader() {
    int start = 0;
    // A UTF-8 byte-order mark, as spreadsheet programs write, is not part of the first name.
    if (lineLength >= 3
        && (line[0] & 0xFF) == 0xEF
        && (line[1] & 0xFF) == 0xBB
        && (line[2] & 0xFF) == 0xBF) {
      start = 3;
    }
    String text = new String(line, start, lineLength - start, StandardCharsets.UTF_8);
    List<String> names = new ArrayList<>();
    for (String name : text.split(",", -1)) {
      String trimmed = name.strip();
      if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
        trimmed = trimmed.substring(1, trimmed.length() - 1).strip();
      }
      names.add(trimmed);
    }
    return List.copyOf(names);
  }

  private RejectedRow reject(String reason) {
    return new RejectedRow(lineNumber, reason, decodeLine());
  }

  private String decodeLine() {
    return new String(line, 0, lineLength, StandardCharsets.UTF_8);
  }

  private String text(int start, int end) {
    return new String(line, start, end - start, StandardCharsets.UTF_8);
  }

  private boolean isBlankLine() {
    for (int i = 0; i < lineLength; i++) {
      if (!isSpace(line[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r';
  }

  /** Reads the next line (without its terminator) into {@link #line}; false at end of input. */
  private boolean readLine() throws IOException {
    lineLength = 0;
    separatorCount = 0;
    quoted = false;
    boolean sawAny = false;
    while (true) {
      if (chunkPosition == chunkLength) {
        chunkLength = in.read(chunk, 0, chunk.length);
        chunkPosition = 0;
        if (chunkLength <= 0) {
          chunkLength = 0;
          if (!sawAny) {
            return false;
          }
          break;
        }
      }
      sawAny = true;
      // One pass finds both the line's end and its field separators, since every byte is looked at
      // here anyway; a second pass over 7 KB lines to split them would cost as much again.
      int newline = -1;
      byte[] bytes = chunk;
      int offset = lineLength - chunkPosition;
      int lastWord = chunkLength - Long.BYTES;
      int i = chunkPosition;
      while (i < chunkLength) {
        // Pixel fields are thousands of digits and spaces: skip them a word at a time, and look at
        // single bytes only near a newline, comma or quote.
        while (i <= lastWord && !holdsSpecialByte((long) LONG_LITTLE_ENDIAN.get(bytes, i))) {
          i += Long.BYTES;
        }
        if (i == chunkLength) {
          break;
        }
        byte b = bytes[i];
        if (b == '\n') {
          newline = i;
          break;
        }
        if (b == ',') {
          if (!quoted) {
            addSeparator(i + offset);
          }
        } else if (b == '"') {
          quoted = !quoted;
        }
        i++;
      }
      int end = newline < 0 ? chunkLength : newline;
      append(chunkPosition, end);
      chunkPosition = newline < 0 ? chunkLength : newline + 1;
      if (newline >= 0) {
        break;
      }
    }
    if (lineLength > 0 && line[lineLength - 1] == '\r') {
      lineLength--;
    }
    lineNumber++;
    return true;
  }

  /** Whether any byte of {@code word} is a newline, a comma or a double quote. */
  private static boolean holdsSpecialByte(long word) {
    return (zeroByteFlags(word ^ NEWLINES)
            | zeroByteFlags(word ^ COMMAS)
            | zeroByteFlags(word ^ QUOTES))
        != 0;
  }

  /** Non-zero exactly when some byte of {@code v} is zero. */
  private static long zeroByteFlags(long v) {
    return (v - 0x0101010101010101L) & ~v & 0x8080808080808080L;
  }

  private void addSeparator(int position) {
    if (separatorCount == separators.length) {
      separators = java.util.Arrays.copyOf(separators, separators.length * 2);
    }
    separators[separatorCount++] = position;
  }

  private void append(int from, int to) {
    int length = to - from;
    // The slack lets the pixel parser place a sentinel at a field's end and read a word past it.
    if (lineLength + length + Long.BYTES + 1 > line.length) {
      byte[] larger = new byte[Math.max(line.length * 2, lineLength + length + Long.BYTES + 1)];
      System.arraycopy(line, 0, larger, 0, lineLength);
      line = larger;
    }
    System.arraycopy(chunk, from, line, lineLength, length);
    lineLength += length;
  }
}
