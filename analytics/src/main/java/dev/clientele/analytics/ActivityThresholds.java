package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The windows and counts behind {@link ActivityStatus}. Windows end with the day asked about
 * and are whole UTC days: "the last 7 days" as of D are D−6 through D.
 *
 * <pre>{@code
 * ActivityThresholds t = ActivityThresholds.defaults().withLoginType("session_start").withActive(14, 3);
 * }</pre>
 *
 * @param loginType the event type that counts as a login ({@code login} by default)
 * @param veryActiveDays the very-active window in days (7)
 * @param veryActiveLogins logins needed in it (2: "more than one")
 * @param activeDays the active window in days (30)
 * @param activeLogins logins needed in it (2)
 * @param sleeperMonths calendar months without a login that make a sleeper (3): no login
 *     after D minus that many months, through D
 */
public record ActivityThresholds(
    String loginType, int veryActiveDays, int veryActiveLogins, int activeDays, int activeLogins, int sleeperMonths) {

  /**
   * Validates the thresholds.
   *
   * @throws IllegalArgumentException if {@code loginType} is not an event type (1 to 64 of {@code
   *     [A-Za-z0-9_.:-]}, as {@link dev.clientele.core.Event} requires: no event could match
   *     another), or a window or count is out of range
   */
  public ActivityThresholds {
    requireNonNull(loginType, "loginType");
    checkArgument(!loginType.isBlank(), "loginType must not be blank");
    checkArgument(isEventType(loginType), "loginType must be 1 to 64 of [A-Za-z0-9_.:-]: %s",
        dev.clientele.core.Pii.mask(loginType));
    checkArgument(veryActiveDays >= 1 && activeDays >= veryActiveDays,
        "windows must satisfy 1 <= veryActiveDays <= activeDays: %s, %s", veryActiveDays, activeDays);
    checkArgument(veryActiveLogins >= 1 && activeLogins >= 1, "veryActiveLogins and activeLogins must be >= 1: %s, %s", veryActiveLogins, activeLogins);
    checkArgument(sleeperMonths >= 1, "sleeperMonths must be >= 1: %s", sleeperMonths);
  }

  /** Whether {@code s} can be an event's type (or a non-empty action): 1 to 64 of {@code [A-Za-z0-9_.:-]}. */
  static boolean isEventType(String s) {
    if (s.length() > 64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** The design's thresholds: login; 2 logins in 7 days; 2 in 30 days; 3 months for sleepers. */
  public static ActivityThresholds defaults() {
    return new ActivityThresholds("login", 7, 2, 30, 2, 3);
  }

  /** A copy counting events of {@code type} as logins. */
  public ActivityThresholds withLoginType(String type) {
    return new ActivityThresholds(type, veryActiveDays, veryActiveLogins, activeDays, activeLogins, sleeperMonths);
  }

  /** A copy in which very active means at least {@code logins} logins in the last {@code days} days. */
  public ActivityThresholds withVeryActive(int days, int logins) {
    return new ActivityThresholds(loginType, days, logins, activeDays, activeLogins, sleeperMonths);
  }

  /** A copy in which active means at least {@code logins} logins in the last {@code days} days. */
  public ActivityThresholds withActive(int days, int logins) {
    return new ActivityThresholds(loginType, veryActiveDays, veryActiveLogins, days, logins, sleeperMonths);
  }

  /** A copy in which a sleeper has had no login for {@code months} calendar months. */
  public ActivityThresholds withSleeperMonths(int months) {
    return new ActivityThresholds(loginType, veryActiveDays, veryActiveLogins, activeDays, activeLogins, months);
  }

  /**
   * The status of a customer with these login counts.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public ActivityStatus classify(int loginsInVeryActiveWindow, int loginsInActiveWindow, int loginsInSleeperWindow) {
    if ((loginsInVeryActiveWindow | loginsInActiveWindow | loginsInSleeperWindow) < 0) {
      throw new IllegalArgumentException("loginsInVeryActiveWindow, loginsInActiveWindow and loginsInSleeperWindow must be"
          + " >= 0: " + loginsInVeryActiveWindow + ", " + loginsInActiveWindow + ", " + loginsInSleeperWindow);
    }
    if (loginsInVeryActiveWindow >= veryActiveLogins) {
      return ActivityStatus.VERY_ACTIVE;
    }
    if (loginsInActiveWindow >= activeLogins) {
      return ActivityStatus.ACTIVE;
    }
    return loginsInSleeperWindow == 0 ? ActivityStatus.SLEEPER : ActivityStatus.OCCASIONAL;
  }
}
