package io.emotionstream.classifier;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * How a candidate has fared against the served model on the labelled frames both classified.
 *
 * @param sinceMs when it became the candidate, wall clock
 * @param reportedFrames compared frames at its last KEPT status, so that statuses come once per min
 *     frames
 * @param validationJudged whether its validation accuracy has been compared, for want of labelled
 *     frames
 */
record CandidateScore(
    long candidateVersion,
    long servingVersion,
    long frames,
    long candidateCorrect,
    long servingCorrect,
    long sinceMs,
    long reportedFrames,
    boolean validationJudged) {

  static CandidateScore start(long candidateVersion, long servingVersion, long nowMs) {
    return new CandidateScore(candidateVersion, servingVersion, 0, 0, 0, nowMs, 0, false);
  }

  boolean scores(long candidate, long serving) {
    return candidateVersion == candidate && servingVersion == serving;
  }

  CandidateScore add(ClassifierOutput.Compared batch) {
    return new CandidateScore(
        candidateVersion,
        servingVersion,
        frames + batch.frames(),
        candidateCorrect + batch.candidateCorrect(),
        servingCorrect + batch.servingCorrect(),
        sinceMs,
        reportedFrames,
        validationJudged);
  }

  CandidateScore reported() {
    return new CandidateScore(
        candidateVersion,
        servingVersion,
        frames,
        candidateCorrect,
        servingCorrect,
        sinceMs,
        frames,
        validationJudged);
  }

  CandidateScore judgedOnValidation() {
    return new CandidateScore(
        candidateVersion,
        servingVersion,
        frames,
        candidateCorrect,
        servingCorrect,
        sinceMs,
        reportedFrames,
        true);
  }

  double candidateAccuracy() {
    return (double) candidateCorrect / frames;
  }

  double servingAccuracy() {
    return (double) servingCorrect / frames;
  }

  static Serde<CandidateScore> serde() {
    return Serdes.serdeFrom(
        (topic, score) ->
            score == null
                ? null
                : ByteBuffer.allocate(7 * Long.BYTES + 1)
                    .putLong(score.candidateVersion)
                    .putLong(score.servingVersion)
                    .putLong(score.frames)
                    .putLong(score.candidateCorrect)
                    .putLong(score.servingCorrect)
                    .putLong(score.sinceMs)
                    .putLong(score.reportedFrames)
                    .put((byte) (score.validationJudged ? 1 : 0))
                    .array(),
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer in = ByteBuffer.wrap(bytes);
          return new CandidateScore(
              in.getLong(),
              in.getLong(),
              in.getLong(),
              in.getLong(),
              in.getLong(),
              in.getLong(),
              in.getLong(),
              in.get() == 1);
        });
  }
}
