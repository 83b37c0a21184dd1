package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.ActivityRules;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link EngagementLevel}s of profiles as of a day, from the recency and frequency of their
 * active events. Thread-safe; each call reads the store afresh.
 *
 * <p>Events count for the profile that owns their anchor identifier now (a merged person's
 * events count together, once, for the survivor), and only events up to the end of the day
 * asked about (UTC). {@link #of} reads one profile's timeline; {@link #levelsAsOf} and
 * {@link #count} make one pass over all events and agree with {@link #of} for every profile.
 *
 * <pre>{@code
 * EngagementLevels levels = new EngagementLevels(storage, ActivityRules.defaults(), EngagementThresholds.defaults());
 * Engagement e = levels.of(profileId, LocalDate.parse("2026-10-31"));
 * e.level(); // HIGH, MEDIUM or LOW
 * }</pre>
 */
public final class EngagementLevels {
  private final Storage storage;
  private final ActivityRules rules;
  private final EngagementThresholds thresholds;

  /** Levels over {@code storage}, counting the events {@code rules} call active, by {@code thresholds}. */
  public EngagementLevels(Storage storage, ActivityRules rules, EngagementThresholds thresholds) {
    this.storage = requireNonNull(storage, "storage");
    this.rules = requireNonNull(rules, "rules");
    this.thresholds = requireNonNull(thresholds, "thresholds");
  }

  /** The thresholds in use. */
  public EngagementThresholds thresholds() {
    return thresholds;
  }

  /**
   * The engagement of one profile as of the end of {@code day} (UTC), from its timeline.
   *
   * @throws NoSuchElementException if there is no such profile
   */
  public Engagement of(ProfileId profile, LocalDate day) {
    requireNonNull(profile, "profile");
    requireNonNull(day, "day");
    Profile p = storage.profile(profile).orElseThrow(() -> new NoSuchElementException("no profile with id " + profile));
    Tally tally = new Tally(day, thresholds.windowDays(), 1);
    for (StoredEvent e : storage.events(p.identifiers().stream().map(IdentifierState::identifier).toList())) {
      tally.add(0, e.event(), rules);
    }
    return tally.engagement(0, day, thresholds);
  }

  /**
   * The engagement of every profile as of the end of {@code day} (UTC): one pass over the events
   * now, then a lookup per profile. A profile unknown to the pass (created later, or no such id)
   * gets the engagement of a profile without active events: {@link EngagementLevel#LOW}.
   */
  public Function<ProfileId, Engagement> levelsAsOf(LocalDate day) {
    requireNonNull(day, "day");
    Counted counted = Owners.consistent(storage, owners -> new Counted(owners, pass(owners, day)));
    Owners owners = counted.owners();
    Tally tally = counted.tally();
    Map<ProfileId, Integer> ordinals = new HashMap<>();
    for (int p = 0; p < owners.size(); p++) {
      if (tally.lastDay[p] != Tally.NONE) {
        ordinals.put(owners.id(p), p);
      }
    }
    Engagement none = new Engagement(day, thresholds.classify(-1, 0), Optional.empty(), 0);
    return id -> {
      Integer p = ordinals.get(requireNonNull(id, "id"));
      return p == null ? none : tally.engagement(p, day, thresholds);
    };
  }

  /**
   * How many profiles are at each level as of the end of {@code day} (UTC); only profiles that
   * existed by then (created on or before the day) are counted. Every level is present, zero
   * included.
   */
  public Map<EngagementLevel, Long> count(LocalDate day) {
    requireNonNull(day, "day");
    Counted counted = Owners.consistent(storage, owners -> new Counted(owners, pass(owners, day)));
    Owners owners = counted.owners();
    Tally tally = counted.tally();
    java.time.Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Map<EngagementLevel, Long> counts = new EnumMap<>(EngagementLevel.class);
    for (EngagementLevel l : EngagementLevel.values()) {
      counts.put(l, 0L);
    }
    for (int p = 0; p < owners.size(); p++) {
      if (owners.createdAt(p).isBefore(end)) {
        counts.merge(tally.engagement(p, day, thresholds).level(), 1L, Long::sum);
      }
    }
    return java.util.Collections.unmodifiableMap(counts);
  }

  /** The profiles of one pass and their tally. */
  private record Counted(Owners owners, Tally tally) {}

  private Tally pass(Owners owners, LocalDate day) {
    Tally tally = new Tally(day, thresholds.windowDays(), owners.size());
    owners.forEachOwned(e -> true, (e, owner) -> tally.add(owner, e.event(), rules));
    return tally;
  }

  /**
   * Per owner: the last active day (epoch day) and a bit per day of the window with an active
   * event, bit i meaning {@code day - i}. Events arrive in any order.
   */
  private static final class Tally {
    static final long NONE = Long.MIN_VALUE;
    final long asOf;
    final int windowDays;
    final int words;
    final long[] lastDay;
    final long[] bits;

    Tally(LocalDate day, int windowDays, int owners) {
      this.asOf = day.toEpochDay();
      this.windowDays = windowDays;
      this.words = (windowDays + 63) >>> 6;
      this.lastDay = new long[owners];
      java.util.Arrays.fill(lastDay, NONE);
      this.bits = new long[owners * words];
    }

    void add(int owner, Event e, ActivityRules rules) {
      long d = Math.floorDiv(e.timestamp().getEpochSecond(), 86_400L);
      if (d > asOf || !rules.isActive(e)) {
        return;
      }
      if (d > lastDay[owner]) {
        lastDay[owner] = d;
      }
      long back = asOf - d;
      if (back < windowDays) {
        int i = (int) back;
        bits[owner * words + (i >>> 6)] |= 1L << (i & 63);
      }
    }

    Engagement engagement(int owner, LocalDate day, EngagementThresholds t) {
      if (lastDay[owner] == NONE) {
        return new Engagement(day, t.classify(-1, 0), Optional.empty(), 0);
      }
      int activeDays = 0;
      for (int w = 0; w < words; w++) {
        activeDays += Long.bitCount(bits[owner * words + w]);
      }
      int recency = (int) Math.min(Integer.MAX_VALUE, asOf - lastDay[owner]);
      return new Engagement(day, t.classify(recency, activeDays), Optional.of(LocalDate.ofEpochDay(lastDay[owner])), activeDays);
    }
  }
}
