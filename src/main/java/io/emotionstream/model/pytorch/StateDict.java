package io.emotionstream.model.pytorch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A state_dict read from a file: tensors by key, and where they were, for messages ("m.pth", or
 * "m.pth['model_state_dict']" when a training checkpoint held it).
 */
public record StateDict(String where, Map<String, TorchTensor> tensors) {
  public StateDict {
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }
}
