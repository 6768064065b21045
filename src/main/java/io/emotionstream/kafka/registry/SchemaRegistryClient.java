package io.emotionstream.kafka.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API, using only its standard endpoints and fields,
 * so it works against Confluent Schema Registry, Karapace, Redpanda, Apicurio's ccompat API and
 * {@link SchemaRegistryServer}. Avro only.
 *
 * <p>Ids are immutable in every registry, so both directions are cached for the life of the client:
 * a schema registered (or looked up) once under a subject is never sent again, and a schema fetched
 * by id is never fetched again. Thread-safe.
 */
public final class SchemaRegistryClient implements SchemaRegistry {
  /** Comma-separated base URLs; later ones are tried when earlier ones do not answer. */
  public static final String URL_CONFIG = "schema.registry.url";

  /** "user:password" for HTTP basic authentication. */
  public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";

  /**
   * Where basic-auth credentials come from: USER_INFO (the setting above) or URL
   * (user:password@host).
   */
  public static final String BASIC_AUTH_SOURCE_CONFIG = "basic.auth.credentials.source";

  /** The media type of the Confluent Schema Registry API, version 1. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<URI> baseUrls;
  private final Optional<String> authorization;
  private final HttpClient http;
  private volatile int preferred;
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  public SchemaRegistryClient(String urls) {
    this(urls, Map.of());
  }

  /**
   * {@code config} may carry {@link #BASIC_AUTH_USER_INFO_CONFIG}, {@link
   * #BASIC_AUTH_SOURCE_CONFIG} and, for an https registry, Confluent's
   * schema.registry.ssl.truststore.* / keystore.* settings.
   */
  public SchemaRegistryClient(String urls, Map<String, ?> config) {
    List<URI> parsed = new ArrayList<>();
    String urlUserInfo = null;
    for (String url : urls.split(",")) {
      if (url.isBlank()) {
        continue;
      }
      URI uri = URI.create(url.trim().replaceAll("/+$", ""));
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "schema registry URL '" + url.trim() + "' is not an http(s) URL");
      }
      if (uri.getUserInfo() != null) {
        urlUserInfo = uri.getUserInfo();
        uri =
            URI.create(
                uri.getScheme()
                    + "://"
                    + uri.getHost()
                    + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + uri.getPath());
      }
      parsed.add(uri);
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("no schema registry URL given");
    }
    this.baseUrls = List.copyOf(parsed);
    this.authorization = authorization(config, urlUserInfo);
    // HTTP/1.1 because every registry speaks it, and no h2c upgrade is attempted on plain http
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10));
    RegistryTls.fromConfig(config).ifPresent(builder::sslContext);
    this.http = builder.build();
  }

  /** A client from Kafka-style client properties; {@link #URL_CONFIG} is required. */
  public static SchemaRegistryClient fromConfig(Map<String, ?> config) {
    Object urls = config.get(URL_CONFIG);
    if (urls == null || urls.toString().isBlank()) {
      throw new IllegalArgumentException("missing " + URL_CONFIG);
    }
    return new SchemaRegistryClient(urls.toString(), config);
  }

  /** The first base URL. */
  @Override
  public String location() {
    return baseUrls.get(0).toString();
  }

  @Override
  public int register(String subject, Schema schema) {
    Integer cached = cachedId(subject, schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer =
        send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
    int id = answer.path("id").asInt(-1);
    if (id < 0) {
      throw malformed("POST /subjects/" + subject + "/versions", "no id in the answer");
    }
    remember(subject, schema, id);
    return id;
  }

  @Override
  public int idOf(String subject, Schema schema) {
    Integer cached = cachedId(subject, schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
    int id = answer.path("id").asInt(-1);
    if (id < 0) {
      throw malformed("POST /subjects/" + subject, "no id in the answer");
    }
    remember(subject, schema, id);
    return id;
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("GET", "/schemas/ids/" + id, null);
    String type = answer.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw malformed("GET /schemas/ids/" + id, "schema " + id + " is " + type + ", not Avro");
    }
    Schema schema = parseSchema(answer.path("schema").asText(), "GET /schemas/ids/" + id);
    schemasById.putIfAbsent(id, schema);
    return schema;
  }

  @Override
  public RegisteredSchema latest(String subject) {
    return version(subject, "latest");
  }

  public RegisteredSchema version(String subject, int version) {
    return version(subject, String.valueOf(version));
  }

  public List<String> subjects() {
    List<String> subjects = new ArrayList<>();
    send("GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
    return subjects;
  }

  @Override
  public List<Integer> versions(String subject) {
    List<Integer> versions = new ArrayList<>();
    send("GET", "/subjects/" + encode(subject) + "/versions", null)
        .forEach(node -> versions.add(node.asInt()));
    return versions;
  }

  /** Soft-deletes every version of {@code subject}; returns the versions deleted. */
  public List<Integer> deleteSubject(String subject) {
    List<Integer> versions = new ArrayList<>();
    send("DELETE", "/subjects/" + encode(subject), null)
        .forEach(node -> versions.add(node.asInt()));
    idsBySubject.remove(subject);
    return versions;
  }

  /**
   * Whether {@code schema} may follow the latest version of {@code subject} under the subject's
   * compatibility level; true when the subject has no version yet. (Transitive levels are checked
   * against the latest version only: the endpoint every Confluent-compatible registry has.)
   */
  public boolean isCompatible(String subject, Schema schema) {
    try {
      JsonNode answer =
          send(
              "POST",
              "/compatibility/subjects/" + encode(subject) + "/versions/latest",
              schemaBody(schema));
      return answer.path("is_compatible").asBoolean(false);
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
          || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
        return true;
      }
      throw e;
    }
  }

  @Override
  public CompatibilityLevel compatibility() {
    return CompatibilityLevel.parse(
        send("GET", "/config", null).path("compatibilityLevel").asText());
  }

  @Override
  public Optional<CompatibilityLevel> compatibility(String subject) {
    try {
      JsonNode answer = send("GET", "/config/" + encode(subject), null);
      return Optional.of(CompatibilityLevel.parse(answer.path("compatibilityLevel").asText()));
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED) {
        return Optional.empty();
      }
      throw e;
    }
  }

  public void setCompatibility(CompatibilityLevel level) {
    send("PUT", "/config", JSON.createObjectNode().put("compatibility", level.name()).toString());
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    send(
        "PUT",
        "/config/" + encode(subject),
        JSON.createObjectNode().put("compatibility", level.name()).toString());
  }

  private RegisteredSchema version(String subject, String version) {
    String path = "/subjects/" + encode(subject) + "/versions/" + version;
    JsonNode answer = send("GET", path, null);
    Schema schema = parseSchema(answer.path("schema").asText(), "GET " + path);
    int id = answer.path("id").asInt();
    schemasById.putIfAbsent(id, schema);
    return new RegisteredSchema(
        answer.path("subject").asText(subject), answer.path("version").asInt(), id, schema);
  }

  private Integer cachedId(String subject, Schema schema) {
    Map<Schema, Integer> ids = idsBySubject.get(subject);
    return ids == null ? null : ids.get(schema);
  }

  private void remember(String subject, Schema schema, int id) {
    idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
    schemasById.putIfAbsent(id, schema);
  }

  private static String schemaBody(Schema schema) {
    return JSON.createObjectNode().put("schema", schema.toString()).toString();
  }

  /**
   * One request, tried against each base URL in turn until one answers; errors become exceptions.
   */
  private JsonNode send(String method, String path, String body) {
    IOException lastFailure = null;
    int start = preferred;
    for (int attempt = 0; attempt < baseUrls.size(); attempt++) {
      int index = (start + attempt) % baseUrls.size();
      URI base = baseUrls.get(index);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(REQUEST_TIMEOUT)
              .header("Accept", ACCEPT)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (body != null) {
        request.header("Content-Type", CONTENT_TYPE);
      }
      authorization.ifPresent(value -> request.header("Authorization", value));
      HttpResponse<String> response;
      try {
        response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        lastFailure = e;
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(
            SchemaRegistryException.NO_RESPONSE,
            -1,
            "interrupted",
            context(base, method, path) + "interrupted",
            e);
      }
      preferred = index;
      return answer(base, method, path, response);
    }
    String reason =
        lastFailure.getMessage() == null
            ? lastFailure.getClass().getSimpleName()
            : lastFailure.getMessage();
    String message = "no answer (" + reason + ")";
    throw new SchemaRegistryException(
        SchemaRegistryException.NO_RESPONSE,
        -1,
        message,
        context(baseUrls.get(start), method, path) + message,
        lastFailure);
  }

  private static JsonNode answer(
      URI base, String method, String path, HttpResponse<String> response) {
    int status = response.statusCode();
    JsonNode json = null;
    try {
      json = response.body().isEmpty() ? null : JSON.readTree(response.body());
    } catch (IOException e) {
      // not JSON: reported below with the raw text
    }
    if (status / 100 == 2) {
      if (json == null) {
        throw new SchemaRegistryException(
            status,
            status,
            "answer is not JSON",
            context(base, method, path) + "answer is not JSON",
            null);
      }
      return json;
    }
    int code = json != null && json.has("error_code") ? json.get("error_code").asInt() : status;
    String registryMessage =
        json != null && json.hasNonNull("message")
            ? json.get("message").asText()
            : abbreviate(response.body());
    String full =
        context(base, method, path)
            + "error "
            + code
            + " (HTTP "
            + status
            + "): "
            + registryMessage;
    throw new SchemaRegistryException(status, code, registryMessage, full, null);
  }

  private SchemaRegistryException malformed(String request, String problem) {
    return new SchemaRegistryException(
        200, -1, problem, "schema registry " + location() + ": " + request + ": " + problem, null);
  }

  private Schema parseSchema(String text, String request) {
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      throw malformed(
          request, "the registry returned a schema Avro cannot parse: " + e.getMessage());
    }
  }

  private static String context(URI base, String method, String path) {
    return "schema registry " + base + ": " + method + " " + path + ": ";
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviate(String text) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
  }

  private static Optional<String> authorization(Map<String, ?> config, String urlUserInfo) {
    Object source = config.get(BASIC_AUTH_SOURCE_CONFIG);
    Object userInfo = config.get(BASIC_AUTH_USER_INFO_CONFIG);
    if (userInfo == null) {
      userInfo = config.get("schema.registry." + BASIC_AUTH_USER_INFO_CONFIG);
    }
    String credentials;
    if (userInfo != null && !"URL".equalsIgnoreCase(String.valueOf(source))) {
      credentials = userInfo.toString();
    } else {
      credentials = urlUserInfo;
    }
    if (credentials == null || credentials.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "Basic "
            + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
  }
}
