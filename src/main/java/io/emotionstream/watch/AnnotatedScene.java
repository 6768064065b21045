package io.emotionstream.watch;

import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceBox;
import io.emotionstream.avro.SceneFrame;
import java.util.List;
import java.util.Locale;

/**
 * A scene frame with the classified faces found in it, sorted by face index. Complete when every
 * face the producer found has its event; a scene whose events did not all come in time carries
 * those that did.
 */
public record AnnotatedScene(SceneFrame scene, List<EmotionEvent> faces) {

  public AnnotatedScene {
    faces = List.copyOf(faces);
  }

  public String sourceId() {
    return scene.getSourceId();
  }

  public long sceneIndex() {
    return scene.getSceneIndex();
  }

  public boolean complete() {
    return faces.size() >= scene.getFaces().size();
  }

  /** One line: source, scene index and time, then each face as emotion, confidence and box. */
  public String describe() {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s scene %d at %.3f s:",
                sourceId(),
                sceneIndex(),
                scene.getSceneTimeMs() / 1000.0));
    if (scene.getFaces().size() == 0) {
      line.append(" no face");
    }
    for (int i = 0; i < faces.size(); i++) {
      EmotionEvent face = faces.get(i);
      FaceBox box = face.getScene().getBox();
      line.append(i == 0 ? " " : "; ")
          .append(SceneAnnotator.label(face))
          .append(
              String.format(
                  Locale.ROOT,
                  " at %d,%d %dx%d",
                  box.getX(),
                  box.getY(),
                  box.getWidth(),
                  box.getHeight()));
    }
    if (!complete()) {
      line.append(
          String.format(
              Locale.ROOT, " (%d of %d faces classified)", faces.size(), scene.getFaces().size()));
    }
    return line.toString();
  }
}
