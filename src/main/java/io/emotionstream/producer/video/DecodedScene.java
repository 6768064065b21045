package io.emotionstream.producer.video;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One decoded frame of a source, owned by whoever holds it until {@link #close}: its pixels are
 * native memory, released at once rather than whenever the garbage collector gets to them.
 *
 * @param picture 8-bit, BGR or gray (one channel)
 * @param index the frame's index in its source, every decoded frame counted from 0
 * @param sourceTimeMs its position in the source, ms from the start
 * @param captureTimeMs the wall-clock time it was read
 */
record DecodedScene(Mat picture, long index, long sourceTimeMs, long captureTimeMs)
    implements AutoCloseable {
  int width() {
    return picture.cols();
  }

  int height() {
    return picture.rows();
  }

  /** The same frame, stamped as captured at this moment. */
  DecodedScene capturedNow() {
    return new DecodedScene(picture, index, sourceTimeMs, System.currentTimeMillis());
  }

  @Override
  public void close() {
    picture.close();
  }
}
