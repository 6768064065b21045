package io.emotionstream.producer.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.data.Region;
import io.emotionstream.testing.TestVideos;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class HaarFaceDetectorTest {

  @Test
  void findsTheAstronautsFaceWithTheSeedsParametersFromTheCascadeOnTheClasspath() throws Exception {
    try (HaarFaceDetector detector = new HaarFaceDetector(DetectionSettings.seed());
        Mat photo = TestVideos.photo();
        Mat gray = new Mat()) {
      opencv_imgproc.cvtColor(photo, gray, opencv_imgproc.COLOR_BGR2GRAY);
      List<Region> faces = detector.detect(gray);
      assertEquals(0.5, detector.scale(), "a 48-pixel face becomes the cascade's 24-pixel window");
      assertTrue(
          faces.stream().anyMatch(face -> TestVideos.sameFace(TestVideos.PHOTO_FACE, face)),
          "her face among " + faces);
    }
  }

  @Test
  void findsTheFaceInEveryFrameOfThePanAndZoom() throws Exception {
    int frames = 30;
    try (HaarFaceDetector detector = new HaarFaceDetector(DetectionSettings.seed());
        Mat photo = TestVideos.photo()) {
      for (int i = 0; i < frames; i++) {
        try (Mat frame = TestVideos.frame(photo, i, frames);
            Mat gray = new Mat()) {
          opencv_imgproc.cvtColor(frame, gray, opencv_imgproc.COLOR_BGR2GRAY);
          Region expected = TestVideos.face(i, frames);
          List<Region> faces = detector.detect(gray);
          assertTrue(
              faces.stream().anyMatch(face -> TestVideos.sameFace(expected, face)),
              "frame " + i + ": expected " + expected + " among " + faces);
        }
      }
    }
  }

  @Test
  void anUnknownCascadeIsRefusedByName() {
    VideoSourceException e =
        assertThrows(
            VideoSourceException.class,
            () ->
                new HaarFaceDetector(new DetectionSettings("haarcascade_nothing", 1.1, 4, 48, 1)));
    assertTrue(e.getMessage().contains("haarcascade_nothing"), e.getMessage());
  }
}
