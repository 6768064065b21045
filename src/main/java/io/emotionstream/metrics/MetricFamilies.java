package io.emotionstream.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * The metrics one service exposes, each read from a supplier at scrape time, so a service keeps its
 * own counters and knows nothing of Prometheus. Counter names are given without {@code _total}:
 * Prometheus's client adds it.
 */
public final class MetricFamilies {
  private final List<Consumer<PrometheusRegistry>> registrations = new ArrayList<>();

  public MetricFamilies counter(String name, String help, DoubleSupplier value) {
    registrations.add(
        registry ->
            CounterWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry));
    return this;
  }

  public MetricFamilies gauge(String name, String help, DoubleSupplier value) {
    registrations.add(
        registry ->
            GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry));
    return this;
  }

  /** A gauge with one label, one series per label value, such as quantiles of one distribution. */
  public MetricFamilies labelledGauge(
      String name,
      String help,
      String label,
      List<String> labelValues,
      List<DoubleSupplier> values) {
    if (labelValues.size() != values.size()) {
      throw new IllegalArgumentException("one supplier per label value needed for " + name);
    }
    registrations.add(
        registry ->
            GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames(label)
                .callback(
                    callback -> {
                      for (int i = 0; i < values.size(); i++) {
                        callback.call(values.get(i).getAsDouble(), labelValues.get(i));
                      }
                    })
                .register(registry));
    return this;
  }

  PrometheusRegistry toRegistry() {
    // A registry of its own, not the JVM-wide default: two services (or tests) in one JVM never
    // clash.
    PrometheusRegistry registry = new PrometheusRegistry();
    registrations.forEach(registration -> registration.accept(registry));
    return registry;
  }
}
