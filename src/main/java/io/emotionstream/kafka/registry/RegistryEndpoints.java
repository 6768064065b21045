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
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API over a {@link SchemaStore}: paths, bodies, status codes and
 * error bodies as Confluent's clients expect them. Only Avro is spoken.
 */
final class RegistryEndpoints implements HttpHandler {
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Logger log = LoggerFactory.getLogger(RegistryEndpoints.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

  private final SchemaStore store;

  RegistryEndpoints(SchemaStore store) {
    this.store = store;
  }

  /** What a handled request answers: a status and a JSON body. */
  private record Answer(int status, JsonNode body) {
    static Answer ok(JsonNode body) {
      return new Answer(200, body);
    }
  }

  /** The parsed request line: method, decoded path segments, query parameters. */
  private record Request(String method, List<String> path, Map<String, String> query, HttpExchange exchange) {
    String segment(int index) {
      return path.get(index);
    }

    boolean flag(String name) {
      return Boolean.parseBoolean(query.getOrDefault(name, "false"));
    }

    boolean is(String expectedMethod, String... pattern) {
      if (!method.equals(expectedMethod) || path.size() != pattern.length) {
        return false;
      }
      for (int i = 0; i < pattern.length; i++) {
        if (!pattern[i].equals("*") && !pattern[i].equals(path.get(i))) {
          return false;
        }
      }
      return true;
    }

    boolean matchesPath(String... pattern) {
      for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
        if (new Request(method, path, query, exchange).is(method, pattern)) {
          return true;
        }
      }
      return false;
    }
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
      log.error("registry request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      answer = error(500, 50001, "Internal error: " + e);
    }
    send(exchange, answer);
  }

  private Answer route(Request r) throws IOException {
    if (r.is("GET")) {
      return Answer.ok(JSON.createObjectNode());
    }
    if (r.is("GET", "subjects")) {
      return Answer.ok(strings(store.subjects(r.flag("deleted"))));
    }
    if (r.is("POST", "subjects", "*")) {
      SchemaStore.Version found = store.lookup(r.segment(1), schemaText(r), r.flag("deleted"));
      return Answer.ok(versionBody(found));
    }
    if (r.is("DELETE", "subjects", "*")) {
      rejectPermanent(r);
      return Answer.ok(ints(store.deleteSubject(r.segment(1))));
    }
    if (r.is("GET", "subjects", "*", "versions")) {
      return Answer.ok(ints(store.versions(r.segment(1), r.flag("deleted"))));
    }
    if (r.is("POST", "subjects", "*", "versions")) {
      SchemaStore.Version registered = store.register(r.segment(1), schemaText(r));
      return Answer.ok(JSON.createObjectNode().put("id", registered.id()));
    }
    if (r.is("GET", "subjects", "*", "versions", "*")) {
      return Answer.ok(versionBody(store.version(r.segment(1), r.segment(3), r.flag("deleted"))));
    }
    if (r.is("DELETE", "subjects", "*", "versions", "*")) {
      rejectPermanent(r);
      return Answer.ok(JSON.getNodeFactory().numberNode(store.deleteVersion(r.segment(1), r.segment(3))));
    }
    if (r.is("GET", "subjects", "*", "versions", "*", "schema")) {
      return Answer.ok(JSON.readTree(store.version(r.segment(1), r.segment(3), r.flag("deleted")).schema()));
    }
    if (r.is("GET", "schemas", "ids", "*")) {
      return Answer.ok(JSON.createObjectNode().put("schema", store.schemaById(schemaId(r.segment(2)))));
    }
    if (r.is("GET", "schemas", "ids", "*", "schema")) {
      return Answer.ok(JSON.readTree(store.schemaById(schemaId(r.segment(2)))));
    }
    if (r.is("GET", "schemas", "ids", "*", "versions")) {
      ArrayNode pairs = JSON.createArrayNode();
      for (SchemaStore.Version v : store.versionsOfId(schemaId(r.segment(2)), r.flag("deleted"))) {
        pairs.addObject().put("subject", v.subject()).put("version", v.version());
      }
      return Answer.ok(pairs);
    }
    if (r.is("GET", "schemas", "ids", "*", "subjects")) {
      return Answer.ok(
          strings(
              store.versionsOfId(schemaId(r.segment(2)), r.flag("deleted")).stream()
                  .map(SchemaStore.Version::subject)
                  .distinct()
                  .toList()));
    }
    if (r.is("GET", "schemas", "types")) {
      return Answer.ok(strings(List.of("AVRO")));
    }
    if (r.is("GET", "config")) {
      return Answer.ok(level(store.globalLevel()));
    }
    if (r.is("PUT", "config")) {
      CompatibilityLevel level = compatibilityIn(r);
      store.setGlobalLevel(level);
      return Answer.ok(JSON.createObjectNode().put("compatibility", level.name()));
    }
    if (r.is("GET", "config", "*")) {
      String subject = r.segment(1);
      return store
          .subjectLevel(subject)
          .or(() -> r.flag("defaultToGlobal") ? java.util.Optional.of(store.globalLevel()) : java.util.Optional.empty())
          .map(level -> Answer.ok(level(level)))
          .orElseThrow(
              () ->
                  new SchemaRegistryException(
                      404,
                      SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                      "Subject '" + subject + "' does not have subject-level compatibility configured"));
    }
    if (r.is("PUT", "config", "*")) {
      CompatibilityLevel level = compatibilityIn(r);
      store.setSubjectLevel(r.segment(1), level);
      return Answer.ok(JSON.createObjectNode().put("compatibility", level.name()));
    }
    if (r.is("DELETE", "config", "*")) {
      return Answer.ok(level(store.deleteSubjectLevel(r.segment(1))));
    }
    if (r.is("POST", "compatibility", "subjects", "*", "versions", "*")) {
      List<String> problems = store.incompatibilities(r.segment(2), r.segment(4), schemaText(r));
      ObjectNode body = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
      if (r.flag("verbose")) {
        body.set("messages", strings(problems));
      }
      return Answer.ok(body);
    }
    if (r.is("GET", "mode")) {
      return Answer.ok(JSON.createObjectNode().put("mode", "READWRITE"));
    }
    if (knownPath(r)) {
      return error(405, 405, "HTTP 405 Method Not Allowed");
    }
    return error(404, 404, "HTTP 404 Not Found");
  }

  private static boolean knownPath(Request r) {
    return r.matchesPath("subjects")
        || r.matchesPath("subjects", "*")
        || r.matchesPath("subjects", "*", "versions")
        || r.matchesPath("subjects", "*", "versions", "*")
        || r.matchesPath("subjects", "*", "versions", "*", "schema")
        || r.matchesPath("schemas", "ids", "*")
        || r.matchesPath("schemas", "types")
        || r.matchesPath("config")
        || r.matchesPath("config", "*")
        || r.matchesPath("compatibility", "subjects", "*", "versions", "*")
        || r.matchesPath("mode");
  }

  private static void rejectPermanent(Request r) {
    if (r.flag("permanent")) {
      throw new SchemaRegistryException(
          422, 42206, "Permanent deletion is not supported by this registry; versions are soft-deleted only.");
    }
  }

  /** The "schema" of a register/lookup/compatibility body; only Avro without references is accepted. */
  private static String schemaText(Request r) throws IOException {
    JsonNode body = body(r);
    String type = body.path("schemaType").asText("AVRO");
    if (!type.equalsIgnoreCase("AVRO")) {
      throw SchemaRegistryException.invalidSchema("schemaType " + type + " is not supported; this registry holds Avro only");
    }
    JsonNode references = body.get("references");
    if (references != null && references.isArray() && !references.isEmpty()) {
      throw SchemaRegistryException.invalidSchema("schema references are not supported by this registry");
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
      throw new SchemaRegistryException(413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes");
    }
    if (bytes.length == 0) {
      throw new SchemaRegistryException(400, 400, "Request body is empty; a JSON object was expected");
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
    return new Answer(status, JSON.createObjectNode().put("error_code", code).put("message", message));
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
            URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }
    return new Request(exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT), path, query, exchange);
  }

  private static void send(HttpExchange exchange, Answer answer) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(answer.body());
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
