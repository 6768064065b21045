package io.emotionstream.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations as people write them: 90 (seconds), 500ms, 10s, 5m, 1h, or ISO-8601 (PT10S). */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)?");

  @Override
  public Duration convert(String value) {
    try {
      Matcher matcher = SHORT.matcher(value.trim());
      if (!matcher.matches()) {
        return Duration.parse(value.trim());
      }
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    } catch (RuntimeException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration (examples: 90, 90s, 500ms, 5m, 1h)");
    }
  }
}
