package io.emotionstream.kafka.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.TrainingExample;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The in-memory registry answers as the server does: same ids, versions, levels and error codes.
 */
class InMemorySchemaRegistryTest {
  private static final Schema FRAME = FaceFrame.getClassSchema();
  private static final Schema EXAMPLE = TrainingExample.getClassSchema();

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  @Test
  void oneSchemaKeepsOneIdAcrossSubjectsAndRegistrations() {
    int first = registry.register("a-value", FRAME);

    assertEquals(first, registry.register("a-value", FRAME));
    assertEquals(first, registry.register("b-value", FRAME));
    assertEquals(first, registry.idOf("b-value", FRAME));
    assertEquals(FRAME, registry.schemaById(first));
    assertEquals(List.of(1), registry.versions("a-value"));
    assertEquals(new RegisteredSchema("b-value", 1, first, FRAME), registry.latest("b-value"));
  }

  @Test
  void lookupsOfWhatWasNeverRegisteredFailWithConfluentsCodes() {
    registry.register("frames-value", FRAME);

    assertEquals(
        SchemaRegistryException.SUBJECT_NOT_FOUND,
        assertThrows(SchemaRegistryException.class, () -> registry.idOf("nothing-value", FRAME))
            .errorCode());
    assertEquals(
        SchemaRegistryException.SCHEMA_NOT_FOUND,
        assertThrows(SchemaRegistryException.class, () -> registry.idOf("frames-value", EXAMPLE))
            .errorCode());
    assertEquals(
        SchemaRegistryException.SCHEMA_NOT_FOUND,
        assertThrows(SchemaRegistryException.class, () -> registry.schemaById(999)).errorCode());
  }

  @Test
  void aSubjectsCompatibilityLevelRefusesAnIncompatibleSchemaWith409() {
    registry.setCompatibility("guarded-value", CompatibilityLevel.FULL);
    registry.register("guarded-value", EXAMPLE);

    SchemaRegistryException refused =
        assertThrows(
            SchemaRegistryException.class, () -> registry.register("guarded-value", FRAME));

    assertEquals(SchemaRegistryException.INCOMPATIBLE_SCHEMA, refused.errorCode());
    assertTrue(refused.registryMessage().contains("FULL"), refused.registryMessage());
    assertEquals(Optional.of(CompatibilityLevel.FULL), registry.compatibility("guarded-value"));
    assertEquals(Optional.empty(), registry.compatibility("other-value"));
    assertEquals(CompatibilityLevel.DEFAULT, registry.compatibility());
  }
}
