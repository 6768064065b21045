package io.emotionstream.producer;

import io.emotionstream.avro.Emotion;

/** One item a frame source yields: a face image ready to send, or input it could not read. */
public sealed interface FrameInput {

  /** Where the input came from, such as a file name or csv:line. */
  String location();

  /** A grayscale image, row-major, with its ground truth when known. */
  record Image(String location, int width, int height, byte[] pixels, Emotion label)
      implements FrameInput {}

  /** Input that is not an image this product can classify, and why. */
  record Unreadable(String location, String reason, String rawInput) implements FrameInput {}
}
