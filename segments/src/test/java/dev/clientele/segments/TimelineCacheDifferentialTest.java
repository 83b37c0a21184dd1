package dev.clientele.segments;

import static dev.clientele.segments.World.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.ActivityStatus;
import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.StoredEvent;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The timeline cache of {@link Segments} changes nothing: random histories (several profiles,
 * event types, actions and numbers, out-of-order and boundary times, single events, batches,
 * derived events on other profiles, commits by "another node" that no hook reports, merges,
 * splits that restore a profile at version 1, erasures, a clock moving both ways, refreshes at
 * arbitrary instants) are applied to one store, and every hook is called on two instances over
 * it: one with the cache (of several sizes, small ones evicting all the time) and one in the
 * reference mode that reads the whole timeline on every re-evaluation, as before the cache. Besides
 * the generated segments, fixed ones (counts equal to 1, 2 or 3 and a sum, per type) change with
 * almost every event, so that an event missed or counted twice shows at once. After every step their memberships and histories are equal, and at the end the transitions their
 * listeners heard.
 */
class TimelineCacheDifferentialTest {
  private static final String[] TYPES = {"pageview", "order", "login"};
  private static final String[] ACTIONS = {"", "buy", "view"};
  private static final Object[] AMOUNTS = {
    null, new BigDecimal("10"), new BigDecimal("2.50"), new BigDecimal("-7"), 3L, "12.5", "x", new BigDecimal("1E+2"), 0.25d, "1E+150", "-1E+150"
  };
  private static final Duration[] WINDOWS = {Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30)};

  /** One step of a history. */
  interface Op {}

  /** An event on the profile in {@code slot}; {@code link} adds a new identifier in the same commit. */
  record Ingest(int slot, int type, int action, int amount, long minutes, boolean link) implements Op {}

  /** Several events on one profile in one commit (a batch): the hooks are told nothing was appended alone. */
  record Batch(int slot, List<Ingest> events) implements Op {}

  /** An event applied to {@code slot} and, as a derived event, to {@code other} in the same commit. */
  record Derived(Ingest event, int other) implements Op {}

  /** A commit that no hook hears of (another node's ingestion). */
  record Remote(Ingest event) implements Op {}

  /** {@code loser} is merged into {@code survivor}, by an event or (forced) by an operator; {@code hooks} false: another node. */
  record Merge(int survivor, int loser, boolean forced, boolean hooks) implements Op {}

  /** The newest merge into {@code slot} is undone: the loser comes back at version 1 with its identifiers. */
  record Split(int slot, boolean hooks) implements Op {}

  /** The profile in {@code slot} is erased with its events. */
  record Erase(int slot, boolean hooks) implements Op {}

  /**
   * An event stored under an identifier nobody owns (as erasure keeps some after a split): on no
   * timeline until a later event links that identifier to a profile.
   */
  record Orphan(Ingest event) implements Op {}

  /** The clock moves to {@code minutes} from {@link World#NOW} (back or forth). */
  record MoveClock(long minutes) implements Op {}

  /** A refresh as of an instant: {@code pick} chooses among times near events and window edges. */
  record Refresh(int pick) implements Op {}

  private static final int SLOTS = 4;

  @Provide
  Arbitrary<Ingest> ingest() {
    // Minutes from 90 days before NOW to 2 days after; a third of them on whole days (window edges).
    Arbitrary<Long> minutes = Arbitraries.oneOf(List.of(
        Arbitraries.longs().between(-90L * 1440, 2L * 1440),
        Arbitraries.longs().between(-40, 2).map(d -> d * 1440),
        Arbitraries.of(-60L, -1440L, -7L * 1440, -30L * 1440, 0L)));
    return Combinators.combine(
            Arbitraries.integers().between(0, SLOTS - 1),
            Arbitraries.integers().between(0, TYPES.length - 1),
            Arbitraries.integers().between(0, ACTIONS.length - 1),
            Arbitraries.integers().between(0, AMOUNTS.length - 1),
            minutes,
            Arbitraries.integers().between(0, 4).map(n -> n == 0))
        .as(Ingest::new);
  }

  @Provide
  Arbitrary<List<Op>> histories() {
    Arbitrary<Integer> slot = Arbitraries.integers().between(0, SLOTS - 1);
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(12, ingest().map(i -> (Op) i)),
        net.jqwik.api.Tuple.of(2, Combinators.combine(slot, ingest().list().ofMinSize(1).ofMaxSize(4)).as(Batch::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(ingest(), slot).as(Derived::new)),
        net.jqwik.api.Tuple.of(2, ingest().map(Remote::new)),
        net.jqwik.api.Tuple.of(2, ingest().map(Orphan::new)),
        net.jqwik.api.Tuple.of(2, Combinators.combine(slot, slot, Arbitraries.of(true, false), Arbitraries.of(true, false))
            .as(Merge::new)),
        net.jqwik.api.Tuple.of(2, Combinators.combine(slot, Arbitraries.of(true, false)).as(Split::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(slot, Arbitraries.integers().between(0, 3).map(n -> n > 0)).as(Erase::new)),
        net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(-20L * 1440, 40L * 1440).map(MoveClock::new)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 1_000_000).map(Refresh::new)));
    return op.list().ofMinSize(1).ofMaxSize(60);
  }

  /** Event-history leaves of every kind, windowed and not, with actions, under and/or/not. */
  @Provide
  Arbitrary<List<Condition>> segmentConditions() {
    Arbitrary<Comparison> op = Arbitraries.of(Comparison.class);
    Arbitrary<String> type = Arbitraries.of(TYPES);
    Arbitrary<Optional<String>> action = Arbitraries.of(ACTIONS).map(a -> a.isEmpty() ? Optional.<String>empty() : Optional.of(a));
    Arbitrary<Optional<Duration>> window = Arbitraries.of(WINDOWS).optional(0.5);
    Arbitrary<Condition> count = Combinators.combine(type, action, op, Arbitraries.integers().between(0, 4), window).as((t, a, o, n, w) -> {
      Condition.EventMeasure m = Condition.eventCount(t, o, n);
      m = a.map(m::withAction).orElse(m);
      return w.map(m::within).orElse(m);
    });
    Arbitrary<Condition> sum = Combinators.combine(type, action, op, Arbitraries.of("0", "10", "12.5", "-7", "100.25"), window)
        .as((t, a, o, v, w) -> {
          Condition.EventMeasure m = Condition.eventSum(t, "amount", o, new BigDecimal(v));
          m = a.map(m::withAction).orElse(m);
          return w.map(m::within).orElse(m);
        });
    Arbitrary<Condition> occurred = Combinators.combine(type, action, Arbitraries.of(Condition.Which.class), Arbitraries.of(WINDOWS))
        .as((t, a, which, w) -> {
          Condition.Occurrence o = Condition.occurred(t, which, w);
          return a.map(o::withAction).orElse(o);
        });
    Arbitrary<Condition> activity = Arbitraries.of(ActivityStatus.class).map(Condition::activity);
    Arbitrary<Condition> state = Arbitraries.of(Condition.attributeKnown("tier"), Condition.attributeUnknown("tier"));
    Arbitrary<Condition> leaf = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, count), net.jqwik.api.Tuple.of(3, sum), net.jqwik.api.Tuple.of(2, occurred),
        net.jqwik.api.Tuple.of(2, activity), net.jqwik.api.Tuple.of(1, state));
    Arbitrary<Condition> tree = Arbitraries.recursive(() -> leaf, Generators::combine, 0, 2);
    return tree.list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 1000)
  void cachedEqualsFullReread(
      @ForAll("segmentConditions") List<Condition> conditions,
      @ForAll("histories") List<Op> history,
      @ForAll("cacheBytes") long cacheBytes) throws InterruptedException {
    Harness h = new Harness(conditions, cacheBytes);
    for (Op op : history) {
      h.apply(op);
      h.assertSame();
    }
    h.assertSameTransitions();
  }

  @Provide
  Arbitrary<Long> cacheBytes() {
    return Arbitraries.of(SegmentConfig.DEFAULT_TIMELINE_CACHE_BYTES, 700L, 2_500L);
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    volatile Instant now = NOW;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** The store, the two instances, and the bookkeeping of slots, identifiers and merges. */
  static final class Harness {
    final InMemoryStorage storage = new InMemoryStorage();
    final MovableClock clock = new MovableClock();
    final Segments cached;
    final Segments reference;
    final List<SegmentTransition> heardCached = Collections.synchronizedList(new ArrayList<>());
    final List<SegmentTransition> heardReference = Collections.synchronizedList(new ArrayList<>());
    final ProfileId[] slots = new ProfileId[SLOTS];
    final Set<ProfileId> everSeen = new LinkedHashSet<>();
    /** Merges not yet split: survivor, loser (as it was before the merge). */
    final List<Profile[]> merges = new ArrayList<>();
    final List<Instant> times = new ArrayList<>();
    /** Identifiers nobody owns that events are stored under. */
    final List<Identifier> orphans = new ArrayList<>();
    int generation;
    int identifiers;
    int events;

    Harness(List<Condition> conditions, long cacheBytes) {
      SegmentConfig.Builder a = SegmentConfig.builder().timelineCacheBytes(cacheBytes);
      SegmentConfig.Builder b = SegmentConfig.builder();
      List<Condition> all = new ArrayList<>(conditions);
      // Segments that change with almost every event, so that a missed or extra event shows.
      for (String type : TYPES) {
        for (int n = 1; n <= 3; n++) {
          all.add(Condition.eventCount(type, Comparison.EQ, n));
        }
        all.add(Condition.eventSum(type, "amount", Comparison.GT, new BigDecimal("12")));
        all.add(Condition.eventCount(type, Comparison.EQ, 1).within(Duration.ofDays(1)));
      }
      for (int i = 0; i < all.size(); i++) {
        Segment s = Segment.of("s" + i, all.get(i));
        a.define(s).listen(s.name(), heardCached::add);
        b.define(s).listen(s.name(), heardReference::add);
      }
      cached = Segments.over(storage, a.build(), ReachabilityPolicy.defaults(), ActivityThresholds.defaults(), clock);
      reference = Segments.over(storage, b.build(), ReachabilityPolicy.defaults(), ActivityThresholds.defaults(), clock);
      reference.fullReread(true);
      times.add(NOW);
    }

    void apply(Op op) {
      if (op instanceof Ingest i) {
        ingest(i, true, true);
      } else if (op instanceof Batch b) {
        batch(b);
      } else if (op instanceof Derived d) {
        derived(d);
      } else if (op instanceof Remote r) {
        ingest(r.event(), false, true);
      } else if (op instanceof Merge m) {
        merge(m);
      } else if (op instanceof Split s) {
        split(s);
      } else if (op instanceof Erase e) {
        erase(e);
      } else if (op instanceof Orphan o) {
        Identifier nobody = newIdentifier();
        Event e = event(o.event(), nobody, "e-" + events++);
        storage.commit(Commit.builder().append(new StoredEvent(e, nobody)).build());
        orphans.add(nobody);
      } else if (op instanceof MoveClock c) {
        clock.now = NOW.plus(Duration.ofMinutes(c.minutes()));
      } else if (op instanceof Refresh r) {
        refresh(r);
      }
    }

    private Optional<Profile> live(int slot) {
      return slots[slot] == null ? Optional.empty() : storage.profile(slots[slot]);
    }

    private Identifier newIdentifier() {
      return Identifier.of("customer_id", "c-" + identifiers++);
    }

    private Event event(Ingest i, Identifier anchor, String id) {
      Instant t = NOW.plus(Duration.ofMinutes(i.minutes())).plusNanos(events % 3 == 0 ? 0 : events % 3 == 1 ? 1 : -1);
      times.add(t);
      Event.Builder b = Event.builder(id, TYPES[i.type()], t).action(ACTIONS[i.action()]).identifier(anchor);
      Object amount = AMOUNTS[i.amount()];
      if (amount != null) {
        b.data("amount", amount);
      }
      return b.build();
    }

    /** An event on its own (hooks: told it was appended alone). */
    private void ingest(Ingest i, boolean hooks, boolean alone) {
      Optional<Profile> current = live(i.slot());
      Commit.Builder c = Commit.builder();
      Profile next;
      boolean created = current.isEmpty();
      Identifier anchor;
      if (created) {
        ProfileId id = ProfileId.of("p" + i.slot() + "-" + generation++);
        anchor = newIdentifier();
        next = Profile.builder(id, NOW.minus(Duration.ofDays(400)))
            .putIdentifier(IdentifierState.firstSeen(anchor, NOW, true, "test")).version(1).eventCount(1).build();
        c.putProfile(next, 0).assign(anchor, Optional.empty(), id);
        slots[i.slot()] = id;
        everSeen.add(id);
      } else {
        Profile p = current.get();
        List<IdentifierState> ids = p.identifiers();
        anchor = ids.get(events % ids.size()).identifier();
        Profile.Builder b = p.toBuilder().version(p.version() + 1).eventCount(p.eventCount() + 1);
        if (i.link()) {
          Identifier added = orphans.isEmpty() ? newIdentifier() : orphans.remove(0);
          b.putIdentifier(IdentifierState.firstSeen(added, NOW, true, "test"));
          c.assign(added, Optional.empty(), p.id());
        }
        next = b.build();
        c.putProfile(next, p.version());
      }
      Event e = event(i, anchor, "e-" + events++);
      c.append(new StoredEvent(e, anchor));
      storage.commit(c.build());
      if (hooks) {
        ProfileChange change = new ProfileChange(e, next.id(), created, List.of(), alone);
        cached.onCommitted(change);
        reference.onCommitted(change);
      }
    }

    private void batch(Batch b) {
      Optional<Profile> current = live(b.slot());
      if (current.isEmpty()) {
        ingest(b.events().get(0), true, true);
        return;
      }
      Profile p = current.get();
      List<Event> appended = new ArrayList<>();
      Commit.Builder c = Commit.builder();
      for (Ingest i : b.events()) {
        Identifier anchor = p.identifiers().get(events % p.identifiers().size()).identifier();
        Event e = event(i, anchor, "e-" + events++);
        appended.add(e);
        c.append(new StoredEvent(e, anchor));
      }
      c.putProfile(p.toBuilder().version(p.version() + 1).eventCount(p.eventCount() + appended.size()).build(), p.version());
      storage.commit(c.build());
      for (Event e : appended) {
        ProfileChange change = new ProfileChange(e, p.id(), false, List.of(), false);
        cached.onCommitted(change);
        reference.onCommitted(change);
      }
    }

    private void derived(Derived d) {
      Optional<Profile> main = live(d.event().slot());
      Optional<Profile> other = live(d.other());
      if (main.isEmpty() || other.isEmpty() || main.get().id().equals(other.get().id())) {
        ingest(d.event(), true, true);
        return;
      }
      Profile p = main.get();
      Profile q = other.get();
      Identifier anchor = p.identifiers().get(0).identifier();
      Identifier otherAnchor = q.identifiers().get(0).identifier();
      Event e = event(d.event(), anchor, "e-" + events++);
      Event derived = Event.builder(e.id() + "#~1", e.type(), e.timestamp()).action(e.action()).identifier(otherAnchor).build();
      storage.commit(Commit.builder()
          .putProfile(p.toBuilder().version(p.version() + 1).eventCount(p.eventCount() + 1).build(), p.version())
          .putProfile(q.toBuilder().version(q.version() + 1).eventCount(q.eventCount() + 1).build(), q.version())
          .append(new StoredEvent(e, anchor))
          .append(new StoredEvent(derived, otherAnchor))
          .build());
      for (Segments s : List.of(cached, reference)) {
        s.onCommitted(new ProfileChange(e, p.id(), false, List.of(), true));
        s.onCommitted(new ProfileChange(e, q.id(), false, List.of(), false));
      }
    }

    private void merge(Merge m) {
      Optional<Profile> a = live(m.survivor());
      Optional<Profile> b = live(m.loser());
      if (a.isEmpty() || b.isEmpty() || a.get().id().equals(b.get().id())) {
        return;
      }
      Profile survivor = a.get();
      Profile loser = b.get();
      Profile.Builder merged = survivor.toBuilder().version(survivor.version() + 1).eventCount(survivor.eventCount() + loser.eventCount());
      Commit.Builder c = Commit.builder().deleteProfile(loser.id(), loser.version());
      for (IdentifierState s : loser.identifiers()) {
        merged.putIdentifier(s);
        c.assign(s.identifier(), Optional.of(loser.id()), survivor.id());
      }
      Event e = null;
      if (!m.forced()) {
        Identifier anchor = loser.identifiers().get(0).identifier();
        e = event(new Ingest(m.survivor(), events % TYPES.length, 0, events % AMOUNTS.length, -(events % 20) * 1440L, false),
            anchor, "e-" + events++);
        c.append(new StoredEvent(e, anchor));
        merged.eventCount(survivor.eventCount() + loser.eventCount() + 1);
      }
      c.putProfile(merged.build(), survivor.version());
      storage.commit(c.build());
      slots[m.loser()] = null;
      merges.add(new Profile[] {survivor, loser});
      if (m.hooks()) {
        for (Segments s : List.of(cached, reference)) {
          if (e != null) {
            s.onCommitted(new ProfileChange(e, survivor.id(), false, List.of(loser.id()), true));
          } else {
            s.onReshaped(List.of(survivor.id()), List.of(loser.id()));
          }
        }
      }
    }

    private void split(Split s) {
      for (int i = merges.size() - 1; i >= 0; i--) {
        Profile survivorThen = merges.get(i)[0];
        Profile loserThen = merges.get(i)[1];
        Optional<Profile> holder = storage.profile(survivorThen.id());
        if (holder.isEmpty() || storage.profile(loserThen.id()).isPresent()) {
          continue;
        }
        Profile h = holder.get();
        boolean holds = loserThen.identifiers().stream().allMatch(x -> h.identifier(x.identifier()).isPresent());
        if (!holds || h.identifiers().size() == loserThen.identifiers().size()) {
          continue;
        }
        merges.remove(i);
        Profile.Builder rest = h.toBuilder().version(h.version() + 1);
        Commit.Builder c = Commit.builder();
        for (IdentifierState x : loserThen.identifiers()) {
          rest.removeIdentifier(x.identifier());
          c.assign(x.identifier(), Optional.of(h.id()), loserThen.id());
        }
        // As the sdk's split, which replays the events: the event count is that of the timeline now.
        Set<Identifier> anchors = new LinkedHashSet<>();
        loserThen.identifiers().forEach(x -> anchors.add(x.identifier()));
        Profile back = loserThen.toBuilder().version(1).eventCount(storage.events(anchors).size()).build();
        c.putProfile(rest.build(), h.version()).putProfile(back, 0);
        storage.commit(c.build());
        int free = -1;
        for (int k = 0; k < SLOTS; k++) {
          if (slots[k] == null || storage.profile(slots[k]).isEmpty()) {
            free = k;
            break;
          }
        }
        if (free >= 0) {
          slots[free] = back.id();
        }
        if (s.hooks()) {
          cached.onReshaped(List.of(h.id(), back.id()), List.of());
          reference.onReshaped(List.of(h.id(), back.id()), List.of());
        }
        return;
      }
    }

    private void erase(Erase e) {
      Optional<Profile> current = live(e.slot());
      if (current.isEmpty()) {
        return;
      }
      Profile p = current.get();
      Commit.Builder c = Commit.builder().deleteProfile(p.id(), p.version());
      for (IdentifierState s : p.identifiers()) {
        c.eraseEvents(s.identifier()).unassign(s.identifier(), p.id());
      }
      storage.commit(c.build());
      slots[e.slot()] = null;
      if (e.hooks()) {
        cached.onErased(p.id());
        reference.onErased(p.id());
      }
    }

    private void refresh(Refresh r) {
      Instant base = times.get(r.pick() % times.size());
      Duration[] shifts = {Duration.ZERO, Duration.ofNanos(1), Duration.ofNanos(-1), Duration.ofHours(1), Duration.ofDays(1),
        Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(30).plusNanos(1), Duration.ofDays(-3)};
      Instant asOf = base.plus(shifts[(r.pick() / 7) % shifts.length]);
      RefreshResult a = cached.refresh(asOf);
      RefreshResult b = reference.refresh(asOf);
      assertThat(a).isEqualTo(b);
    }

    void assertSame() {
      for (ProfileId id : everSeen) {
        assertThat(cached.memberships(id)).as("memberships of %s", id).isEqualTo(reference.memberships(id));
        assertThat(cached.history(id)).as("history of %s", id).isEqualTo(reference.history(id));
      }
      assertThat(cached.triggerStats().evaluationFailures()).isEqualTo(reference.triggerStats().evaluationFailures());
    }

    void assertSameTransitions() throws InterruptedException {
      assertThat(cached.awaitTriggers(Duration.ofSeconds(10))).isTrue();
      assertThat(reference.awaitTriggers(Duration.ofSeconds(10))).isTrue();
      assertThat(heardCached).isEqualTo(heardReference);
      cached.close();
      reference.close();
    }
  }
}
