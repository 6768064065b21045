package io.emotionstream.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.kafka.registry.CompatibilityLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * AccuracyReport gained {@code closed} after its first version (kept in the test resources as it
 * was): the registry must take the new schema under any rule, and consumers on either side read the
 * other's.
 */
class AccuracyReportVersionsTest {

  @Test
  void theSchemaWithClosedFollowsTheFirstVersionUnderTheStrictestRule() throws IOException {
    assertEquals(
        List.of(),
        CompatibilityLevel.FULL_TRANSITIVE.incompatibilities(
            AccuracyReport.getClassSchema(), List.of(firstVersion())));
  }

  @Test
  void aReportWrittenWithTheFirstVersionReadsAsNotClosed() throws IOException {
    Schema v1 = firstVersion();
    GenericRecord old = new GenericData.Record(v1);
    old.put("modelVersion", 4L);
    old.put("windowStartMs", 60_000L);
    old.put("windowEndMs", 120_000L);
    old.put("total", 10L);
    old.put("correct", 7L);
    old.put("accuracy", 0.7);
    old.put("perClassRecall", Collections.nCopies(7, null));
    old.put("confusion", Collections.nCopies(7, Collections.nCopies(7, 0L)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
    encoder.flush();

    AccuracyReport report =
        new SpecificDatumReader<AccuracyReport>(v1, AccuracyReport.getClassSchema())
            .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

    assertEquals(7L, report.getCorrect());
    assertFalse(report.getClosed());
  }

  private static Schema firstVersion() throws IOException {
    try (InputStream in =
        AccuracyReportVersionsTest.class.getResourceAsStream("/schemas/v1/AccuracyReport.avsc")) {
      return new Schema.Parser().parse(in);
    }
  }
}
