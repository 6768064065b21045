package io.emotionstream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TopicSpecTest {

  @Test
  void topicsWithThreeReplicasOrMoreAcknowledgeAWriteOnlyOnceTwoReplicasHaveIt() {
    for (TopicSpec spec : Topics.standard().all(3, (short) 3)) {
      assertEquals("2", spec.configs().get(TopicSpec.MIN_IN_SYNC_REPLICAS), spec.name());
    }
    for (TopicSpec spec : Topics.standard().all(3, (short) 1)) {
      assertNull(
          spec.configs().get(TopicSpec.MIN_IN_SYNC_REPLICAS),
          spec.name() + " keeps the broker's default");
    }
  }

  @Test
  void compactedTopicsRollTheirSegmentsSoThatOldCheckpointsAndDecisionsAreCompactedAway() {
    Topics topics = Topics.standard();
    for (TopicSpec spec : topics.all(3, (short) 1)) {
      if (spec.name().equals(topics.checkpoints()) || spec.name().equals(topics.serving())) {
        assertEquals("compact", spec.configs().get("cleanup.policy"), spec.name());
        assertEquals(
            String.valueOf(TopicSpec.COMPACTED_SEGMENT.toMillis()),
            spec.configs().get("segment.ms"),
            spec.name());
      }
    }
  }
}
