package io.emotionstream.data;

import io.emotionstream.avro.Usage;
import java.util.Optional;

/** The names FER2013's Usage column gives the splits, and their {@link Usage} counterparts. */
public final class Fer2013Usage {
  public static final String TRAINING = "Training";
  public static final String PUBLIC_TEST = "PublicTest";
  public static final String PRIVATE_TEST = "PrivateTest";

  private Fer2013Usage() {}

  /** Training, PublicTest and PrivateTest (any case, trimmed); empty for anything else. */
  public static Optional<Usage> parse(String value) {
    String name = value.trim();
    if (name.equalsIgnoreCase(TRAINING)) {
      return Optional.of(Usage.TRAINING);
    }
    if (name.equalsIgnoreCase(PUBLIC_TEST)) {
      return Optional.of(Usage.VALIDATION);
    }
    if (name.equalsIgnoreCase(PRIVATE_TEST)) {
      return Optional.of(Usage.TEST);
    }
    return Optional.empty();
  }

  public static String name(Usage usage) {
    return switch (usage) {
      case TRAINING -> TRAINING;
      case VALIDATION -> PUBLIC_TEST;
      case TEST -> PRIVATE_TEST;
    };
  }
}
