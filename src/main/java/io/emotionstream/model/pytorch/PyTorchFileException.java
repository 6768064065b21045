package io.emotionstream.model.pytorch;

import java.io.IOException;

/**
 * A file that is not, or not only, what torch.save writes for a state_dict; the message says what
 * and where.
 */
public final class PyTorchFileException extends IOException {
  public PyTorchFileException(String message) {
    super(message);
  }

  public PyTorchFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
