package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.consent.Audience;
import dev.clientele.consent.AudienceCounts;
import dev.clientele.consent.ReachabilityEvaluator;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.consent.internal.ConsentChanges;
import dev.clientele.consent.internal.SplitCarryOver;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.Channel;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.UndeliverableReason;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Profiles over time: per UTC day, how many profiles existed and how many were reachable, per
 * channel and on any channel, under the consent module's {@link ReachabilityPolicy}. Two ways:
 *
 * <ul>
 *   <li>{@link #history(LocalDate, LocalDate)} recomputes a past range from the stored events:
 *       each profile's messaging state is replayed from its own timeline (first sight of each
 *       identifier, last-seen times from active events, consent, reachability and CCPA events)
 *       and, after a split, from what the split carried over from the other sides' events (their
 *       consent and deliverability changes of this profile's identifiers and their CCPA opt-outs,
 *       at their own times: the split's rule, see the sdk's {@code Clientele.split}), and
 *       evaluated as of the end of every day.
 *   <li>{@link #record(LocalDate, ProfileCountStore)} evaluates the profiles as they are now and
 *       stores the result under a day: the job a host schedules once a day (e.g. just after
 *       midnight UTC for the day that ended). Recorded days keep what history cannot recompute
 *       later, such as profiles erased since.
 * </ul>
 *
 * <p>Decisions: a profile counts from the day it was created (its {@code createdAt}); profiles
 * are today's profiles, so a person erased since, or merged into another, is not in the past
 * days of {@code history}: merged profiles count once, from the earliest creation. An identifier
 * that no stored event carries (set through an API call) enters the replay at its first-seen time
 * with its current state. A malformed messaging identifier stays undeliverable throughout.
 *
 * <p>Thread-safe; each call reads the store afresh.
 *
 * <pre>{@code
 * ProfilesOverTime pot = new ProfilesOverTime(storage, ReachabilityPolicy.defaults(), ActivityRules.defaults());
 * for (DailyProfileCounts day : pot.history(LocalDate.parse("2026-10-01"), LocalDate.parse("2026-10-31"))) {
 *   ProfileCountPoint email = day.point(Optional.of(Channel.EMAIL));
 * }
 * }</pre>
 */
public final class ProfilesOverTime {
  private static final int MAX_DAYS = 3660;
  private final Storage storage;
  private final ReachabilityPolicy policy;
  private final ActivityRules rules;

  /** Counts over {@code storage} under {@code policy}; {@code rules} decide which events move last-seen times. */
  public ProfilesOverTime(Storage storage, ReachabilityPolicy policy, ActivityRules rules) {
    this.storage = requireNonNull(storage, "storage");
    this.policy = requireNonNull(policy, "policy");
    this.rules = requireNonNull(rules, "rules");
  }

  /**
   * The counts of every day from {@code from} through {@code to}, recomputed from history.
   *
   * @throws IllegalArgumentException if {@code to} is before {@code from} or the range is longer
   *     than ten years
   */
  public List<DailyProfileCounts> history(LocalDate from, LocalDate to) {
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    checkArgument(!to.isBefore(from), "to must not be before from: %s < %s", to, from);
    long span = ChronoUnit.DAYS.between(from, to) + 1;
    checkArgument(span <= MAX_DAYS, "range must be at most %s days: %s", MAX_DAYS, span);
    int days = (int) span;
    Channel[] channels = Channel.values();
    long[] total = new long[days];
    long[] any = new long[days];
    long[][] reachable = new long[channels.length][days];
    ReachabilityEvaluator evaluator = new ReachabilityEvaluator(policy);
    Instant horizon = endOf(to);
    Map<Identifier, List<MergeRecord>> splits = SplitCarryOver.splitsByIdentifier(storage); // one read, not one per profile
    storage.forEachProfile(current -> {
      if (!current.createdAt().isBefore(horizon)) {
        return;
      }
      Replay replay = new Replay(current, splits);
      int first = (int) Math.max(0, ChronoUnit.DAYS.between(from, day(current.createdAt())));
      boolean[] flags = new boolean[channels.length];
      boolean onAny = false;
      for (int d = first; d < days; d++) {
        if (replay.advanceTo(endOf(from.plusDays(d))) || d == first) {
          Profile asOf = replay.profile();
          onAny = false;
          for (Channel c : channels) {
            flags[c.ordinal()] = evaluator.isReachable(asOf, c);
            onAny |= flags[c.ordinal()];
          }
        }
        total[d]++;
        if (onAny) {
          any[d]++;
        }
        for (int c = 0; c < channels.length; c++) {
          if (flags[c]) {
            reachable[c][d]++;
          }
        }
      }
    });
    ImmutableList.Builder<DailyProfileCounts> out = ImmutableList.builderWithExpectedSize(days);
    for (int d = 0; d < days; d++) {
      Map<Channel, AudienceCounts.ChannelCount> perChannel = new EnumMap<>(Channel.class);
      for (Channel c : channels) {
        long r = reachable[c.ordinal()][d];
        perChannel.put(c, new AudienceCounts.ChannelCount(r, total[d] - r));
      }
      out.add(new DailyProfileCounts(from.plusDays(d), new AudienceCounts(total[d], perChannel, any[d])));
    }
    return out.build();
  }

  /**
   * The series of one channel (or any channel when {@code channel} is empty) from history.
   *
   * @see #history(LocalDate, LocalDate)
   */
  public List<ProfileCountPoint> history(LocalDate from, LocalDate to, Optional<Channel> channel) {
    requireNonNull(channel, "channel");
    return history(from, to).stream().map(d -> d.point(channel)).collect(ImmutableList.toImmutableList());
  }

  /**
   * Evaluates every profile as it is now, stores the counts under {@code day} in {@code store}
   * (replacing an earlier entry of that day) and returns them.
   */
  public DailyProfileCounts record(LocalDate day, ProfileCountStore store) {
    requireNonNull(day, "day");
    requireNonNull(store, "store");
    DailyProfileCounts counts = new DailyProfileCounts(day, new Audience(storage, policy).count());
    store.put(counts);
    return counts;
  }

  private static Instant endOf(LocalDate day) {
    return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  private static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }

  /** One profile's messaging state, rebuilt event by event in time order. */
  private final class Replay {
    private final Profile current;
    private final Set<Identifier> held = new HashSet<>();
    private final List<StoredEvent> events;
    private final List<IdentifierState> unsighted = new ArrayList<>();
    /** What splits carried over from the other sides' events, in timeline order. */
    private final List<SplitCarryOver.Carried> carried;
    /** Carried changes of identifiers not seen yet: applied when they are (the rules are order-independent). */
    private final List<SplitCarryOver.Carried> waiting = new ArrayList<>();
    private final Profile.Builder state;
    private final List<String> problems = new ArrayList<>();
    private int next;
    private int nextCarried;

    Replay(Profile current, Map<Identifier, List<MergeRecord>> splits) {
      this.current = current;
      for (IdentifierState s : current.identifiers()) {
        held.add(s.identifier());
      }
      this.events = storage.events(held);
      this.carried = SplitCarryOver.find(storage, held, SplitCarryOver.splitsNaming(splits, held), List.of());
      Set<Identifier> inOwnEvents = new HashSet<>();
      for (StoredEvent e : events) {
        inOwnEvents.addAll(e.event().identifiers());
      }
      for (IdentifierState s : current.identifiers()) {
        if (!inOwnEvents.contains(s.identifier())) {
          unsighted.add(s);
        }
      }
      unsighted.sort((a, b) -> a.firstSeen().compareTo(b.firstSeen()));
      this.state = Profile.builder(current.id(), current.createdAt()).version(1);
    }

    /** Applies everything before {@code end}; whether anything changed. */
    boolean advanceTo(Instant end) {
      boolean changed = false;
      while (!unsighted.isEmpty() && unsighted.get(0).firstSeen().isBefore(end)) {
        state.putIdentifier(unsighted.remove(0));
        changed = true;
      }
      while (true) {
        boolean own = next < events.size() && events.get(next).event().timestamp().isBefore(end);
        boolean other = nextCarried < carried.size() && carried.get(nextCarried).event().timestamp().isBefore(end);
        if (!own && !other) {
          break;
        }
        if (own && (!other || before(events.get(next).event(), carried.get(nextCarried).event()))) {
          apply(events.get(next++).event());
        } else {
          applyCarried(carried.get(nextCarried++));
        }
        changed = true;
      }
      if (changed && !waiting.isEmpty()) {
        List<SplitCarryOver.Carried> again = new ArrayList<>(waiting);
        waiting.clear();
        again.forEach(this::applyCarried);
      }
      return changed;
    }

    /** Whether {@code a} comes before {@code b} in timeline order (time, then event id). */
    private static boolean before(Event a, Event b) {
      int c = a.timestamp().compareTo(b.timestamp());
      return c != 0 ? c < 0 : a.id().compareTo(b.id()) < 0;
    }

    /**
     * Applies what a split carried over to the identifiers seen so far; the rest waits for their
     * first sight (the split applied it to the identifier whenever it was seen).
     */
    private void applyCarried(SplitCarryOver.Carried c) {
      List<Identifier> seen = new ArrayList<>(c.identifiers().size());
      List<Identifier> notYet = null;
      for (Identifier i : c.identifiers()) {
        if (state.identifier(i).isPresent()) {
          seen.add(i);
        } else {
          if (notYet == null) {
            notYet = new ArrayList<>(1);
          }
          notYet.add(i);
        }
      }
      SplitCarryOver.apply(state, new SplitCarryOver.Carried(c.event(), c.anchor(), seen), problems);
      problems.clear();
      if (notYet != null) {
        waiting.add(new SplitCarryOver.Carried(c.event(), c.anchor(), notYet));
      }
    }

    private void apply(Event e) {
      boolean active = rules.isActive(e);
      List<Identifier> mine = new ArrayList<>();
      for (Identifier i : e.identifiers()) {
        if (!held.contains(i)) {
          continue;
        }
        mine.add(i);
        Optional<IdentifierState> s = state.identifier(i);
        if (s.isPresent()) {
          state.putIdentifier(s.get().seenAt(e.timestamp(), active, e.source()));
        } else {
          IdentifierState fresh = IdentifierState.firstSeen(i, e.timestamp(), active, e.source());
          if (malformed(i)) {
            fresh = fresh.withDeliverability(Deliverability.undeliverable(UndeliverableReason.MALFORMED, e.timestamp()));
          }
          state.putIdentifier(fresh);
        }
      }
      ConsentChanges.apply(state, e, mine, problems);
      problems.clear();
    }

    private boolean malformed(Identifier i) {
      return current.identifier(i)
          .flatMap(s -> s.deliverability().reason())
          .filter(r -> r == UndeliverableReason.MALFORMED)
          .isPresent();
    }

    Profile profile() {
      return state.build();
    }
  }
}
