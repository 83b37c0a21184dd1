package dev.clientele.analytics;

/**
 * How engaged a customer is as of a day, from their logins (see {@link ActivityThresholds}).
 * The four statuses partition every profile: occasional is whoever is none of the others.
 */
public enum ActivityStatus {
  /** More than one login in the last 7 days (by default). */
  VERY_ACTIVE,
  /** More than one login in the last 30 days, and not very active. */
  ACTIVE,
  /** Everyone else: logged in within the last 3 calendar months, but not often enough above. */
  OCCASIONAL,
  /** No login in the last 3 calendar months. */
  SLEEPER;

  /** The lower-case key used in JSON output, e.g. {@code very_active}. */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
