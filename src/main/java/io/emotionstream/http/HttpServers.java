package io.emotionstream.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/** The JDK's HTTP server as the product's HTTP endpoints (registry, dashboard) need it. */
public final class HttpServers {
  // The JDK server writes a response's headers and body as separate segments; with Nagle's
  // algorithm on,
  // the body waits for the client's delayed ACK of the headers, ~40 ms on every request. The server
  // reads
  // this setting once, when its first instance is made.
  private static final String NO_DELAY = "sun.net.httpserver.nodelay";

  private HttpServers() {}

  /** A server on {@code address} whose connections send each write at once. */
  public static HttpServer create(InetSocketAddress address) throws IOException {
    if (System.getProperty(NO_DELAY) == null) {
      System.setProperty(NO_DELAY, "true");
    }
    return HttpServer.create(address, 0);
  }
}
