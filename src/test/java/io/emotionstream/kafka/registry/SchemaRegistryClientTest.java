package io.emotionstream.kafka.registry;

import static io.emotionstream.kafka.registry.SchemaRegistryServerTest.READING_V1;
import static io.emotionstream.kafka.registry.SchemaRegistryServerTest.READING_V2_WITHOUT_DEFAULT;
import static io.emotionstream.kafka.registry.SchemaRegistryServerTest.READING_V2_WITH_DEFAULT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.testing.IntegrationTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST client against the in-process registry over real HTTP, on a real broker. */
@IntegrationTest
class SchemaRegistryClientTest {
  private static EmbeddedKafka kafka;
  private static SchemaRegistryServer registry;

  @BeforeAll
  static void startBrokerAndRegistry() {
    kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.temporary());
    registry =
        SchemaRegistryServer.start(SchemaRegistryServer.Settings.of(kafka.bootstrapServers()));
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

  private static Schema schema(String json) {
    return new Schema.Parser().parse(json);
  }

  @Test
  void registersAndResolvesIdsInBothDirections() {
    SchemaRegistryClient client = new SchemaRegistryClient(registry.url());

    int id = client.register("both-ways-value", schema(READING_V1));
    SchemaRegistryClient fresh = new SchemaRegistryClient(registry.url());

    assertEquals(id, fresh.register("both-ways-value", schema(READING_V1)));
    assertEquals(id, fresh.idOf("both-ways-value", schema(READING_V1)));
    assertEquals(schema(READING_V1), fresh.schemaById(id));
    RegisteredSchema latest = fresh.latest("both-ways-value");
    assertEquals(new RegisteredSchema("both-ways-value", 1, id, schema(READING_V1)), latest);
    assertEquals(latest, fresh.version("both-ways-value", 1));
    assertEquals(List.of(1), fresh.versions("both-ways-value"));
    assertTrue(fresh.subjects().contains("both-ways-value"));
  }

  @Test
  void answersRepeatedCallsFromItsCacheWithoutAskingTheRegistry() {
    var settings =
        SchemaRegistryServer.Settings.of(kafka.bootstrapServers()).withTopic("_schemas_cache");
    SchemaRegistryClient registering;
    int id;
    SchemaRegistryClient fetching;
    try (SchemaRegistryServer shortLived = SchemaRegistryServer.start(settings)) {
      registering = new SchemaRegistryClient(shortLived.url());
      id = registering.register("cached-value", schema(READING_V1));
      fetching = new SchemaRegistryClient(shortLived.url());
      fetching.schemaById(id);
      shortLived.close(); // closing twice is harmless
    }

    // The registry is gone: whatever still answers came from the cache
    assertEquals(id, registering.register("cached-value", schema(READING_V1)));
    assertEquals(schema(READING_V1), registering.schemaById(id));
    assertEquals(schema(READING_V1), fetching.schemaById(id));
    SchemaRegistryClient client = registering;
    SchemaRegistryException uncached =
        assertThrows(
            SchemaRegistryException.class,
            () -> client.register("cached-value", schema(READING_V2_WITH_DEFAULT)));
    assertEquals(SchemaRegistryException.NO_RESPONSE, uncached.httpStatus());
    assertTrue(uncached.isUnavailable());
    assertTrue(
        uncached.getMessage().contains("POST /subjects/cached-value/versions"),
        uncached.getMessage());
  }

  @Test
  void registryErrorsCarryStatusConfluentCodeAndMessage() {
    SchemaRegistryClient client = new SchemaRegistryClient(registry.url());

    SchemaRegistryException noSubject =
        assertThrows(SchemaRegistryException.class, () -> client.latest("absent-value"));
    SchemaRegistryException noId =
        assertThrows(SchemaRegistryException.class, () -> client.schemaById(55555));

    assertEquals(404, noSubject.httpStatus());
    assertEquals(SchemaRegistryException.SUBJECT_NOT_FOUND, noSubject.errorCode());
    assertTrue(noSubject.registryMessage().contains("absent-value"));
    assertTrue(
        noSubject
            .getMessage()
            .startsWith("schema registry " + registry.url() + ": GET /subjects/absent-value"),
        noSubject.getMessage());
    assertFalse(noSubject.isUnavailable());
    assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND, noId.errorCode());
  }

  @Test
  void incompatibleRegistrationIsRefusedWith409() {
    SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
    client.register("client-strict-value", schema(READING_V1));

    assertTrue(client.isCompatible("client-new-subject-value", schema(READING_V2_WITHOUT_DEFAULT)));
    assertFalse(client.isCompatible("client-strict-value", schema(READING_V2_WITHOUT_DEFAULT)));
    assertTrue(client.isCompatible("client-strict-value", schema(READING_V2_WITH_DEFAULT)));
    SchemaRegistryException refused =
        assertThrows(
            SchemaRegistryException.class,
            () -> client.register("client-strict-value", schema(READING_V2_WITHOUT_DEFAULT)));
    assertEquals(409, refused.httpStatus());
    assertEquals(SchemaRegistryException.INCOMPATIBLE_SCHEMA, refused.errorCode());
  }

  @Test
  void readsAndSetsCompatibilityLevels() {
    SchemaRegistryClient client = new SchemaRegistryClient(registry.url());

    assertEquals(Optional.empty(), client.compatibility("client-levels-value"));
    client.setCompatibility("client-levels-value", CompatibilityLevel.FULL_TRANSITIVE);

    assertEquals(
        Optional.of(CompatibilityLevel.FULL_TRANSITIVE),
        client.compatibility("client-levels-value"));
    assertEquals(CompatibilityLevel.BACKWARD, client.compatibility());
  }

  @Test
  void lookupWithoutRegistrationFailsForAnUnregisteredSchema() {
    SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
    client.register("lookup-only-value", schema(READING_V1));

    SchemaRegistryException missing =
        assertThrows(
            SchemaRegistryException.class,
            () -> client.idOf("lookup-only-value", schema(READING_V2_WITH_DEFAULT)));

    assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND, missing.errorCode());
    assertEquals(List.of(1), client.versions("lookup-only-value"));
  }

  @Test
  void encodesSubjectNamesThatAreNotPlainPathSegments() {
    SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
    String subject = "odd subject/with+symbols-value";

    int id = client.register(subject, schema(READING_V1));

    assertEquals(id, client.latest(subject).id());
    assertTrue(client.subjects().contains(subject));
  }

  @Test
  void failsOverToTheNextUrlWhenOneDoesNotAnswer() {
    SchemaRegistryClient client = new SchemaRegistryClient("http://127.0.0.1:1," + registry.url());

    int id = client.register("failover-value", schema(READING_V1));

    assertEquals(id, client.latest("failover-value").id());
  }

  @Test
  void sendsBasicAuthCredentialsFromConfigOrUrl() throws Exception {
    List<String> authorizations = new CopyOnWriteArrayList<>();
    HttpServer recorder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    recorder.createContext(
        "/",
        exchange -> {
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body = RegistryRequests.schemaBody(READING_V1).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    recorder.start();
    try {
      String url = "http://127.0.0.1:" + recorder.getAddress().getPort();
      new SchemaRegistryClient(
              url,
              Map.of(
                  SchemaRegistryClient.BASIC_AUTH_SOURCE_CONFIG,
                  "USER_INFO",
                  SchemaRegistryClient.BASIC_AUTH_USER_INFO_CONFIG,
                  "alice:s3cret"))
          .schemaById(1);
      new SchemaRegistryClient("http://bob:pw@127.0.0.1:" + recorder.getAddress().getPort())
          .schemaById(1);
      SchemaRegistryClient.fromConfig(Map.of(SchemaRegistryClient.URL_CONFIG, url)).schemaById(1);
    } finally {
      recorder.stop(0);
    }

    String alice =
        "Basic "
            + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
    String bob =
        "Basic " + Base64.getEncoder().encodeToString("bob:pw".getBytes(StandardCharsets.UTF_8));
    assertEquals(Arrays.asList(alice, bob, null), authorizations);
  }

  @Test
  void trustsAnHttpsRegistryThroughConfluentsTrustStoreSettings(@TempDir Path directory)
      throws Exception {
    Path keystore = directory.resolve("registry.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "registry",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    assertEquals(
        0,
        keytool.waitFor(),
        new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, "changeit".toCharArray());
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(keys.getKeyManagers(), null, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    https.createContext(
        "/",
        exchange -> {
          byte[] body = RegistryRequests.schemaBody(READING_V1).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    https.start();
    try {
      String url = "https://127.0.0.1:" + https.getAddress().getPort();
      Map<String, String> trusting =
          Map.of(
              "schema.registry.ssl.truststore.location", keystore.toString(),
              "schema.registry.ssl.truststore.password", "changeit",
              "schema.registry.ssl.truststore.type", "PKCS12");

      assertEquals(schema(READING_V1), new SchemaRegistryClient(url, trusting).schemaById(1));
      SchemaRegistryException untrusted =
          assertThrows(
              SchemaRegistryException.class, () -> new SchemaRegistryClient(url).schemaById(1));
      assertTrue(untrusted.isUnavailable());
    } finally {
      https.stop(0);
    }
  }
}
