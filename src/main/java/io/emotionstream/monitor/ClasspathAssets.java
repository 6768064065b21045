package io.emotionstream.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The dashboard's files from the classpath: its own pages and the chart library's webjar. */
final class ClasspathAssets {
  private static final String CHART_JS_PROPERTIES =
      "META-INF/maven/org.webjars.npm/chart.js/pom.properties";

  private ClasspathAssets() {}

  /** A file under src/main/resources/dashboard, or null. */
  static byte[] page(String name) {
    if (!name.matches("[a-z0-9-]+\\.(html|js|css)")) {
      return null; // also keeps a path like ../ out
    }
    return read("dashboard/" + name);
  }

  /**
   * Chart.js's UMD bundle. Its path holds the webjar's version; reading that from the webjar's own
   * pom.properties keeps the pom the one place that names it.
   */
  static byte[] chartJs() {
    Properties properties = new Properties();
    byte[] pom = read(CHART_JS_PROPERTIES);
    if (pom == null) {
      throw new IllegalStateException("the chart.js webjar is not on the classpath");
    }
    try {
      properties.load(new java.io.ByteArrayInputStream(pom));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String path =
        "META-INF/resources/webjars/chart.js/"
            + properties.getProperty("version")
            + "/dist/chart.umd.js";
    byte[] script = read(path);
    if (script == null) {
      throw new IllegalStateException(path + " is missing from the chart.js webjar");
    }
    return script;
  }

  private static byte[] read(String resource) {
    try (InputStream in = ClasspathAssets.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
