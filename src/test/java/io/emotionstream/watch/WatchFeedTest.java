package io.emotionstream.watch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.Emotion;
import io.emotionstream.data.Region;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SceneRecords;
import io.emotionstream.testing.SceneRecords.Raw;
import io.emotionstream.testing.SharedCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The watch feed on a real broker and registry. */
@IntegrationTest
class WatchFeedTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  @Test
  void catchingUpOnFullTopicsEveryEventMeetsItsSceneThoughEventsComeFarAheadOfThePictures()
      throws Exception {
    // Events are small, scenes 32 KB pictures: a fetch holds every event but a few dozen scenes.
    assertEveryFaceMeetsItsScene(32 * 1024, 0);
  }

  @Test
  void catchingUpOnFullTopicsEveryEventMeetsItsSceneThoughScenesComeFarAheadOfTheEvents()
      throws Exception {
    // Tiny pictures, and the events of another source to read before this one's.
    assertEveryFaceMeetsItsScene(64, 20_000);
  }

  private static void assertEveryFaceMeetsItsScene(int pictureBytes, int otherEventsFirst)
      throws Exception {
    int frames = 1000;
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    String scenes = connection.topics().scenes();
    String events = connection.topics().events();
    byte[] picture = new byte[pictureBytes];
    new Random(5).nextBytes(picture);
    List<Raw> records = new ArrayList<>();
    for (int i = 0; i < otherEventsFirst; i++) {
      records.add(
          new Raw(
              events,
              "other",
              kafka
                  .serdes()
                  .events()
                  .serializer()
                  .serialize(
                      events,
                      SceneRecords.event(
                          "other", i, 0, 1, Emotion.SAD, 0.5f, new Region(10, 10, 50, 50)))));
    }
    for (int i = 0; i < frames; i++) {
      records.add(
          new Raw(
              events,
              "cam",
              kafka
                  .serdes()
                  .events()
                  .serializer()
                  .serialize(
                      events,
                      SceneRecords.event(
                          "cam",
                          i,
                          0,
                          1,
                          Emotion.values()[i % 7],
                          0.5f,
                          new Region(10, 10, 50, 50)))));
    }
    for (int i = 0; i < frames; i++) {
      records.add(
          new Raw(
              scenes,
              "cam",
              kafka
                  .serdes()
                  .scenes()
                  .serializer()
                  .serialize(scenes, SceneRecords.scene("cam", i, 1, picture))));
    }
    SceneRecords.publish(connection, records);

    // Waits long enough never to release a scene early; room for a quarter of the events only.
    SceneJoin.Limits limits =
        new SceneJoin.Limits(
            Duration.ofMinutes(1), Duration.ofMinutes(2), 10, 128, 1L << 30, frames / 4, 16);
    List<AnnotatedScene> shown = Collections.synchronizedList(new ArrayList<>());
    try (WatchFeed feed =
        WatchFeed.start(
            connection,
            new WatchSettings(Set.of("cam"), true, limits.sceneWait(), 0, Duration.ZERO),
            limits,
            Clock.systemUTC(),
            shown::addAll)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> shown.size() == frames);
      SceneJoin.Counts counts = feed.joinCounts();
      assertEquals(0, counts.unmatchedEvents(), counts.toString());
      assertEquals(0, counts.incomplete(), counts.toString());
    }
    assertTrue(shown.stream().allMatch(AnnotatedScene::complete));
    for (int i = 0; i < frames; i++) {
      assertEquals(i, shown.get(i).sceneIndex(), "in order");
    }
  }
}
