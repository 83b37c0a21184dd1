package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.Event;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Storage;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A columnar snapshot of who was active on which UTC day, for fast exact MAU: every active event
 * as a pair (epoch day, dense profile ordinal) in two {@code int[]} sorted by day, and a bitmap of
 * the profiles that are anonymous. A MAU query binary-searches the month-to-date range and sets
 * one bit per event in a bitset over the ordinals; a trended series adds each day's events to the
 * month's bitset once, so a whole range costs one pass. Memory: 8 bytes per active event plus
 * one id and one bit per profile.
 *
 * <p><b>Snapshot semantics and refresh.</b> Ownership is resolved when the index is built: each
 * event counts for the profile that owns its anchor identifier at that moment (a visitor who
 * identified later counts once, for the identified profile; an owner that was merged away is
 * followed to its survivor; an anchor nobody owns counts for nobody and is reported by
 * {@link #unownedEvents()}). Later ingestion, merges, splits and erasures do not change a built
 * index. To see them, build a new one with {@link #build}: one pass over the events and one over
 * the profiles. {@link ActiveUsers} does this on every call; a host that asks many questions of
 * one state (a dashboard, a trended series) builds once and keeps the index until the next
 * batch of ingestion or the next merge.
 *
 * <p>Immutable and thread-safe; queries allocate their own bitset.
 *
 * <pre>{@code
 * ActivityIndex index = ActivityIndex.build(storage, ActivityRules.defaults());
 * MauCount today = index.mau(LocalDate.parse("2026-10-31"));
 * List<MauCount> october = index.trend(LocalDate.parse("2026-10-01"), LocalDate.parse("2026-10-31"));
 * }</pre>
 */
public final class ActivityIndex {
  private final ProfileId[] profiles;
  private final long[] anonymous;
  private final int[] days;
  private final int[] owners;
  private final long unowned;

  private ActivityIndex(ProfileId[] profiles, long[] anonymous, int[] days, int[] owners, long unowned) {
    this.profiles = profiles;
    this.anonymous = anonymous;
    this.days = days;
    this.owners = owners;
    this.unowned = unowned;
  }

  /**
   * Builds the index from {@code storage}: the active events under {@code rules}, each counted
   * for the profile that owns its anchor now.
   */
  public static ActivityIndex build(Storage storage, ActivityRules rules) {
    requireNonNull(storage, "storage");
    requireNonNull(rules, "rules");
    // ActivityRules.isActive builds a "type/action" key per call; the vocabulary is small, so
    // the decision is cached per type and action.
    Map<String, Map<String, Boolean>> active = new HashMap<>();
    return Owners.consistent(storage, owners -> {
      Builder b = builder();
      for (int i = 0; i < owners.size(); i++) {
        b.profile(owners.id(i), owners.isAnonymous(i));
      }
      owners.forEachOwned(e -> {
        Event ev = e.event();
        return active.computeIfAbsent(ev.type(), t -> new HashMap<>())
            .computeIfAbsent(ev.action(), a -> rules.isActive(ev.type(), a));
      }, (e, ordinal) -> b.activeEvent(ordinal, e.event().timestamp()));
      b.unowned = owners.unowned();
      return b.build();
    });
  }

  /** Starts an index fed by the host (e.g. from a query on its own backend). */
  public static Builder builder() {
    return new Builder();
  }

  /** The number of profiles numbered. */
  public int profileCount() {
    return profiles.length;
  }

  /** The number of active events held. */
  public int eventCount() {
    return days.length;
  }

  /** Active events whose anchor no existing profile owned when the index was built (counted for nobody). */
  public long unownedEvents() {
    return unowned;
  }

  /** The profile with this ordinal. */
  public ProfileId profile(int ordinal) {
    checkArgument(ordinal >= 0 && ordinal < profiles.length, "ordinal must be in [0, %s): %s", profiles.length, ordinal);
    return profiles[ordinal];
  }

  /** MAU as of the end of {@code day} (UTC): distinct profiles with an active event from the first of its month. */
  public MauCount mau(LocalDate day) {
    requireNonNull(day, "day");
    long[] bits = new long[anonymous.length];
    int lo = firstAtOrAfter(day.withDayOfMonth(1).toEpochDay());
    int hi = firstAtOrAfter(day.toEpochDay() + 1);
    int[] o = owners;
    for (int i = lo; i < hi; i++) {
      int p = o[i];
      bits[p >>> 6] |= 1L << p;
    }
    long all = 0;
    long anon = 0;
    for (int w = 0; w < bits.length; w++) {
      all += Long.bitCount(bits[w]);
      anon += Long.bitCount(bits[w] & anonymous[w]);
    }
    return new MauCount(day, YearMonth.from(day), all, all - anon, anon);
  }

  /**
   * Trended MAU: the month-to-date count of every day from {@code from} through {@code to}
   * (inclusive), in one pass over the events of those months.
   *
   * @throws IllegalArgumentException if {@code to} is before {@code from}
   */
  public List<MauCount> trend(LocalDate from, LocalDate to) {
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    checkArgument(!to.isBefore(from), "to must not be before from: %s < %s", to, from);
    ImmutableList.Builder<MauCount> out = ImmutableList.builder();
    long[] bits = new long[anonymous.length];
    long all = 0;
    long anon = 0;
    int i = firstAtOrAfter(from.withDayOfMonth(1).toEpochDay());
    YearMonth month = YearMonth.from(from);
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      if (!YearMonth.from(d).equals(month)) {
        month = YearMonth.from(d);
        Arrays.fill(bits, 0L);
        all = 0;
        anon = 0;
        i = firstAtOrAfter(d.toEpochDay());
      }
      long end = d.toEpochDay();
      for (; i < days.length && days[i] <= end; i++) {
        int p = owners[i];
        long mask = 1L << p;
        if ((bits[p >>> 6] & mask) == 0) {
          bits[p >>> 6] |= mask;
          all++;
          if ((anonymous[p >>> 6] & mask) != 0) {
            anon++;
          }
        }
      }
      out.add(new MauCount(d, month, all, all - anon, anon));
    }
    return out.build();
  }

  /**
   * Monthly history: for each month from {@code from} through {@code to}, the MAU of its last day.
   *
   * @throws IllegalArgumentException if {@code to} is before {@code from}
   */
  public List<MauCount> monthly(YearMonth from, YearMonth to) {
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    checkArgument(!to.isBefore(from), "to must not be before from: %s < %s", to, from);
    ImmutableList.Builder<MauCount> out = ImmutableList.builder();
    for (YearMonth m = from; !m.isAfter(to); m = m.plusMonths(1)) {
      out.add(mau(m.atEndOfMonth()));
    }
    return out.build();
  }

  /** Index of the first event on or after {@code epochDay}. */
  private int firstAtOrAfter(long epochDay) {
    int lo = 0;
    int hi = days.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (days[mid] < epochDay) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // Package-private views for the sketches and the benchmarks' own baselines.
  int[] days() {
    return days;
  }

  int[] owners() {
    return owners;
  }

  boolean isAnonymous(int ordinal) {
    return (anonymous[ordinal >>> 6] & (1L << ordinal)) != 0;
  }

  /**
   * Builds an {@link ActivityIndex} from profiles and active events the host supplies; not
   * thread-safe. Profiles get ordinals 0, 1, 2… in the order they are added.
   *
   * <pre>{@code
   * ActivityIndex.Builder b = ActivityIndex.builder();
   * int ann = b.profile(ProfileId.of("p-1"), false);
   * b.activeEvent(ann, Instant.parse("2026-10-03T14:05:00Z"));
   * ActivityIndex index = b.build();
   * }</pre>
   */
  public static final class Builder {
    private final List<ProfileId> ids = new ArrayList<>();
    private final Map<ProfileId, Integer> seen = new HashMap<>();
    private long[] anonymous = new long[16];
    private long[] events = new long[1024];
    private int size;
    private long unowned;
    private boolean built;

    private Builder() {}

    /**
     * Adds a profile and returns its ordinal.
     *
     * @throws IllegalArgumentException if the profile was already added
     * @throws IllegalStateException if {@link #build()} was called
     */
    public int profile(ProfileId id, boolean isAnonymous) {
      requireNonNull(id, "id");
      checkNotBuilt();
      int ordinal = ids.size();
      checkArgument(seen.putIfAbsent(id, ordinal) == null, "profile was already added: %s", id);
      ids.add(id);
      if (ordinal >>> 6 >= anonymous.length) {
        anonymous = Arrays.copyOf(anonymous, anonymous.length * 2);
      }
      if (isAnonymous) {
        anonymous[ordinal >>> 6] |= 1L << ordinal;
      }
      return ordinal;
    }

    /**
     * Adds an active event of the profile with {@code ordinal} at {@code at}.
     *
     * @throws IllegalArgumentException if no profile has that ordinal
     * @throws IllegalStateException if {@link #build()} was called
     */
    public Builder activeEvent(int ordinal, Instant at) {
      requireNonNull(at, "at");
      checkNotBuilt();
      checkArgument(ordinal >= 0 && ordinal < ids.size(), "ordinal must be in [0, %s): %s", ids.size(), ordinal);
      long day = Math.floorDiv(at.getEpochSecond(), 86_400L);
      checkArgument(day >= Integer.MIN_VALUE && day <= Integer.MAX_VALUE, "event time out of range: %s", at);
      if (size == events.length) {
        checkArgument(size < Integer.MAX_VALUE - 8, "too many events for one index: %s", size);
        events = Arrays.copyOf(events, (int) Math.min(Integer.MAX_VALUE - 8L, size * 2L));
      }
      // Day in the high half, ordinal (never negative) in the low half: long order is day order.
      events[size++] = (day << 32) | ordinal;
      return this;
    }

    /** Refuses a use after {@link #build()}, which gave the events' array away. */
    private void checkNotBuilt() {
      if (built) {
        throw new IllegalStateException("build() was already called: start a new builder");
      }
    }

    /**
     * Sorts the events by day and returns the index. The builder cannot be used afterwards.
     *
     * @throws IllegalStateException if called twice
     */
    public ActivityIndex build() {
      if (built) {
        throw new IllegalStateException("build() was already called");
      }
      built = true;
      Arrays.parallelSort(events, 0, size);
      int[] days = new int[size];
      int[] owners = new int[size];
      for (int i = 0; i < size; i++) {
        days[i] = (int) (events[i] >> 32);
        owners[i] = (int) events[i];
      }
      events = new long[0];
      int words = (ids.size() + 63) >>> 6;
      return new ActivityIndex(ids.toArray(ProfileId[]::new), Arrays.copyOf(anonymous, words), days, owners, unowned);
    }
  }
}
