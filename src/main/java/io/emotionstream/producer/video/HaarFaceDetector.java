package io.emotionstream.producer.video;

import io.emotionstream.data.Region;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.FileStorage;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * Finds faces with one of OpenCV's cascade classifiers (the frontal-face Haar cascade by default),
 * read from the OpenCV artifact on the classpath, never from a path on the machine that built us.
 *
 * <p>Detection runs on a copy shrunk so that the smallest face asked for ({@code minFace}) becomes
 * the cascade's own window (24 pixels for the Haar cascades): a face that small is still found,
 * larger ones are searched in a quarter of the pixels at the default 48, and boxes are scaled back
 * to source pixels. Not thread-safe: one detector per thread.
 */
public final class HaarFaceDetector implements AutoCloseable {
  private static final String CASCADES = "org/bytedeco/opencv/linux-x86_64/share/opencv4/";

  private final CascadeClassifier cascade;
  private final DetectionSettings settings;
  private final double scale;

  public HaarFaceDetector(DetectionSettings settings) throws VideoSourceException {
    this.settings = settings;
    this.cascade = load(settings.cascade());
    Size window = cascade.getOriginalWindowSize();
    int side = Math.max(window.width(), window.height());
    this.scale = Math.min(1.0, (double) side / settings.minFace());
  }

  private static CascadeClassifier load(String name) throws VideoSourceException {
    String xml;
    try {
      xml = read(name);
    } catch (IOException e) {
      throw new VideoSourceException("cannot read cascade " + name + ": " + e.getMessage(), e);
    }
    CascadeClassifier cascade = new CascadeClassifier();
    // Read from memory: the cascade sits inside a jar, where OpenCV's file reader cannot see it.
    try (FileStorage storage = new FileStorage(xml, FileStorage.READ | FileStorage.MEMORY)) {
      if (!cascade.read(storage.getFirstTopLevelNode()) || cascade.empty()) {
        cascade.close();
        throw new VideoSourceException(name + " is not an OpenCV cascade classifier");
      }
    } catch (RuntimeException e) {
      cascade.close();
      throw new VideoSourceException(
          name + " is not an OpenCV cascade classifier: " + e.getMessage(), e);
    }
    return cascade;
  }

  private static String read(String name) throws IOException {
    Path file = Path.of(name);
    if (name.endsWith(".xml") && Files.isRegularFile(file)) {
      return Files.readString(file, StandardCharsets.UTF_8);
    }
    String base = name.endsWith(".xml") ? name.substring(0, name.length() - 4) : name;
    String folder = base.startsWith("lbpcascade") ? "lbpcascades/" : "haarcascades/";
    try (InputStream in =
        HaarFaceDetector.class
            .getClassLoader()
            .getResourceAsStream(CASCADES + folder + base + ".xml")) {
      if (in == null) {
        throw new IOException(
            "no such file, and OpenCV ships no cascade of that name (such as "
                + DetectionSettings.DEFAULT_CASCADE
                + " or haarcascade_frontalface_alt2)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * How much smaller than the source the picture searched is (1 when it is searched at full size).
   */
  public double scale() {
    return scale;
  }

  /** The faces in a grayscale picture, in its pixels, left to right. */
  public List<Region> detect(Mat gray) {
    Mat searched = gray;
    try (RectVector found = new RectVector()) {
      if (scale < 1) {
        searched = new Mat();
        Size size =
            new Size((int) Math.round(gray.cols() * scale), (int) Math.round(gray.rows() * scale));
        // Area averaging: the shrunk copy keeps what each face's pixels have in common, with no
        // aliasing.
        opencv_imgproc.resize(gray, searched, size, 0, 0, opencv_imgproc.INTER_AREA);
        size.close();
      }
      int min = (int) Math.round(settings.minFace() * scale);
      try (Size minSize = new Size(min, min);
          Size maxSize = new Size()) {
        cascade.detectMultiScale(
            searched, found, settings.scaleFactor(), settings.minNeighbors(), 0, minSize, maxSize);
      }
      List<Region> faces = new ArrayList<>((int) found.size());
      for (long i = 0; i < found.size(); i++) {
        Rect r = found.get(i);
        Region box =
            new Region(
                    (int) Math.round(r.x() / scale),
                    (int) Math.round(r.y() / scale),
                    (int) Math.round(r.width() / scale),
                    (int) Math.round(r.height() / scale))
                .within(gray.cols(), gray.rows());
        if (box != null) {
          faces.add(box);
        }
      }
      faces.sort(Comparator.comparingInt(Region::x).thenComparingInt(Region::y));
      return faces;
    } finally {
      if (searched != gray) {
        searched.close();
      }
    }
  }

  @Override
  public void close() {
    cascade.close();
  }
}
