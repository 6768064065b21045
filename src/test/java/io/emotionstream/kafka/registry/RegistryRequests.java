package io.emotionstream.kafka.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain HTTP calls to a registry, to check exactly what goes over the wire. */
final class RegistryRequests {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;

  record Reply(int status, JsonNode body, String contentType) {
    int errorCode() {
      return body.path("error_code").asInt(-1);
    }
  }

  RegistryRequests(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  Reply get(String path) throws IOException, InterruptedException {
    return send("GET", path, null, null);
  }

  Reply delete(String path) throws IOException, InterruptedException {
    return send("DELETE", path, null, null);
  }

  Reply post(String path, String body) throws IOException, InterruptedException {
    return send("POST", path, body, "application/vnd.schemaregistry.v1+json");
  }

  Reply put(String path, String body) throws IOException, InterruptedException {
    return send("PUT", path, body, "application/json");
  }

  Reply send(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(
        response.statusCode(),
        JSON.readTree(response.body()),
        response.headers().firstValue("Content-Type").orElse(""));
  }

  /**
   * A register/lookup/compatibility body carrying {@code schema} as the string Confluent expects.
   */
  static String schemaBody(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }
}
