package dev.clientele;

import static dev.clientele.People.customerId;
import static dev.clientele.People.device;
import static dev.clientele.People.email;
import static dev.clientele.People.phone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.StorageException;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.SegmentQueries;
import dev.clientele.segments.Segments;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Hunting properties for the facade under backend faults (DESIGN "Bad input": "a failure in a
 * storage backend mid-operation leaves the previous consistent state: no half merge, no lost
 * event"; the {@code @throws StorageException} clauses of {@link Clientele#ingest} and
 * {@link Clientele#ingestAll}).
 *
 * <p>A random session of facade calls (ingest, ingestAll in batches, forced merge, split, delete,
 * {@code gdpr_delete} events, tags, consent events) runs once on a healthy store, as the
 * reference, and once on a {@link FaultInjectingStorage} that fails one chosen read or commit of
 * one chosen call. The failing call must throw {@link StorageException} and leave the store as
 * before the call, or (a commit that was applied and then reported a failure) as after it; a
 * retry of the call then gives the reference's state, and so does the rest of the session.
 * States are compared as canonical snapshots (profiles, owners, stored events, merge log,
 * tombstones) in which profile ids are named by the identifiers their profiles hold, since a
 * failed attempt may draw a profile id that the retry does not use.
 */
class FaultHuntPropertiesTest {
  private static final byte[] SALT = new byte[16];
  private static final ErasurePolicy ERASURE = ErasurePolicy.builder().salt(SALT).build();
  private static final Clock CLOCK = Clock.fixed(Fixtures.at(10_000), ZoneOffset.UTC);
  private static final int PEOPLE = 3;

  // ---------------------------------------------------------------------------------------------
  // Sessions

  /** One generated event: whose, which identifiers (mask: email, phone, customer id, device), what. */
  record Step(int person, int mask, String type, int value, boolean shared) {}

  /** A facade call. Targets are chosen by index among the profiles in canonical order. */
  sealed interface Op permits Ingest, IngestAll, Merge, Split, Delete, Gdpr, Tag {}

  record Ingest(Step step) implements Op {}

  record IngestAll(List<Step> steps) implements Op {}

  record Merge(int a, int b) implements Op {}

  record Split(int record) implements Op {}

  record Delete(int profile) implements Op {}

  record Gdpr(int person) implements Op {}

  record Tag(int profile, String tag, boolean add) implements Op {}

  @Provide
  Arbitrary<Step> steps() {
    return Combinators.combine(
            Arbitraries.integers().between(0, PEOPLE - 1),
            Arbitraries.integers().between(1, 15),
            Arbitraries.of("pageview", "identify", "order", "login", "opt_in", "opt_out", "hard_bounce"),
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 4).map(n -> n == 0))
        .as(Step::new);
  }

  @Provide
  Arbitrary<List<Op>> sessions() {
    Arbitrary<Integer> index = Arbitraries.integers().between(0, 5);
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, steps().map(s -> (Op) new Ingest(s))),
        net.jqwik.api.Tuple.of(2, steps().list().ofMinSize(2).ofMaxSize(6).map(l -> (Op) new IngestAll(l))),
        net.jqwik.api.Tuple.of(2, Combinators.combine(index, index).as((a, b) -> (Op) new Merge(a, b))),
        net.jqwik.api.Tuple.of(2, index.map(i -> (Op) new Split(i))),
        net.jqwik.api.Tuple.of(1, index.map(i -> (Op) new Delete(i))),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, PEOPLE - 1).map(p -> (Op) new Gdpr(p))),
        net.jqwik.api.Tuple.of(2, Combinators.combine(index, Arbitraries.of("vip", "favourite"), Arbitraries.of(true, false))
            .as((i, t, add) -> (Op) new Tag(i, t, add))));
    return op.list().ofMinSize(3).ofMaxSize(14);
  }

  private static final Identifier SHARED_DEVICE = Identifier.of(IdentifierType.ANONYMOUS_ID, "a-shared");

  /** Every identifier a session can name. */
  private static List<Identifier> universe() {
    List<Identifier> all = new ArrayList<>();
    for (int p = 0; p < PEOPLE; p++) {
      all.addAll(List.of(email(p), phone(p), customerId(p), device(p)));
    }
    all.add(SHARED_DEVICE);
    return all;
  }

  /** The event of {@code step}, with an id that is the same in both runs (repeats are duplicates). */
  private static Event event(String id, Step s, long minute) {
    String type = switch (s.type()) {
      case "opt_in", "opt_out" -> "consent";
      case "hard_bounce" -> "reachability";
      default -> s.type();
    };
    Event.Builder b = Fixtures.event(id, type, minute);
    if (!type.equals(s.type())) {
      b.action(s.type());
    }
    People.withIdentifiers(b, s.person(), s.mask());
    if (s.shared()) {
      b.identifier(SHARED_DEVICE);
    }
    if (type.equals("identify")) {
      b.data("first_name", "N" + s.value());
    }
    if (type.equals("order")) {
      b.data("total", 1 + s.value()).data("order_id", "o-" + id);
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // Running a session

  private static Clientele clientele(InMemoryStorageHolder storage, int batchSize) {
    return Clientele.builder().storage(storage.storage).profileIds(Fixtures.sequentialIds()).clock(CLOCK)
        .erasurePolicy(ERASURE).ingestBatchSize(batchSize)
        .segments(SegmentConfig.builder()
            .define(Segment.of("buyers", Condition.eventCount("order", Comparison.GE, 1)))
            .define(Segment.of("opted-out", Condition.consent(Channel.EMAIL, Consent.OPT_OUT)))
            .define(Segment.of("has-phone", Condition.hasIdentifier(IdentifierType.PHONE)))
            .build())
        .build();
  }

  /** The storage of one run, and the store behind it for the test's own reads. */
  record InMemoryStorageHolder(FaultInjectingStorage storage) {
    InMemoryStorage raw() {
      return storage.delegate();
    }
  }

  /**
   * What a call did: its result in words, or the class of the exception it threw (equal outcomes
   * ignore the message, which may name a profile id).
   */
  record Outcome(Optional<Class<?>> thrown, String detail, String message) {
    static Outcome ok(String detail) {
      return new Outcome(Optional.empty(), detail, "");
    }

    boolean same(Outcome o) {
      return thrown.equals(o.thrown) && detail.equals(o.detail);
    }
  }

  /** Runs {@code op} (the {@code i}-th of the session) and says how it ended. */
  private static Outcome run(Clientele c, InMemoryStorage raw, Op op, int i) {
    try {
      return Outcome.ok(call(c, raw, op, i));
    } catch (RuntimeException e) {
      return new Outcome(Optional.of(e.getClass()), "", String.valueOf(e.getMessage()));
    }
  }

  private static String call(Clientele c, InMemoryStorage raw, Op op, int i) {
    List<Profile> profiles = canonicalOrder(raw);
    if (op instanceof Ingest in) {
      return c.ingest(event("e-" + i, in.step(), i)).outcome().name();
    } else if (op instanceof IngestAll all) {
      List<Event> events = new ArrayList<>();
      for (int k = 0; k < all.steps().size(); k++) {
        events.add(event("e-" + i + "-" + k, all.steps().get(k), i));
      }
      return c.ingestAll(events).applied() + " applied";
    } else if (op instanceof Merge m) {
      if (profiles.size() < 2 || m.a() % profiles.size() == m.b() % profiles.size()) {
        return "skipped";
      }
      c.merge(profiles.get(m.a() % profiles.size()).id(), profiles.get(m.b() % profiles.size()).id(), "operator said so");
      return "merged";
    } else if (op instanceof Split s) {
      List<MergeRecord> merges = new ArrayList<>();
      raw.forEachMergeRecord(r -> {
        if (r.kind() != MergeRecord.Kind.SPLIT) {
          merges.add(r);
        }
      });
      if (merges.isEmpty()) {
        return "skipped";
      }
      c.split(merges.get(s.record() % merges.size()).id(), "wrong merge");
      return "split";
    } else if (op instanceof Delete d) {
      if (profiles.isEmpty()) {
        return "skipped";
      }
      c.delete(profiles.get(d.profile() % profiles.size()).id());
      return "deleted";
    } else if (op instanceof Gdpr g) {
      // Every identifier of the person: after a split or a refused link they can be on several profiles.
      IngestResult r = c.ingest(Fixtures.event("gdpr-" + i, "compliance", i).action("gdpr_delete").identifier(email(g.person()))
          .identifier(phone(g.person())).identifier(customerId(g.person())).identifier(device(g.person())).build());
      // The number of profiles erased: over several, they are erased one after the other (documented).
      return r.outcome().name() + (r.erasedProfiles().size() > 1 ? " of " + r.erasedProfiles().size() + " profiles" : "");
    } else {
      Tag t = (Tag) op;
      if (profiles.isEmpty()) {
        return "skipped";
      }
      ProfileId id = profiles.get(t.profile() % profiles.size()).id();
      if (t.add()) {
        c.tag(id, t.tag());
      } else {
        c.untag(id, t.tag());
      }
      return "tagged";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshots

  /** A profile with its id and the ids it names replaced by canonical names. */
  record CanonicalProfile(
      String name, long version, Object createdAt, Object updatedAt, Object firstActive, Object lastActive,
      List<IdentifierState> identifiers, Object attributes, Object lists, Object tags, Object orders,
      Object ccpaOut, Object ccpaIn, long eventCount, Set<String> mergedFrom, List<String> timeline) {}

  /** A merge record with its ids replaced by canonical names and positions. */
  record CanonicalRecord(MergeRecord.Kind kind, Object at, String profile, List<List<Object>> sides, Object eventId,
      List<Identifier> links, Optional<Integer> undoes, String note) {}

  /** Everything stored, with profile ids replaced by canonical names. */
  record Snapshot(List<CanonicalProfile> profiles, Map<Identifier, String> owners, Set<StoredEvent> events,
      List<CanonicalRecord> log, long tombstones, Set<Identifier> tombstoned, Map<String, Set<String>> memberships) {}

  /** Live profiles in canonical order (by the smallest identifier each holds). */
  private static List<Profile> canonicalOrder(InMemoryStorage raw) {
    List<Profile> all = new ArrayList<>(raw.profiles(Optional.empty(), Integer.MAX_VALUE));
    all.sort(Comparator.comparing(FaultHuntPropertiesTest::smallest));
    return all;
  }

  private static String smallest(Profile p) {
    return p.identifiers().stream().map(s -> s.identifier().toString()).min(Comparator.naturalOrder()).orElse("~" + p.id());
  }

  private static String smallestOf(Set<Identifier> ids) {
    return ids.stream().map(Identifier::toString).min(Comparator.naturalOrder()).orElse("~");
  }

  static Snapshot snapshot(InMemoryStorage raw) {
    return snapshot(raw, null);
  }

  /**
   * The snapshot of {@code raw}, with the current segment memberships of every profile it names
   * (live ones, and gone ones named by the merge log, which must have left every segment).
   */
  static Snapshot snapshot(InMemoryStorage raw, SegmentQueries segments) {
    List<MergeRecord> log = new ArrayList<>();
    raw.forEachMergeRecord(log::add);
    Map<ProfileId, String> names = new HashMap<>();
    List<Profile> live = canonicalOrder(raw);
    for (Profile p : live) {
      names.put(p.id(), "live " + smallest(p));
    }
    for (MergeRecord r : log) {
      for (MergeRecord.Side s : r.sides()) {
        names.putIfAbsent(s.id(), "gone " + smallestOf(s.identifiers()));
      }
    }
    java.util.function.Function<ProfileId, String> name = id -> names.getOrDefault(id, "unknown");
    List<CanonicalProfile> profiles = new ArrayList<>();
    for (Profile p : live) {
      Set<Identifier> mine = p.identifiers().stream().map(IdentifierState::identifier).collect(Collectors.toSet());
      List<String> timeline = raw.events(mine).stream().map(e -> e.event().id()).toList();
      profiles.add(new CanonicalProfile(name.apply(p.id()), p.version(), p.createdAt(), p.updatedAt(), p.firstActive(),
          p.lastActive(), p.identifiers(), p.attributes(), p.lists(), p.tags(), p.orders(), p.ccpaOptOutAt(),
          p.ccpaOptInAt(), p.eventCount(), p.mergedFrom().stream().map(name).collect(Collectors.toCollection(TreeSet::new)),
          timeline));
    }
    Map<Identifier, String> owners = new TreeMap<>(Comparator.comparing(Identifier::toString));
    raw.owners(universe()).forEach((i, o) -> owners.put(i, name.apply(o)));
    Set<StoredEvent> events;
    try (Stream<StoredEvent> all = raw.allEvents()) {
      events = all.collect(Collectors.toSet());
    }
    Map<String, Integer> position = new HashMap<>();
    List<CanonicalRecord> records = new ArrayList<>();
    for (MergeRecord r : log) {
      position.put(r.id(), position.size());
      List<List<Object>> sides = r.sides().stream()
          .map(s -> List.<Object>of(name.apply(s.id()), new TreeSet<>(s.identifiers().stream().map(Identifier::toString).toList()),
              s.mergedFrom().stream().map(name).sorted().toList()))
          .toList();
      records.add(new CanonicalRecord(r.kind(), r.at(), name.apply(r.profile()), sides, r.eventId(), r.links(),
          r.undoes().map(position::get), r.note()));
    }
    Set<Identifier> tombstoned = new HashSet<>();
    for (Identifier i : universe()) {
      if (raw.isTombstoned(ERASURE.tombstoneOf(i))) {
        tombstoned.add(i);
      }
    }
    Map<String, Set<String>> memberships = new TreeMap<>();
    if (segments != null) {
      Set<ProfileId> named = new HashSet<>(names.keySet());
      for (ProfileId id : named) {
        Set<String> current = new TreeSet<>(segments.memberships(id));
        if (!current.isEmpty()) {
          memberships.merge(name.apply(id), current, (x, y) -> {
            Set<String> both = new TreeSet<>(x);
            both.addAll(y);
            return both;
          });
        }
      }
    }
    return new Snapshot(profiles, owners, events, records, raw.tombstoneCount(), tombstoned, memberships);
  }

  /**
   * The invariants of any consistent state: each identifier one owner that lists it, no two
   * profiles list one identifier, every stored event on exactly one live timeline, no profile
   * names a live profile as merged into it, the merge log names only real sides.
   */
  static void checkInvariants(InMemoryStorage raw) {
    checkInvariants(raw, universe());
  }

  /** {@link #checkInvariants(InMemoryStorage)} over the identifiers {@code universe}. */
  static void checkInvariants(InMemoryStorage raw, List<Identifier> universe) {
    Map<Identifier, ProfileId> listed = new HashMap<>();
    Set<ProfileId> live = new HashSet<>();
    for (Profile p : raw.profiles(Optional.empty(), Integer.MAX_VALUE)) {
      live.add(p.id());
      for (IdentifierState s : p.identifiers()) {
        ProfileId before = listed.put(s.identifier(), p.id());
        assertThat(before).as("%s listed by two profiles", s.identifier()).isNull();
        assertThat(raw.owner(s.identifier())).as("owner of %s", s.identifier()).contains(p.id());
      }
    }
    for (Identifier i : universe) {
      raw.owner(i).ifPresent(o -> assertThat(listed.get(i)).as("the owner of %s lists it", i).isEqualTo(o));
    }
    for (Profile p : raw.profiles(Optional.empty(), Integer.MAX_VALUE)) {
      for (ProfileId gone : p.mergedFrom()) {
        assertThat(live).as("%s names live %s as merged into it", p.id(), gone).doesNotContain(gone);
      }
    }
    try (Stream<StoredEvent> all = raw.allEvents()) {
      all.forEach(e -> assertThat(listed).as("event %s is on a live timeline", e.event().id()).containsKey(e.anchor()));
    }
  }

  /**
   * The snapshot after a {@link Segments#refresh}, in both runs alike: a segment re-evaluation that
   * a read fault broke is swallowed and counted by design (see {@link Segments#onCommitted}) and
   * mended by a refresh; what a refresh cannot mend (a profile gone but still a member) shows.
   */
  private static Snapshot settled(Clientele c, InMemoryStorage raw) {
    c.segments().refresh(CLOCK.instant());
    return snapshot(raw, c.segments());
  }

  // ---------------------------------------------------------------------------------------------
  // Properties

  @Property(tries = 300)
  void oneFault_failingCallLeavesTheStateBeforeOrAfter_andARetryReachesTheFaultlessState(
      @ForAll("sessions") List<Op> session,
      @ForAll @IntRange(min = 0, max = 13) int faultyPick,
      @ForAll FaultInjectingStorage.Mode mode,
      @ForAll @IntRange(min = 0, max = 11) int nthPick,
      @ForAll @IntRange(min = 1, max = 3) int batchSize) {
    // The reference: the same session without faults.
    InMemoryStorageHolder ref = new InMemoryStorageHolder(new FaultInjectingStorage());
    Clientele healthy = clientele(ref, batchSize);
    List<Snapshot> after = new ArrayList<>();
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < session.size(); i++) {
      outcomes.add(run(healthy, ref.raw(), session.get(i), i));
      checkInvariants(ref.raw());
      after.add(settled(healthy, ref.raw()));
    }

    InMemoryStorageHolder run = new InMemoryStorageHolder(new FaultInjectingStorage());
    Clientele c = clientele(run, batchSize);
    int faultyCall = faultyPick % session.size();
    // A call makes a handful of reads and one commit (an ingestAll a few): fail one of those.
    int nth = mode == FaultInjectingStorage.Mode.READ ? nthPick % 8 : nthPick / 9;
    for (int i = 0; i < session.size(); i++) {
      Op op = session.get(i);
      Snapshot before = settled(c, run.raw());
      if (i != faultyCall) {
        Outcome o = run(c, run.raw(), op, i);
        assertThat(o.same(outcomes.get(i))).as("call %s: %s gave %s, the reference %s", i, op, o, outcomes.get(i)).isTrue();
        assertThat(settled(c, run.raw())).as("state after call %s: %s", i, op).isEqualTo(after.get(i));
        continue;
      }
      run.storage().arm(mode, nth);
      Outcome failed = run(c, run.raw(), op, i);
      run.storage().disarm();
      checkInvariants(run.raw());
      Snapshot now = settled(c, run.raw());
      net.jqwik.api.statistics.Statistics.label("fault").collect(!run.storage().fired() ? "not reached"
          : failed.same(outcomes.get(i)) ? "survived" : now.equals(before) ? "failed, state before"
          : now.equals(after.get(i)) ? "failed, state after" : "failed, partly applied");
      net.jqwik.api.statistics.Statistics.label("faulty call").collect(op.getClass().getSimpleName());
      if (failed.same(outcomes.get(i))) {
        // The fault did not fire, or the call survived it (a failed hint, say).
        assertThat(now).as("state after call %s (%s fault %s survived): %s", i, mode, nth, op).isEqualTo(after.get(i));
        continue;
      }
      assertThat(run.storage().fired()).as("call %s ended differently without a fault: %s", i, failed).isTrue();
      assertThat(failed.thrown()).as("call %s under a %s fault %s: %s", i, mode, nth, failed)
          .contains(StorageException.class);
      boolean severalErasures = op instanceof Gdpr && outcomes.get(i).detail().endsWith(" profiles");
      if (!(op instanceof IngestAll) && !severalErasures) {
        // One call, one commit (an erasure by gdpr_delete of one profile, too): before or after, nothing between.
        // A gdpr_delete over several profiles erases them one at a time, each atomically (Clientele.ingest's
        // Javadoc): the ones erased before the failure stay erased, and the retry below must finish the rest.
        assertThat(now).as("state after the failed call %s (%s fault %s): %s", i, mode, nth, op)
            .isIn(before, after.get(i));
      }
      if (!now.equals(after.get(i))) {
        Outcome retried = run(c, run.raw(), op, i);
        assertThat(retried.thrown()).as("retry of call %s: %s", i, retried).isEqualTo(outcomes.get(i).thrown());
        assertThat(settled(c, run.raw())).as("state after retrying call %s: %s", i, op).isEqualTo(after.get(i));
      }
    }
  }
}
