package io.emotionstream.trainer;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.ServingState;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides when the served model has drifted far enough, for long enough, to retrain it: fed the
 * serving states of one model and the accuracy reports of every version, it answers a report with
 * the reason to retrain, or nothing. No Kafka here; {@link DriftWatch} feeds it. Not thread-safe.
 *
 * <p>Only the served version's reports count: a candidate scored in shadow is not what users see.
 * Of those, only the report of the latest window is the rolling accuracy; hopping windows overlap,
 * and an older window's report (its closing one, say) says less about now. The condition is judged
 * on reports alone: a firing needs fresh evidence, and without labelled frames there is none.
 */
final class DriftPolicy {
  private final DriftRetraining settings;
  private final Clock clock;

  private Long servingVersion;
  private Double validationAccuracy;
  private long latestWindowStart = Long.MIN_VALUE;

  /**
   * When the condition was first seen in the current unbroken stretch; null while it does not hold.
   */
  private Long heldSince;

  private Long lastFiring;

  DriftPolicy(DriftRetraining settings, Clock clock) {
    if (!settings.enabled()) {
      throw new IllegalArgumentException(
          "the drift policy has no threshold: give points below validation or a floor");
    }
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Takes in an earlier firing, from this or an earlier trainer, so a restart does not shorten the
   * cool-down.
   */
  void firedBefore(Instant at) {
    long millis = at.toEpochMilli();
    lastFiring = lastFiring == null ? millis : Math.max(lastFiring, millis);
  }

  /**
   * The latest serving state of the model; null when it was deleted. A new version starts afresh.
   */
  void serving(ServingState state) {
    Long version = state == null ? null : state.getServing().getVersion();
    if (version == null || !version.equals(servingVersion)) {
      latestWindowStart = Long.MIN_VALUE;
      heldSince = null;
    }
    servingVersion = version;
    validationAccuracy = state == null ? null : state.getServing().getValidationAccuracy();
  }

  Optional<Long> servingVersion() {
    return Optional.ofNullable(servingVersion);
  }

  /**
   * The reason to retrain now, if this report completes a sustained drift outside the cool-down.
   */
  Optional<String> report(AccuracyReport report) {
    if (servingVersion == null
        || report.getModelVersion() != servingVersion
        || report.getTotal() < settings.minFrames()
        || report.getWindowStartMs().toEpochMilli() < latestWindowStart) {
      return Optional.empty();
    }
    latestWindowStart = report.getWindowStartMs().toEpochMilli();
    List<String> breaches = breaches(report.getAccuracy());
    if (breaches.isEmpty()) {
      heldSince = null;
      return Optional.empty();
    }
    long now = clock.millis();
    if (heldSince == null) {
      heldSince = now;
    }
    long held = now - heldSince;
    if (held < settings.sustained().toMillis() || coolingDown(now)) {
      return Optional.empty();
    }
    lastFiring = now;
    heldSince = null;
    return Optional.of(
        String.format(
            Locale.ROOT,
            "version %d rolling accuracy %.2f over %d labelled frames has " + "stayed %s for %s",
            servingVersion,
            report.getAccuracy(),
            report.getTotal(),
            String.join(" and ", breaches),
            seconds(held)));
  }

  private boolean coolingDown(long now) {
    return lastFiring != null && now - lastFiring < settings.cooldown().toMillis();
  }

  /** What the accuracy is below, in words; empty when it is fine. */
  private List<String> breaches(double accuracy) {
    List<String> breaches = new ArrayList<>();
    Double points = settings.pointsBelowValidation();
    // The tolerance keeps 0.30 - 0.20 (0.0999… in binary) at the 10 points it is.
    if (points != null
        && validationAccuracy != null
        && validationAccuracy - accuracy >= points / 100 - 1e-9) {
      breaches.add(
          String.format(
              Locale.ROOT,
              "%s+ points below its validation accuracy %.2f",
              plain(points),
              validationAccuracy));
    }
    if (settings.floor() != null && accuracy < settings.floor()) {
      breaches.add(String.format(Locale.ROOT, "below the floor %s", plain(settings.floor())));
    }
    return breaches;
  }

  private static String plain(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static String seconds(long millis) {
    return millis >= 10_000 || millis % 1000 == 0
        ? Math.round(millis / 1000.0) + " s"
        : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
