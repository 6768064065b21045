package io.emotionstream.trainer;

import static io.emotionstream.trainer.DriftRecords.accuracy;
import static io.emotionstream.trainer.DriftRecords.serving;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.AccuracyReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * When the drift policy decides to retrain, on a clock the test moves. Reports come every 10 s, as
 * the classifier's advance; each opens a newer window unless said otherwise. Version 3 serves with
 * a validation accuracy of 0.81; 62 of 120 right (0.52) is drift, 100 of 120 (0.83) is fine.
 */
class DriftPolicyTest {
  private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");
  private static final DriftRetraining TEN_POINTS = DriftRetraining.belowValidation(10);

  private final ManualClock clock = new ManualClock();

  /** The reasons given by {@link #lowEvery10s}, in order. */
  private final List<String> reasons = new ArrayList<>();

  @Test
  void firesOnceWhenTheAccuracyHasStayedTenPointsBelowValidationForTheSustainedTime() {
    DriftPolicy policy = servingVersionThree(TEN_POINTS);

    List<Integer> firedAt = lowEvery10s(policy, 0, 90);

    assertEquals(List.of(60), firedAt);
    assertEquals(
        List.of(
            "version 3 rolling accuracy 0.52 over 120 labelled frames has stayed 10+ points below its "
                + "validation accuracy 0.81 for 60 s"),
        reasons);
  }

  @Test
  void tenPointsBelowIsEnoughButNineAreNot() {
    DriftPolicy policy = new DriftPolicy(TEN_POINTS.withSustained(Duration.ZERO), clock);
    policy.serving(serving(3, 0.30));

    assertFalse(policy.report(accuracy(3, window(0), 100, 21)).isPresent(), "9 points below");
    assertTrue(
        policy.report(accuracy(3, window(10), 100, 20)).isPresent(),
        "10 points below, in binary 0.0999…");
  }

  @Test
  void aShortDipDoesNotFireAndAGoodReportStartsTheWaitAgain() {
    DriftPolicy policy = servingVersionThree(TEN_POINTS);

    assertEquals(List.of(), lowEvery10s(policy, 0, 50));
    assertEquals(Optional.empty(), take(policy, 60, accuracy(3, window(60), 120, 100)));
    assertEquals(
        List.of(130),
        lowEvery10s(policy, 70, 130),
        "60 s after the first low report after the good one");
  }

  @Test
  void aReportOverTooFewFramesNeitherBreaksNorStartsTheCondition() {
    DriftPolicy policy = servingVersionThree(TEN_POINTS);
    DriftPolicy startedByNoise = servingVersionThree(TEN_POINTS);

    lowEvery10s(policy, 0, 20);
    Optional<String> afterNoise = take(policy, 30, accuracy(3, window(30), 49, 49));
    List<Integer> firedAt = lowEvery10s(policy, 40, 60);
    Optional<String> lowNoise = take(startedByNoise, 0, accuracy(3, window(0), 49, 0));
    List<Integer> firedLater = lowEvery10s(startedByNoise, 10, 70);

    assertEquals(Optional.empty(), afterNoise);
    assertEquals(List.of(60), firedAt, "49 right of 49 did not break the stretch started at 0 s");
    assertEquals(Optional.empty(), lowNoise);
    assertEquals(
        List.of(70), firedLater, "0 right of 49 did not start the stretch: it started at 10 s");
  }

  @Test
  void doesNotFireAgainWithinTheCooldownThoughTheConditionHolds() {
    DriftPolicy policy = servingVersionThree(TEN_POINTS.withCooldown(Duration.ofMinutes(15)));

    List<Integer> firedAt = lowEvery10s(policy, 0, 60 + 15 * 60 + 30);

    assertEquals(List.of(60, 60 + 15 * 60), firedAt);
  }

  @Test
  void aFiringRestoredFromAnEarlierTrainerHoldsTheCooldownAcrossTheRestart() {
    DriftPolicy policy = servingVersionThree(TEN_POINTS.withCooldown(Duration.ofMinutes(15)));
    policy.firedBefore(T0.minus(Duration.ofMinutes(5)));

    List<Integer> firedAt = lowEvery10s(policy, 0, 15 * 60);

    assertEquals(
        List.of(10 * 60),
        firedAt,
        "15 min after the earlier firing, 5 min before this policy began");
  }

  @Test
  void aNewServedVersionIsANewBaselineAndOnlyTheServedVersionsReportsCount() {
    DriftPolicy policy = servingVersionThree(TEN_POINTS);

    lowEvery10s(policy, 0, 50);
    policy.serving(serving(4, 0.60, 5L)); // version 5 is a candidate scored in shadow
    List<Optional<String>> oldAndCandidate = new ArrayList<>();
    for (int t = 60; t <= 200; t += 10) {
      oldAndCandidate.add(take(policy, t, accuracy(3, window(t), 120, 10)));
      oldAndCandidate.add(take(policy, t, accuracy(5, window(t), 120, 10)));
    }
    Optional<String> fivePointsBelow = take(policy, 210, accuracy(4, window(210), 100, 55));
    List<Integer> firedAt = new ArrayList<>();
    for (int t = 220; t <= 300; t += 10) {
      if (take(policy, t, accuracy(4, window(t), 100, 45)).isPresent()) {
        firedAt.add(t);
      }
    }

    assertTrue(
        oldAndCandidate.stream().allMatch(Optional::isEmpty),
        "the old version's and the candidate's");
    assertEquals(Optional.empty(), fivePointsBelow);
    assertEquals(List.of(280), firedAt, "15 points below version 4's own 0.60 from 220 s on");
  }

  @Test
  void theSameVersionServedAgainKeepsItsStretch() {
    DriftPolicy policy = servingVersionThree(TEN_POINTS);

    lowEvery10s(policy, 0, 30);
    policy.serving(serving(3, 0.81, 4L)); // a candidate came: version 3 still serves

    assertEquals(List.of(60), lowEvery10s(policy, 40, 60));
  }

  @Test
  void onlyTheLatestWindowIsTheRollingAccuracy() {
    DriftPolicy policy = servingVersionThree(TEN_POINTS);

    lowEvery10s(policy, 0, 20);
    Optional<String> olderWindowFine = take(policy, 30, accuracy(3, window(-30), 120, 120));
    List<Integer> firedAt = lowEvery10s(policy, 40, 60);

    assertEquals(Optional.empty(), olderWindowFine);
    assertEquals(
        List.of(60), firedAt, "the older window's closing report did not break the stretch");
  }

  @Test
  void anAbsoluteFloorAloneFiresEvenWhenTheCheckpointHasNoValidationAccuracy() {
    DriftPolicy floor = new DriftPolicy(DriftRetraining.below(0.6), clock);
    DriftPolicy points = new DriftPolicy(TEN_POINTS, clock);
    floor.serving(serving(3, null));
    points.serving(serving(3, null));

    List<Integer> floorFired = lowEvery10s(floor, 0, 60);
    List<Integer> pointsFired = lowEvery10s(points, 0, 120);

    assertEquals(List.of(60), floorFired);
    assertEquals(List.of(), pointsFired, "no validation accuracy to be below");
    clock.at(60);
    DriftPolicy again =
        new DriftPolicy(DriftRetraining.below(0.6).withSustained(Duration.ZERO), clock);
    again.serving(serving(3, null));
    assertEquals(
        Optional.of(
            "version 3 rolling accuracy 0.52 over 120 labelled frames has stayed below the floor 0.6 "
                + "for 0 s"),
        again.report(low(60)));
  }

  @Test
  void bothThresholdsAreNamedWhenBothAreCrossed() {
    DriftPolicy policy =
        new DriftPolicy(TEN_POINTS.withFloor(0.6).withSustained(Duration.ofMillis(2500)), clock);
    policy.serving(serving(3, 0.81));
    clock.atMillis(0);
    policy.report(low(0));
    clock.atMillis(2500);

    assertEquals(
        Optional.of(
            "version 3 rolling accuracy 0.52 over 120 labelled frames has stayed 10+ points below its "
                + "validation accuracy 0.81 and below the floor 0.6 for 2.5 s"),
        policy.report(low(10)));
  }

  @Test
  void reportsBeforeAnyServedVersionIsKnownCountForNothing() {
    DriftPolicy policy = new DriftPolicy(DriftRetraining.below(0.6), clock);

    assertEquals(List.of(), lowEvery10s(policy, 0, 120));
  }

  @Test
  void aPolicyWithoutAThresholdIsOffAndOutOfRangeValuesAreRefused() {
    assertFalse(DriftRetraining.disabled().enabled());
    assertTrue(DriftRetraining.below(0.5).enabled());
    assertThrows(
        IllegalArgumentException.class, () -> new DriftPolicy(DriftRetraining.disabled(), clock));
    assertEquals(
        "accuracy floor must be in [0, 1], got 1.5",
        assertThrows(IllegalArgumentException.class, () -> DriftRetraining.below(1.5))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> DriftRetraining.belowValidation(0));
    assertThrows(IllegalArgumentException.class, () -> DriftRetraining.belowValidation(Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> TEN_POINTS.withSustained(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> TEN_POINTS.withMinFrames(0));
    assertThrows(IllegalArgumentException.class, () -> TEN_POINTS.withEpochs(0));
  }

  private DriftPolicy servingVersionThree(DriftRetraining settings) {
    DriftPolicy policy = new DriftPolicy(settings, clock);
    policy.serving(serving(3, 0.81));
    return policy;
  }

  /**
   * Low reports every 10 s from {@code from} to {@code to} seconds; the seconds at which the policy
   * fired.
   */
  private List<Integer> lowEvery10s(DriftPolicy policy, int from, int to) {
    List<Integer> firedAt = new ArrayList<>();
    for (int t = from; t <= to; t += 10) {
      Optional<String> reason = take(policy, t, low(t));
      if (reason.isPresent()) {
        firedAt.add(t);
        reasons.add(reason.get());
      }
    }
    return firedAt;
  }

  private Optional<String> take(DriftPolicy policy, int second, AccuracyReport report) {
    clock.at(second);
    return policy.report(report);
  }

  private static AccuracyReport low(int second) {
    return accuracy(3, window(second), 120, 62);
  }

  private static Instant window(int second) {
    return T0.plusSeconds(second);
  }

  /** A clock that stands still until the test moves it, in seconds from {@link #T0}. */
  private static final class ManualClock extends Clock {
    private Instant now = T0;

    void at(int second) {
      now = T0.plusSeconds(second);
    }

    void atMillis(long millis) {
      now = T0.plusMillis(millis);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
