package io.emotionstream.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a model version as the monitor shows it, {@code 7} or {@code v7}: a whole number from 1.
 */
public final class ModelVersionConverter implements ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    String digits = value.trim().startsWith("v") ? value.trim().substring(1) : value.trim();
    try {
      long version = Long.parseLong(digits);
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // told below, with what a version looks like
    }
    throw new TypeConversionException(
        "'" + value + "' is not a model version (a whole number from 1, such as 7)");
  }
}
