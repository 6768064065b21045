package io.emotionstream.kafka.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API over a {@link SchemaStore}: paths, bodies, status codes
 * and error bodies as Confluent's clients expect them. Only Avro is spoken.
 */
final class RegistryEndpoints implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryEndpoints.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

  private final SchemaStore store;
  private final List<Route> routes = new ArrayList<>();

  RegistryEndpoints(SchemaStore store) {
    this.store = store;
    defineRoutes();
  }

  /** What a handled request answers: a status and a JSON body. */
  private record Answer(int status, JsonNode body) {
    static Answer ok(JsonNode body) {
      return new Answer(200, body);
    }
  }

  /** The parsed request: method, decoded path segments, query parameters. */
  private record Request(
      String method, List<String> path, Map<String, String> query, HttpExchange exchange) {
    String segment(int index) {
      return path.get(index);
    }

    boolean flag(String name) {
      return Boolean.parseBoolean(query.getOrDefault(name, "false"));
    }
  }

  @FunctionalInterface
  private interface Action {
    Answer apply(Request request) throws IOException;
  }

  /** One endpoint: a method and a path pattern whose "*" segments match any single segment. */
  private record Route(String method, List<String> pattern, Action action) {
    boolean matchesPath(List<String> path) {
      if (path.size() != pattern.size()) {
        return false;
      }
      for (int i = 0; i < path.size(); i++) {
        if (!pattern.get(i).equals("*") && !pattern.get(i).equals(path.get(i))) {
          return false;
        }
      }
      return true;
    }
  }

  private void on(String method, String path, Action action) {
    List<String> pattern = path.equals("/") ? List.of() : List.of(path.substring(1).split("/"));
    routes.add(new Route(method, pattern, action));
  }

  private void defineRoutes() {
    on("GET", "/", r -> Answer.ok(JSON.createObjectNode()));
    on("GET", "/subjects", r -> Answer.ok(strings(store.subjects(r.flag("deleted")))));
    on(
        "POST",
        "/subjects/*",
        r -> Answer.ok(versionBody(store.lookup(r.segment(1), schemaText(r), r.flag("deleted")))));
    on(
        "DELETE",
        "/subjects/*",
        r -> {
          rejectPermanent(r);
          return Answer.ok(ints(store.deleteSubject(r.segment(1))));
        });
    on(
        "GET",
        "/subjects/*/versions",
        r -> Answer.ok(ints(store.versions(r.segment(1), r.flag("deleted")))));
    on(
        "POST",
        "/subjects/*/versions",
        r -> {
          SchemaStore.Version registered = store.register(r.segment(1), schemaText(r));
          return Answer.ok(JSON.createObjectNode().put("id", registered.id()));
        });
    on(
        "GET",
        "/subjects/*/versions/*",
        r -> Answer.ok(versionBody(store.version(r.segment(1), r.segment(3), r.flag("deleted")))));
    on(
        "DELETE",
        "/subjects/*/versions/*",
        r -> {
          rejectPermanent(r);
          return Answer.ok(
              JSON.getNodeFactory().numberNode(store.deleteVersion(r.segment(1), r.segment(3))));
        });
    on(
        "GET",
        "/subjects/*/versions/*/schema",
        r ->
            Answer.ok(
                JSON.readTree(
                    store.version(r.segment(1), r.segment(3), r.flag("deleted")).schema())));
    on(
        "GET",
        "/schemas/ids/*",
        r ->
            Answer.ok(
                JSON.createObjectNode().put("schema", store.schemaById(schemaId(r.segment(2))))));
    on(
        "GET",
        "/schemas/ids/*/schema",
        r -> Answer.ok(JSON.readTree(store.schemaById(schemaId(r.segment(2))))));
    on(
        "GET",
        "/schemas/ids/*/versions",
        r -> {
          ArrayNode pairs = JSON.createArrayNode();
          for (SchemaStore.Version v :
              store.versionsOfId(schemaId(r.segment(2)), r.flag("deleted"))) {
            pairs.addObject().put("subject", v.subject()).put("version", v.version());
          }
          return Answer.ok(pairs);
        });
    on(
        "GET",
        "/schemas/ids/*/subjects",
        r ->
            Answer.ok(
                strings(
                    store.versionsOfId(schemaId(r.segment(2)), r.flag("deleted")).stream()
                        .map(SchemaStore.Version::subject)
                        .distinct()
                        .toList())));
    on("GET", "/schemas/types", r -> Answer.ok(strings(List.of("AVRO"))));
    on("GET", "/config", r -> Answer.ok(level(store.globalLevel())));
    on(
        "PUT",
        "/config",
        r -> {
          CompatibilityLevel level = compatibilityIn(r);
          store.setGlobalLevel(level);
          return Answer.ok(JSON.createObjectNode().put("compatibility", level.name()));
        });
    on(
        "GET",
        "/config/*",
        r -> {
          Optional<CompatibilityLevel> own = store.subjectLevel(r.segment(1));
          if (own.isEmpty() && r.flag("defaultToGlobal")) {
            own = Optional.of(store.globalLevel());
          }
          return Answer.ok(
              level(
                  own.orElseThrow(
                      () -> SchemaRegistryException.subjectLevelNotConfigured(r.segment(1)))));
        });
    on(
        "PUT",
        "/config/*",
        r -> {
          CompatibilityLevel level = compatibilityIn(r);
          store.setSubjectLevel(r.segment(1), level);
          return Answer.ok(JSON.createObjectNode().put("compatibility", level.name()));
        });
    on("DELETE", "/config/*", r -> Answer.ok(level(store.deleteSubjectLevel(r.segment(1)))));
    on(
        "POST",
        "/compatibility/subjects/*/versions/*",
        r -> compatibility(r, store.incompatibilities(r.segment(2), r.segment(4), schemaText(r))));
    on(
        "POST",
        "/compatibility/subjects/*/versions",
        r -> compatibility(r, store.registrationIncompatibilities(r.segment(2), schemaText(r))));
    on("GET", "/mode", r -> Answer.ok(JSON.createObjectNode().put("mode", "READWRITE")));
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Answer answer;
    try {
      answer = route(parse(exchange));
    } catch (SchemaRegistryException e) {
      answer = error(e.httpStatus(), e.errorCode(), e.registryMessage());
    } catch (JsonProcessingException e) {
      answer = error(400, 400, "Malformed JSON in request body: " + e.getOriginalMessage());
    } catch (RuntimeException e) {
      LOG.error(
          "registry request {} {} failed",
          exchange.getRequestMethod(),
          exchange.getRequestURI(),
          e);
      answer = error(500, SchemaRegistryException.STORE_ERROR, "Internal error: " + e);
    }
    send(exchange, answer);
  }

  private Answer route(Request request) throws IOException {
    boolean pathKnown = false;
    for (Route route : routes) {
      if (route.matchesPath(request.path())) {
        if (route.method().equals(request.method())) {
          return route.action().apply(request);
        }
        pathKnown = true;
      }
    }
    return pathKnown
        ? error(405, 405, "HTTP 405 Method Not Allowed")
        : error(404, 404, "HTTP 404 Not Found");
  }

  private static Answer compatibility(Request r, List<String> problems) {
    ObjectNode body = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
    if (r.flag("verbose")) {
      body.set("messages", strings(problems));
    }
    return Answer.ok(body);
  }

  private static void rejectPermanent(Request r) {
    if (r.flag("permanent")) {
      throw new SchemaRegistryException(
          422,
          42206,
          "Permanent deletion is not supported by this registry; versions are soft-deleted only.");
    }
  }

  /**
   * The "schema" of a register/lookup/compatibility body; only Avro without references is accepted.
   */
  private static String schemaText(Request r) throws IOException {
    JsonNode body = body(r);
    String type = body.path("schemaType").asText("AVRO");
    if (!type.equalsIgnoreCase("AVRO")) {
      throw SchemaRegistryException.invalidSchema(
          "schemaType " + type + " is not supported; this registry holds Avro only");
    }
    JsonNode references = body.get("references");
    if (references != null && references.isArray() && !references.isEmpty()) {
      throw SchemaRegistryException.invalidSchema(
          "schema references are not supported by this registry");
    }
    JsonNode schema = body.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw SchemaRegistryException.invalidSchema("the request body has no \"schema\" string");
    }
    return schema.asText();
  }

  private static CompatibilityLevel compatibilityIn(Request r) throws IOException {
    JsonNode level = body(r).get("compatibility");
    return CompatibilityLevel.parse(level == null || level.isNull() ? null : level.asText());
  }

  private static JsonNode body(Request r) throws IOException {
    byte[] bytes;
    try (InputStream in = r.exchange().getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new SchemaRegistryException(
          413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes");
    }
    if (bytes.length == 0) {
      throw new SchemaRegistryException(
          400, 400, "Request body is empty; a JSON object was expected");
    }
    return JSON.readTree(bytes);
  }

  private static int schemaId(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw SchemaRegistryException.schemaNotFound(text);
    }
  }

  private static ObjectNode versionBody(SchemaStore.Version v) {
    return JSON.createObjectNode()
        .put("subject", v.subject())
        .put("version", v.version())
        .put("id", v.id())
        .put("schema", v.schema());
  }

  private static ObjectNode level(CompatibilityLevel level) {
    return JSON.createObjectNode().put("compatibilityLevel", level.name());
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode array = JSON.createArrayNode();
    values.forEach(array::add);
    return array;
  }

  private static ArrayNode ints(List<Integer> values) {
    ArrayNode array = JSON.createArrayNode();
    values.forEach(array::add);
    return array;
  }

  private static Answer error(int status, int code, String message) {
    return new Answer(
        status, JSON.createObjectNode().put("error_code", code).put("message", message));
  }

  private static Request parse(HttpExchange exchange) {
    List<String> path = new ArrayList<>();
    for (String segment : exchange.getRequestURI().getRawPath().split("/")) {
      if (!segment.isEmpty()) {
        path.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    Map<String, String> query = new HashMap<>();
    String rawQuery = exchange.getRequestURI().getRawQuery();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "true" : pair.substring(eq + 1);
        query.put(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }
    return new Request(exchange.getRequestMethod().toUpperCase(Locale.ROOT), path, query, exchange);
  }

  private static void send(HttpExchange exchange, Answer answer) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(answer.body());
    exchange.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
