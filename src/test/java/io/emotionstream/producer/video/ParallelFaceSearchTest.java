package io.emotionstream.producer.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.testing.TestVideos;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class ParallelFaceSearchTest {
  private static final DetectionSettings TWO_THREADS =
      new DetectionSettings(DetectionSettings.DEFAULT_CASCADE, 1.1, 4, 48, 2);

  @Test
  void framesSearchedTwoAtATimeAreHandedOnInFrameOrderWithTheirFacesAndThenReleased()
      throws Exception {
    int frames = 20;
    List<Long> handedOn = Collections.synchronizedList(new ArrayList<>());
    List<DecodedScene> scenes = scenes(frames);
    try (ParallelFaceSearch search = new ParallelFaceSearch(TWO_THREADS)) {
      for (DecodedScene scene : scenes) {
        search.submit(
            scene,
            found -> {
              assertTrue(
                  found.faces().stream()
                      .anyMatch(
                          face ->
                              TestVideos.sameFace(
                                  TestVideos.face((int) found.scene().index(), frames), face)),
                  "frame " + found.scene().index());
              handedOn.add(found.scene().index());
            });
      }
      search.finish();
    }
    assertEquals(LongStream.range(0, frames).boxed().toList(), handedOn);
    assertTrue(
        scenes.stream().allMatch(scene -> scene.picture().isNull()),
        "every frame's pixels released");
  }

  @Test
  void afterAFailureLaterFramesAreReleasedWithoutBeingHandedOnAndFinishSaysWhy() throws Exception {
    List<Long> handedOn = Collections.synchronizedList(new ArrayList<>());
    List<DecodedScene> scenes = scenes(12);
    try (ParallelFaceSearch search = new ParallelFaceSearch(TWO_THREADS)) {
      for (DecodedScene scene : scenes) {
        search.submit(
            scene,
            found -> {
              if (found.scene().index() == 5) {
                throw new IllegalStateException("the registry is away");
              }
              handedOn.add(found.scene().index());
            });
      }
      IllegalStateException failure = assertThrows(IllegalStateException.class, search::finish);
      assertEquals("the registry is away", failure.getMessage());
      assertTrue(search.failed());
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), handedOn);
    assertTrue(
        scenes.stream().allMatch(scene -> scene.picture().isNull()),
        "every frame's pixels released");
  }

  private static List<DecodedScene> scenes(int frames) throws Exception {
    List<DecodedScene> scenes = new ArrayList<>();
    try (Mat photo = TestVideos.photo()) {
      for (int i = 0; i < frames; i++) {
        scenes.add(
            new DecodedScene(
                TestVideos.frame(photo, i, frames), i, i * 66L, System.currentTimeMillis()));
      }
    }
    return scenes;
  }
}
