package io.emotionstream.model;

import java.util.List;
import java.util.Optional;

/**
 * The completed epochs of a run, and whether it stopped early because it was cancelled (an epoch
 * cut short by cancellation is not among them).
 */
public record TrainingOutcome(List<EpochResult> epochs, boolean cancelled) {
  public TrainingOutcome {
    epochs = List.copyOf(epochs);
  }

  public Optional<EpochResult> last() {
    return epochs.isEmpty() ? Optional.empty() : Optional.of(epochs.get(epochs.size() - 1));
  }
}
