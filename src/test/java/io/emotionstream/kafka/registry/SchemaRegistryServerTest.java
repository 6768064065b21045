package io.emotionstream.kafka.registry;

import static io.emotionstream.kafka.registry.RegistryRequests.schemaBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.kafka.registry.RegistryRequests.Reply;
import io.emotionstream.testing.IntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry's REST API over real HTTP, stored on a real broker. Every test uses its own
 * subjects.
 */
@IntegrationTest
class SchemaRegistryServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A reading with two fields; later versions add fields with and without defaults. */
  static final String READING_V1 =
      "{\"type\":\"record\",\"name\":\"Reading\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"sensor\",\"type\":\"string\"},{\"name\":\"value\",\"type\":\"double\"}]}";

  static final String READING_V2_WITH_DEFAULT =
      "{\"type\":\"record\",\"name\":\"Reading\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"sensor\",\"type\":\"string\"},{\"name\":\"value\",\"type\":\"double\"},"
          + "{\"name\":\"unit\",\"type\":\"string\",\"default\":\"C\"}]}";
  static final String READING_V2_WITHOUT_DEFAULT =
      "{\"type\":\"record\",\"name\":\"Reading\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"sensor\",\"type\":\"string\"},{\"name\":\"value\",\"type\":\"double\"},"
          + "{\"name\":\"unit\",\"type\":\"string\"}]}";

  private static EmbeddedKafka kafka;
  private static SchemaRegistryServer registry;
  private static RegistryRequests http;

  @BeforeAll
  static void startBrokerAndRegistry() {
    kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.temporary());
    registry =
        SchemaRegistryServer.start(SchemaRegistryServer.Settings.of(kafka.bootstrapServers()));
    http = new RegistryRequests(registry.url());
  }

  @AfterAll
  static void stopAll() {
    if (registry != null) {
      registry.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void registeringTheSameSchemaTwiceReturnsTheSameId() throws Exception {
    Reply first = http.post("/subjects/twice-value/versions", schemaBody(READING_V1));
    // Whitespace and field order of the JSON object do not make it another schema
    String reformatted =
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(READING_V1));
    Reply second = http.post("/subjects/twice-value/versions", schemaBody(reformatted));

    assertEquals(200, first.status());
    assertEquals("application/vnd.schemaregistry.v1+json", first.contentType());
    assertTrue(first.body().path("id").asInt() > 0);
    assertEquals(first.body().path("id").asInt(), second.body().path("id").asInt());
    assertEquals(
        List.of(1),
        JSON.convertValue(http.get("/subjects/twice-value/versions").body(), List.class));
  }

  @Test
  void sameSchemaUnderAnotherSubjectGetsTheSameGlobalId() throws Exception {
    int underA =
        http.post("/subjects/shared-a-value/versions", schemaBody(READING_V2_WITH_DEFAULT))
            .body()
            .get("id")
            .asInt();
    int underB =
        http.post("/subjects/shared-b-value/versions", schemaBody(READING_V2_WITH_DEFAULT))
            .body()
            .get("id")
            .asInt();
    int other =
        http.post(
                "/subjects/shared-b-value/versions",
                schemaBody(READING_V2_WITH_DEFAULT.replace("\"C\"", "\"K\"")))
            .body()
            .get("id")
            .asInt();

    assertEquals(underA, underB);
    assertNotEquals(underA, other);
    Reply versionOne = http.get("/subjects/shared-b-value/versions/1");
    assertEquals(underA, versionOne.body().get("id").asInt());
    assertEquals("shared-b-value", versionOne.body().get("subject").asText());
    assertEquals(1, versionOne.body().get("version").asInt());
    assertEquals(
        2, http.get("/subjects/shared-b-value/versions/latest").body().get("version").asInt());
  }

  @Test
  void refusesAFieldWithoutDefaultUnderBackwardWith409() throws Exception {
    http.post("/subjects/strict-value/versions", schemaBody(READING_V1));

    Reply refused =
        http.post("/subjects/strict-value/versions", schemaBody(READING_V2_WITHOUT_DEFAULT));

    assertEquals(409, refused.status());
    assertEquals(409, refused.errorCode());
    assertTrue(
        refused.body().get("message").asText().contains("READER_FIELD_MISSING_DEFAULT_VALUE"),
        refused.body().toString());
    assertEquals(
        List.of(1),
        JSON.convertValue(http.get("/subjects/strict-value/versions").body(), List.class));
    // With a default the same change is backward compatible
    assertEquals(
        200,
        http.post("/subjects/strict-value/versions", schemaBody(READING_V2_WITH_DEFAULT)).status());
  }

  @Test
  void aSubjectLevelNoneOverrideLetsAnIncompatibleChangeThrough() throws Exception {
    http.post("/subjects/relaxed-value/versions", schemaBody(READING_V1));

    Reply override = http.put("/config/relaxed-value", "{\"compatibility\":\"NONE\"}");
    Reply accepted =
        http.post("/subjects/relaxed-value/versions", schemaBody(READING_V2_WITHOUT_DEFAULT));

    assertEquals("NONE", override.body().get("compatibility").asText());
    assertEquals(200, accepted.status());
    assertEquals(
        "NONE", http.get("/config/relaxed-value").body().get("compatibilityLevel").asText());
    assertEquals("BACKWARD", http.get("/config").body().get("compatibilityLevel").asText());
  }

  @Test
  void subjectWithoutItsOwnLevelAnswers40408() throws Exception {
    Reply own = http.get("/config/no-own-level-value");
    Reply defaulted = http.get("/config/no-own-level-value?defaultToGlobal=true");

    assertEquals(404, own.status());
    assertEquals(40408, own.errorCode());
    assertEquals("BACKWARD", defaulted.body().get("compatibilityLevel").asText());
  }

  @Test
  void removingASubjectLevelFallsBackToTheGlobalOne() throws Exception {
    http.put("/config/removed-level-value", "{\"compatibility\":\"FULL\"}");

    Reply removed = http.delete("/config/removed-level-value");

    assertEquals("FULL", removed.body().get("compatibilityLevel").asText());
    assertEquals(40408, http.get("/config/removed-level-value").errorCode());
  }

  @Test
  void refusesAnUnknownCompatibilityLevelWith42203() throws Exception {
    Reply refused = http.put("/config/level-typo-value", "{\"compatibility\":\"BACKWARDS\"}");

    assertEquals(422, refused.status());
    assertEquals(42203, refused.errorCode());
  }

  @Test
  void unknownSubjectVersionAndIdAnswerConfluentErrorCodes() throws Exception {
    http.post("/subjects/known-value/versions", schemaBody(READING_V1));

    Reply noSubject = http.get("/subjects/never-registered-value/versions");
    Reply noVersion = http.get("/subjects/known-value/versions/7");
    Reply badVersion = http.get("/subjects/known-value/versions/zero");
    Reply noId = http.get("/schemas/ids/987654");

    assertEquals(404, noSubject.status());
    assertEquals(40401, noSubject.errorCode());
    assertEquals(404, noVersion.status());
    assertEquals(40402, noVersion.errorCode());
    assertEquals(422, badVersion.status());
    assertEquals(42202, badVersion.errorCode());
    assertEquals(404, noId.status());
    assertEquals(40403, noId.errorCode());
    assertFalse(noId.body().get("message").asText().isBlank());
  }

  @Test
  void refusesAnInvalidSchemaWith42201() throws Exception {
    Reply notAvro =
        http.post(
            "/subjects/invalid-value/versions", schemaBody("{\"type\":\"record\",\"name\":\"R\"}"));
    Reply notJson = http.post("/subjects/invalid-value/versions", schemaBody("{not json"));
    Reply badDefault =
        http.post(
            "/subjects/invalid-value/versions",
            schemaBody(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\",\"type\":\"int\",\"default\":\"x\"}]}"));

    assertEquals(422, notAvro.status());
    assertEquals(42201, notAvro.errorCode());
    assertEquals(42201, notJson.errorCode());
    assertEquals(42201, badDefault.errorCode());
    assertEquals(40401, http.get("/subjects/invalid-value/versions").errorCode());
  }

  @Test
  void servesSchemasByIdAndByVersion() throws Exception {
    int id =
        http.post("/subjects/served-value/versions", schemaBody(READING_V1))
            .body()
            .get("id")
            .asInt();

    Reply byId = http.get("/schemas/ids/" + id);
    Reply rawById = http.get("/schemas/ids/" + id + "/schema");
    Reply rawByVersion = http.get("/subjects/served-value/versions/latest/schema");

    assertEquals(JSON.readTree(READING_V1), JSON.readTree(byId.body().get("schema").asText()));
    assertEquals(JSON.readTree(READING_V1), rawById.body());
    assertEquals(JSON.readTree(READING_V1), rawByVersion.body());
    assertTrue(
        JSON.convertValue(http.get("/subjects").body(), List.class).contains("served-value"));
    assertEquals(List.of("AVRO"), JSON.convertValue(http.get("/schemas/types").body(), List.class));
  }

  @Test
  void lookupTellsWhetherASchemaIsRegisteredUnderASubject() throws Exception {
    int id =
        http.post("/subjects/looked-up-value/versions", schemaBody(READING_V1))
            .body()
            .get("id")
            .asInt();

    Reply found = http.post("/subjects/looked-up-value", schemaBody(READING_V1));
    Reply missing = http.post("/subjects/looked-up-value", schemaBody(READING_V2_WITH_DEFAULT));
    Reply noSubject = http.post("/subjects/not-there-value", schemaBody(READING_V1));

    assertEquals(id, found.body().get("id").asInt());
    assertEquals(1, found.body().get("version").asInt());
    assertEquals(40403, missing.errorCode());
    assertEquals(40401, noSubject.errorCode());
  }

  @Test
  void compatibilityEndpointJudgesACandidateWithoutRegisteringIt() throws Exception {
    http.post("/subjects/judged-value/versions", schemaBody(READING_V1));

    Reply bad =
        http.post(
            "/compatibility/subjects/judged-value/versions/latest?verbose=true",
            schemaBody(READING_V2_WITHOUT_DEFAULT));
    Reply good =
        http.post(
            "/compatibility/subjects/judged-value/versions/1", schemaBody(READING_V2_WITH_DEFAULT));
    Reply missingVersion =
        http.post("/compatibility/subjects/judged-value/versions/9", schemaBody(READING_V1));
    Reply missingSubject =
        http.post("/compatibility/subjects/unjudged-value/versions/latest", schemaBody(READING_V1));
    Reply newSubject =
        http.post("/compatibility/subjects/unjudged-value/versions", schemaBody(READING_V1));

    assertFalse(bad.body().get("is_compatible").asBoolean());
    assertFalse(bad.body().get("messages").isEmpty());
    assertTrue(good.body().get("is_compatible").asBoolean());
    assertEquals(40402, missingVersion.errorCode());
    assertEquals(40401, missingSubject.errorCode());
    assertTrue(newSubject.body().get("is_compatible").asBoolean());
    assertEquals(
        List.of(1),
        JSON.convertValue(http.get("/subjects/judged-value/versions").body(), List.class));
  }

  @Test
  void transitiveLevelComparesWithEveryEarlierVersion() throws Exception {
    // v3 requires "unit": v2 data carries it, v1 data does not
    String v1 = READING_V1;
    String v2 = READING_V2_WITH_DEFAULT;
    String v3 = READING_V2_WITHOUT_DEFAULT;
    http.put("/config/transitive-value", "{\"compatibility\":\"BACKWARD\"}");
    http.post("/subjects/transitive-value/versions", schemaBody(v1));
    http.post("/subjects/transitive-value/versions", schemaBody(v2));
    assertTrue(
        http.post("/compatibility/subjects/transitive-value/versions/latest", schemaBody(v3))
            .body()
            .get("is_compatible")
            .asBoolean());

    http.put("/config/transitive-value", "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
    Reply againstLatest =
        http.post("/compatibility/subjects/transitive-value/versions/latest", schemaBody(v3));
    Reply againstAll =
        http.post("/compatibility/subjects/transitive-value/versions", schemaBody(v3));
    Reply refused = http.post("/subjects/transitive-value/versions", schemaBody(v3));

    assertTrue(againstLatest.body().get("is_compatible").asBoolean());
    assertFalse(againstAll.body().get("is_compatible").asBoolean());
    assertEquals(409, refused.status());
  }

  @Test
  void softDeletedSubjectDisappearsButItsIdsStayResolvable() throws Exception {
    int id =
        http.post("/subjects/deleted-value/versions", schemaBody(READING_V1))
            .body()
            .get("id")
            .asInt();

    Reply deleted = http.delete("/subjects/deleted-value");

    assertEquals(List.of(1), JSON.convertValue(deleted.body(), List.class));
    assertEquals(40401, http.get("/subjects/deleted-value/versions").errorCode());
    assertFalse(
        JSON.convertValue(http.get("/subjects").body(), List.class).contains("deleted-value"));
    assertTrue(
        JSON.convertValue(http.get("/subjects?deleted=true").body(), List.class)
            .contains("deleted-value"));
    assertEquals(200, http.get("/schemas/ids/" + id).status());
    assertEquals(40404, http.delete("/subjects/deleted-value").errorCode());
    // Registering again continues the numbering and reuses the global id
    int again =
        http.post("/subjects/deleted-value/versions", schemaBody(READING_V1))
            .body()
            .get("id")
            .asInt();
    assertEquals(id, again);
    assertEquals(
        2, http.get("/subjects/deleted-value/versions/latest").body().get("version").asInt());
  }

  @Test
  void softDeletingOneVersionLeavesTheOthers() throws Exception {
    http.post("/subjects/one-gone-value/versions", schemaBody(READING_V1));
    http.post("/subjects/one-gone-value/versions", schemaBody(READING_V2_WITH_DEFAULT));

    Reply deleted = http.delete("/subjects/one-gone-value/versions/1");

    assertEquals(1, deleted.body().asInt());
    assertEquals(
        List.of(2),
        JSON.convertValue(http.get("/subjects/one-gone-value/versions").body(), List.class));
    assertEquals(40402, http.get("/subjects/one-gone-value/versions/1").errorCode());
    assertEquals(200, http.get("/subjects/one-gone-value/versions/1?deleted=true").status());
    assertEquals(40406, http.delete("/subjects/one-gone-value/versions/1").errorCode());
  }

  @Test
  void unknownPathsAndMethodsAnswerWithAnErrorBody() throws Exception {
    Reply unknown = http.get("/nothing/here");
    Reply wrongMethod = http.put("/subjects", "{}");
    Reply malformed = http.post("/subjects/malformed-value/versions", "{\"schema\": ");

    assertEquals(404, unknown.status());
    assertEquals(404, unknown.errorCode());
    assertEquals(405, wrongMethod.status());
    assertEquals(400, malformed.status());
  }

  @Test
  void createsItsStorageTopicCompactedWithOnePartition() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicDescription topic =
          admin
              .describeTopics(List.of("_schemas"))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get("_schemas");
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "_schemas");
      String policy =
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get(30, TimeUnit.SECONDS)
              .get(resource)
              .get("cleanup.policy")
              .value();

      assertEquals(1, topic.partitions().size());
      assertEquals("compact", policy);
    }
  }

  @Test
  void aRegistryThatFindsAnotherWriterOnItsTopicReReadsItBeforeItsNextChange() throws Exception {
    SchemaRegistryServer.Settings settings =
        SchemaRegistryServer.Settings.of(kafka.bootstrapServers())
            .withTopic("_schemas_two_writers");
    try (SchemaRegistryServer first = SchemaRegistryServer.start(settings);
        SchemaRegistryServer second = SchemaRegistryServer.start(settings)) {
      RegistryRequests firstCalls = new RegistryRequests(first.url());
      RegistryRequests secondCalls = new RegistryRequests(second.url());
      firstCalls.post("/subjects/earlier-value/versions", schemaBody(READING_V1));
      int id =
          firstCalls
              .post("/subjects/contested-value/versions", schemaBody(READING_V2_WITH_DEFAULT))
              .body()
              .get("id")
              .asInt();

      // The second's write lands after the first's, not where it expected: it notices
      secondCalls.put("/config/elsewhere-value", "{\"compatibility\":\"NONE\"}");
      Reply again =
          secondCalls.post(
              "/subjects/contested-value/versions", schemaBody(READING_V2_WITH_DEFAULT));

      assertEquals(id, again.body().get("id").asInt());
      assertEquals(
          List.of(1),
          JSON.convertValue(
              secondCalls.get("/subjects/contested-value/versions").body(), List.class));
    }
  }

  @Test
  void idsVersionsAndSettingsSurviveARestartOnTheSameBroker() throws Exception {
    SchemaRegistryServer.Settings settings =
        SchemaRegistryServer.Settings.of(kafka.bootstrapServers()).withTopic("_schemas_restart");
    int firstId;
    int secondId;
    try (SchemaRegistryServer before = SchemaRegistryServer.start(settings)) {
      RegistryRequests calls = new RegistryRequests(before.url());
      firstId =
          calls
              .post("/subjects/kept-value/versions", schemaBody(READING_V1))
              .body()
              .get("id")
              .asInt();
      secondId =
          calls
              .post("/subjects/kept-value/versions", schemaBody(READING_V2_WITH_DEFAULT))
              .body()
              .get("id")
              .asInt();
      calls.put("/config/kept-value", "{\"compatibility\":\"FORWARD\"}");
      calls.put("/config", "{\"compatibility\":\"FULL\"}");
    }

    try (SchemaRegistryServer after = SchemaRegistryServer.start(settings)) {
      RegistryRequests calls = new RegistryRequests(after.url());

      assertEquals(
          JSON.readTree(READING_V1), calls.get("/schemas/ids/" + firstId + "/schema").body());
      assertEquals(secondId, calls.get("/subjects/kept-value/versions/2").body().get("id").asInt());
      assertEquals(
          secondId,
          calls
              .post("/subjects/kept-value/versions", schemaBody(READING_V2_WITH_DEFAULT))
              .body()
              .get("id")
              .asInt());
      assertEquals(
          "FORWARD", calls.get("/config/kept-value").body().get("compatibilityLevel").asText());
      assertEquals("FULL", calls.get("/config").body().get("compatibilityLevel").asText());
      // A new schema gets an id never handed out before the restart
      int newId =
          calls
              .post(
                  "/subjects/other-value/versions",
                  schemaBody(READING_V1.replace("Reading", "Measurement")))
              .body()
              .get("id")
              .asInt();
      assertTrue(newId > Math.max(firstId, secondId));
    }
  }
}
