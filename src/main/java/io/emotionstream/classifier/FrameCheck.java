package io.emotionstream.classifier;

import io.emotionstream.avro.FaceFrame;

/** Whether a frame is an image the classifier can use, and if not, why not in words. */
final class FrameCheck {
  /** Larger frames are almost surely not faces but mistakes, and would stall a stream thread. */
  static final int MAX_SIDE = 4096;

  private FrameCheck() {}

  /** Null when the frame is usable, else the reason it is not. */
  static String problem(FaceFrame frame) {
    int pixels = frame.getPixels() == null ? 0 : frame.getPixels().remaining();
    if (pixels == 0) {
      return "frame " + frame.getFrameId() + " has no pixels";
    }
    if (frame.getWidth() <= 0 || frame.getHeight() <= 0) {
      return "frame "
          + frame.getFrameId()
          + " has size "
          + frame.getWidth()
          + "x"
          + frame.getHeight()
          + "; width and height must be positive";
    }
    if (frame.getWidth() > MAX_SIDE || frame.getHeight() > MAX_SIDE) {
      return "frame "
          + frame.getFrameId()
          + " is "
          + frame.getWidth()
          + "x"
          + frame.getHeight()
          + ", larger than "
          + MAX_SIDE
          + " on a side";
    }
    long expected = (long) frame.getWidth() * frame.getHeight();
    if (pixels != expected) {
      return "frame "
          + frame.getFrameId()
          + " is "
          + frame.getWidth()
          + "x"
          + frame.getHeight()
          + " = "
          + expected
          + " pixels but carries "
          + pixels;
    }
    return null;
  }
}
