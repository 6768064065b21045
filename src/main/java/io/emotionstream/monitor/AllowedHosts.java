package io.emotionstream.monitor;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The names the dashboard answers to in a request's Host header. A page of another site cannot read
 * the dashboard, but a DNS-rebinding page can: its name is made to resolve to this machine, so it
 * is the page's own origin the browser sends to, with that name as the Host. Answering only to the
 * bound address, the loopback names and names given on purpose shuts it out.
 */
final class AllowedHosts {
  private final Set<String> names = new LinkedHashSet<>();

  AllowedHosts(String bindAddress, Collection<String> extraNames) {
    names.add("localhost");
    names.add("127.0.0.1");
    names.add("[::1]");
    names.add(configured(bindAddress));
    extraNames.forEach(extra -> names.add(configured(extra)));
  }

  /**
   * Whether a Host header (with or without its port) names this dashboard; a request without one
   * does not.
   */
  boolean allows(String hostHeader) {
    return hostHeader != null && names.contains(name(hostHeader));
  }

  @Override
  public String toString() {
    return String.join(", ", names);
  }

  /**
   * A name as given in settings, where an IPv6 address may come without the brackets a Host header
   * has.
   */
  private static String configured(String host) {
    String trimmed = host.trim();
    boolean bareIpv6 = !trimmed.startsWith("[") && trimmed.indexOf(':') != trimmed.lastIndexOf(':');
    return name(bareIpv6 ? "[" + trimmed + "]" : trimmed);
  }

  /** The host part in lower case, without the port and a root label's dot. */
  private static String name(String host) {
    String name = host.trim().toLowerCase(Locale.ROOT);
    if (name.startsWith("[")) {
      int end = name.indexOf(']');
      return end < 0 ? name : name.substring(0, end + 1);
    }
    int colon = name.indexOf(':');
    if (colon >= 0) {
      name = name.substring(0, colon);
    }
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
