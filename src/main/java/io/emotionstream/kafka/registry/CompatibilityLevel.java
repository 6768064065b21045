package io.emotionstream.kafka.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Confluent's compatibility levels, decided by Avro's own reader/writer resolution rules. BACKWARD
 * means consumers on the new schema can read data written with earlier ones; FORWARD the reverse;
 * FULL both. The transitive levels compare against every live version, the others against the
 * latest only.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  /** Confluent's default for a registry with no configuration. */
  public static final CompatibilityLevel DEFAULT = BACKWARD;

  private final boolean newReadsOld;
  private final boolean oldReadsNew;
  private final boolean transitive;

  CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
    this.newReadsOld = newReadsOld;
    this.oldReadsNew = oldReadsNew;
    this.transitive = transitive;
  }

  /**
   * Parses a level as the REST API spells it, in any case; throws the API's 42203 error otherwise.
   */
  public static CompatibilityLevel parse(String text) {
    if (text != null) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException ignored) {
        // fall through to the API's own error
      }
    }
    throw new SchemaRegistryException(
        422,
        SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
        "Invalid compatibility level '"
            + text
            + "'. Valid values are none, backward, forward, full, backward_transitive,"
            + " forward_transitive, and full_transitive");
  }

  public boolean isTransitive() {
    return transitive;
  }

  /**
   * Why {@code candidate} may not follow {@code earlier} (live versions, newest first) under this
   * level; an empty list means it may.
   */
  public List<String> incompatibilities(Schema candidate, List<Schema> earlier) {
    List<String> problems = new ArrayList<>();
    List<Schema> compared = transitive ? earlier : earlier.subList(0, Math.min(1, earlier.size()));
    for (Schema previous : compared) {
      if (newReadsOld) {
        problems.addAll(
            check(candidate, previous, "new schema reading data written with an earlier one"));
      }
      if (oldReadsNew) {
        problems.addAll(
            check(previous, candidate, "an earlier schema reading data written with the new one"));
      }
    }
    return problems;
  }

  private static List<String> check(Schema reader, Schema writer, String direction) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    for (Incompatibility incompatibility : result.getIncompatibilities()) {
      problems.add(
          incompatibility.getType()
              + " at "
              + incompatibility.getLocation()
              + " ("
              + direction
              + "): "
              + incompatibility.getMessage());
    }
    return problems;
  }
}
