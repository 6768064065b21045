package io.emotionstream.kafka.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS towards an https registry from Confluent's client settings (schema.registry.ssl.truststore.*,
 * schema.registry.ssl.keystore.* for mutual TLS), so a client.properties written for Confluent's
 * serializers works here too. Without them the JVM's default trust store applies.
 */
final class RegistryTls {
  static final String PREFIX = "schema.registry.ssl.";

  private RegistryTls() {}

  static Optional<SSLContext> fromConfig(Map<String, ?> config) {
    String truststore = setting(config, "truststore.location");
    String keystore = setting(config, "keystore.location");
    if (truststore == null && keystore == null) {
      return Optional.empty();
    }
    try {
      TrustManager[] trust = null;
      if (truststore != null) {
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(load(config, "truststore"));
        trust = factory.getTrustManagers();
      }
      KeyManager[] keys = null;
      if (keystore != null) {
        KeyManagerFactory factory =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        String keyPassword = setting(config, "key.password");
        String storePassword = setting(config, "keystore.password");
        String password = keyPassword != null ? keyPassword : storePassword;
        factory.init(load(config, "keystore"), password == null ? null : password.toCharArray());
        keys = factory.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return Optional.of(context);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot set up TLS to the schema registry: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Map<String, ?> config, String which)
      throws GeneralSecurityException {
    String location = setting(config, which + ".location");
    String password = setting(config, which + ".password");
    String type = setting(config, which + ".type");
    KeyStore store = KeyStore.getInstance(type == null ? KeyStore.getDefaultType() : type);
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      store.load(in, password == null ? null : password.toCharArray());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + PREFIX + which + ".location " + location + ": " + e.getMessage(), e);
    }
    return store;
  }

  private static String setting(Map<String, ?> config, String name) {
    Object value = config.get(PREFIX + name);
    return value == null || value.toString().isBlank() ? null : value.toString();
  }
}
