package dev.clientele.analytics;

import java.util.Locale;

/**
 * How engaged a customer is, from the recency and frequency of their active events (see
 * {@link EngagementThresholds}).
 */
public enum EngagementLevel {
  /** Active recently and often. */
  HIGH,
  /** Active within the medium recency on enough days, but not enough for high. */
  MEDIUM,
  /** Everyone else, including customers with no active event at all. */
  LOW;

  /** The lower-case name used in exports and the CLI: {@code high}, {@code medium}, {@code low}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
