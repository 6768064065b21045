package io.emotionstream.monitor;

import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.PromotionPolicy;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;

/**
 * One serving decision without the checkpoints' weights (a state record carries a megabyte or two
 * of them), small enough to keep, print and send to a browser. Times are epoch milliseconds; absent
 * values are null.
 *
 * @param served the version the classifiers serve after this decision
 * @param previous the version a ROLLBACK would serve again; null if none
 * @param candidateVersion the version scored in shadow beside the served one; null if none
 * @param heldBackThrough versions up to this one never become candidates
 * @param comparedFrames labelled frames both the served model and the candidate classified
 * @param candidateAccuracy the candidate's accuracy on those frames
 * @param servingAccuracy the served model's accuracy on the same frames
 */
public record ServingSummary(
    String modelName,
    ServedModel served,
    ServedModel previous,
    Long candidateVersion,
    long heldBackThrough,
    PromotionPolicy policy,
    ServingDecision decision,
    String reason,
    String commandId,
    long comparedFrames,
    Double candidateAccuracy,
    Double servingAccuracy,
    long timeMs) {

  /** A checkpoint named by its version, with what it scored when the trainer took it. */
  public record ServedModel(
      long version, String runId, Double validationAccuracy, long createdTimeMs) {

    static ServedModel of(ModelCheckpoint checkpoint) {
      return checkpoint == null
          ? null
          : new ServedModel(
              checkpoint.getVersion(),
              checkpoint.getRunId(),
              checkpoint.getValidationAccuracy(),
              checkpoint.getCreatedTimeMs().toEpochMilli());
    }
  }

  public static ServingSummary of(ServingState state) {
    return new ServingSummary(
        state.getModelName(),
        ServedModel.of(state.getServing()),
        ServedModel.of(state.getPrevious()),
        state.getCandidateVersion(),
        state.getHeldBackThrough(),
        state.getPolicy(),
        state.getDecision(),
        state.getReason(),
        state.getCommandId(),
        state.getComparedFrames(),
        state.getCandidateAccuracy(),
        state.getServingAccuracy(),
        state.getTimeMs().toEpochMilli());
  }

  /** Whether this decision answers a PROMOTE or ROLLBACK by doing what it asked. */
  public boolean followedCommand() {
    return decision == ServingDecision.PROMOTED || decision == ServingDecision.ROLLED_BACK;
  }
}
