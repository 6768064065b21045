package io.emotionstream.watch;

import java.util.Locale;

/**
 * How a watch went.
 *
 * @param scenes annotated scenes shown (written, or printed without an output)
 * @param incomplete of them, scenes drawn with events missing
 * @param unreadableScenes scenes whose picture did not decode, skipped
 * @param unreadableRecords records that could not be deserialised, skipped
 * @param join what the join dropped and why
 * @param ending why it ended
 * @param output what was written where, or null without an output
 * @param failure why it failed, or null
 */
public record WatchSummary(
    long scenes,
    long incomplete,
    long unreadableScenes,
    long unreadableRecords,
    SceneJoin.Counts join,
    String ending,
    String output,
    String failure) {

  public boolean failed() {
    return failure != null;
  }

  public String describe() {
    StringBuilder text =
        new StringBuilder(
            String.format(
                Locale.ROOT, "%d annotated scenes (%d with faces missing)", scenes, incomplete));
    if (output != null) {
      text.append("; ").append(output);
    }
    text.append("; ended: ").append(ending);
    if (unreadableScenes + unreadableRecords > 0) {
      text.append(
          String.format(
              Locale.ROOT,
              "; skipped %d unreadable scene pictures and %d unreadable records",
              unreadableScenes,
              unreadableRecords));
    }
    long dropped = join.lateScenes() + join.lateEvents() + join.unmatchedEvents();
    if (dropped > 0) {
      text.append(
          String.format(
              Locale.ROOT,
              "; dropped %d late scenes, %d late events, %d events without a published scene",
              join.lateScenes(),
              join.lateEvents(),
              join.unmatchedEvents()));
    }
    if (failure != null) {
      text.append("; FAILED: ").append(failure);
    }
    return text.toString();
  }
}
