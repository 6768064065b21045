package io.emotionstream.producer.video;

import java.time.Duration;
import java.util.Locale;

/**
 * What a video run did.
 *
 * @param scenesRead frames decoded from the source
 * @param scenesSkipped of those, left out by {@code --every}
 * @param scenesDropped pushed out of the queue, unsearched, because detection or Kafka fell behind
 * @param scenesWithoutFace searched, with no face found
 * @param facesSent face frames acknowledged by the broker
 * @param facesFailed face frames the broker did not take; {@code firstFailure} says why
 * @param scenesPublished whole frames acknowledged on the scenes topic
 * @param reconnections times a live source was opened again after it ended or failed
 * @param downtime how long the source was away in all
 * @param ending why the run ended, such as "the source ended" or "stopped"
 * @param lost whether it ended because the source failed, not by its end or our choice
 */
public record VideoSummary(
    long scenesRead,
    long scenesSkipped,
    long scenesDropped,
    long scenesWithoutFace,
    long facesSent,
    long facesFailed,
    long scenesPublished,
    int reconnections,
    Duration downtime,
    Duration elapsed,
    String ending,
    boolean lost,
    String firstFailure) {

  public long scenesSearched() {
    return scenesRead - scenesSkipped - scenesDropped;
  }

  public double facesPerSecond() {
    return perSecond(facesSent);
  }

  public double scenesPerSecond() {
    return perSecond(scenesSearched());
  }

  private double perSecond(long count) {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds == 0 ? 0 : count / seconds;
  }

  /** Every face found reached the broker and the source did not fail. */
  public boolean complete() {
    return facesFailed == 0 && !lost;
  }

  public String describe() {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%,d scene frames read, %,d dropped (behind), %,d skipped (--every), %,d with no face; %,d faces sent"
                    + "%s; %.1f s, %,.1f scene frames/s, %,.1f faces/s",
                scenesRead,
                scenesDropped,
                scenesSkipped,
                scenesWithoutFace,
                facesSent,
                scenesPublished > 0
                    ? String.format(Locale.ROOT, ", %,d scenes published", scenesPublished)
                    : "",
                elapsed.toNanos() / 1e9,
                scenesPerSecond(),
                facesPerSecond()));
    if (reconnections > 0 || !downtime.isZero()) {
      line.append(
          String.format(
              Locale.ROOT,
              "; source down %.1f s in all, reconnected %d time%s",
              downtime.toNanos() / 1e9,
              reconnections,
              reconnections == 1 ? "" : "s"));
    }
    line.append("; ").append(ending);
    if (facesFailed > 0) {
      line.append(
          String.format(Locale.ROOT, "; %,d faces NOT sent: %s", facesFailed, firstFailure));
    }
    return line.toString();
  }
}
