package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Activity status of every profile as of a day, in one pass over the events and one over the
 * profiles; or of one profile ({@link #of}) from its own events. Thread-safe.
 *
 * <p>Only profiles that existed by the end of the day (created at or before it) are counted,
 * and only logins up to the end of the day; a login counts for the profile that owns its anchor
 * identifier now, so a merged person's logins count together, once, for the surviving profile
 * (an owner that was merged away is followed to its survivor, never counted itself).
 *
 * <pre>{@code
 * ActivityStatusCounts c = new ActivityStatuses(storage, ActivityThresholds.defaults()).count(LocalDate.parse("2026-10-31"));
 * c.count(ActivityStatus.SLEEPER);
 * }</pre>
 */
public final class ActivityStatuses {
  private final Storage storage;
  private final ActivityThresholds thresholds;

  /** Statuses over {@code storage} by {@code thresholds}. */
  public ActivityStatuses(Storage storage, ActivityThresholds thresholds) {
    this.storage = requireNonNull(storage, "storage");
    this.thresholds = requireNonNull(thresholds, "thresholds");
  }

  /** Counts profiles per status as of the end of {@code day} (UTC). */
  public ActivityStatusCounts count(LocalDate day) {
    requireNonNull(day, "day");
    Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Logins l = logins(day);
    Map<ActivityStatus, Long> counts = new EnumMap<>(ActivityStatus.class);
    for (int p = 0; p < l.owners().size(); p++) {
      if (l.owners().createdAt(p).isBefore(end)) {
        counts.merge(thresholds.classify(l.counts()[0][p], l.counts()[1][p], l.counts()[2][p]), 1L, Long::sum);
      }
    }
    return new ActivityStatusCounts(day, counts);
  }

  /**
   * The status of each profile as of the end of {@code day} (UTC), for per-profile output such
   * as exports: one pass over the events now, then a map lookup per profile. Holds login counts
   * of the profiles that logged in during the sleeper window (not of every profile). A profile
   * created after the day is a sleeper by this function (it had no login by then).
   */
  public Function<ProfileId, ActivityStatus> statusesAsOf(LocalDate day) {
    requireNonNull(day, "day");
    Logins l = logins(day);
    Map<ProfileId, Integer> ordinals = new HashMap<>();
    for (int p = 0; p < l.owners().size(); p++) {
      if (l.counts()[2][p] > 0 || l.counts()[1][p] > 0) {
        ordinals.put(l.owners().id(p), p);
      }
    }
    return id -> {
      Integer p = ordinals.get(requireNonNull(id, "id"));
      return p == null ? thresholds.classify(0, 0, 0)
          : thresholds.classify(l.counts()[0][p], l.counts()[1][p], l.counts()[2][p]);
    };
  }

  /**
   * The status of one profile as of the end of {@code day} (UTC), from the login events of its
   * identifiers only: for an existing profile, the same as {@link #statusesAsOf} gives for it,
   * without a pass over every event. An id that is no profile (merged away, erased, unknown) is
   * not followed to a survivor: it throws, where {@link #statusesAsOf} answers sleeper.
   *
   * <pre>{@code
   * ActivityStatus s = new ActivityStatuses(storage, ActivityThresholds.defaults()).of(id, LocalDate.parse("2026-10-31"));
   * }</pre>
   *
   * @throws java.util.NoSuchElementException if there is no such profile
   */
  public ActivityStatus of(ProfileId id, LocalDate day) {
    requireNonNull(id, "id");
    requireNonNull(day, "day");
    Profile p = storage.profile(id).orElseThrow(() -> new java.util.NoSuchElementException("no profile " + id));
    List<Identifier> anchors = new ArrayList<>(p.identifiers().size());
    for (IdentifierState s : p.identifiers()) {
      anchors.add(s.identifier());
    }
    Windows w = windows(day);
    int[][] logins = new int[3][1];
    for (StoredEvent e : storage.events(anchors)) {
      w.count(e, 0, logins);
    }
    return thresholds.classify(logins[0][0], logins[1][0], logins[2][0]);
  }

  /** Login counts per owner ordinal: [very active, active, sleeper window][ordinal]. */
  private record Logins(Owners owners, int[][] counts) {}

  /** The very-active, active and sleeper windows ending with a day, and the login type. */
  private record Windows(String loginType, Instant end, Instant veryActiveFrom, Instant activeFrom, Instant sleeperFrom) {
    /** Whether {@code e} is a login within one of the windows (else {@link #count} adds nothing). */
    boolean mayCount(StoredEvent e) {
      Instant t = e.event().timestamp();
      return e.event().type().equals(loginType) && t.isBefore(end) && !(t.isBefore(sleeperFrom) && t.isBefore(activeFrom));
    }

    /** Adds {@code e}, if it is a login within the windows, to column {@code owner} of {@code logins}. */
    void count(StoredEvent e, int owner, int[][] logins) {
      Instant t = e.event().timestamp();
      if (!e.event().type().equals(loginType) || !t.isBefore(end)) {
        return;
      }
      if (!t.isBefore(veryActiveFrom)) {
        logins[0][owner]++;
      }
      if (!t.isBefore(activeFrom)) {
        logins[1][owner]++;
      }
      if (!t.isBefore(sleeperFrom)) {
        logins[2][owner]++;
      }
    }
  }

  private Windows windows(LocalDate day) {
    return new Windows(thresholds.loginType(),
        day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
        day.minusDays(thresholds.veryActiveDays() - 1L).atStartOfDay(ZoneOffset.UTC).toInstant(),
        day.minusDays(thresholds.activeDays() - 1L).atStartOfDay(ZoneOffset.UTC).toInstant(),
        day.minusMonths(thresholds.sleeperMonths()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /** Login counts per owning profile in the very-active, active and sleeper windows ending with {@code day}. */
  private Logins logins(LocalDate day) {
    Windows w = windows(day);
    return Owners.consistent(storage, owners -> {
      int[][] logins = new int[3][owners.size()];
      // mayCount before the owner lookup: most logins in a long history are older
      owners.forEachOwned(w::mayCount, (e, owner) -> w.count(e, owner, logins));
      return new Logins(owners, logins);
    });
  }
}
