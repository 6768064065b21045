package io.emotionstream.producer;

import java.io.IOException;
import java.util.Iterator;

/** Where live frames come from: a CSV, a folder of images, the synthetic face generator. */
public interface FrameSource extends Iterator<FrameInput>, AutoCloseable {
  @Override
  void close() throws IOException;
}
