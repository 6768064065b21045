package io.emotionstream.classifier;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.SceneFace;

/**
 * A checked, resized frame waiting in memory for its micro-batch. Only its input offset outlives a
 * crash (see {@link UnclassifiedOffsets}): the frame itself is read again from the input partition.
 *
 * @param offset its offset in the frames partition of the task that took it
 */
record PendingFrame(
    long offset,
    String key,
    String frameId,
    String sourceId,
    long captureTimeMs,
    long timestamp,
    Emotion label,
    byte[] face,
    SceneFace scene) {}
