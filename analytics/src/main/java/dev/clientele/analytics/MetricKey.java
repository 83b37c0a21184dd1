package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

/**
 * A metric of the metric snapshot: events of one type and action ({@code order}/{@code purchase}).
 * An empty action stands for events without one.
 *
 * @param type the event type
 * @param action the event action, or empty
 */
public record MetricKey(String type, String action) implements Comparable<MetricKey> {
  /** Validates the key. */
  public MetricKey {
    requireNonNull(type, "type");
    requireNonNull(action, "action");
    if (type.isBlank()) {
      throw new IllegalArgumentException("type must not be blank");
    }
  }

  /** Orders by type, then action. */
  @Override
  public int compareTo(MetricKey other) {
    int c = type.compareTo(other.type);
    return c != 0 ? c : action.compareTo(other.action);
  }

  /** {@code type/action}, or {@code type} without an action. */
  @Override
  public String toString() {
    return action.isEmpty() ? type : type + "/" + action;
  }
}
