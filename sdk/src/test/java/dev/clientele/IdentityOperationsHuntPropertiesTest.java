package dev.clientele;

import static dev.clientele.People.customerId;
import static dev.clientele.People.device;
import static dev.clientele.People.email;
import static dev.clientele.People.phone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.IngestResult.Outcome;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.identity.Explanation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Hunting properties for the facade's identity operations (explain, forced merge, split,
 * erasure) over small random histories: up to three people with an email, a phone, a customer
 * id and an anonymous id each, a device id several of them share, spelling variants and junk
 * values. Each property checks a documented invariant (DESIGN "Identity resolution" and
 * "Privacy", the Javadoc of {@link Clientele#split}, {@link Clientele#merge},
 * {@link Clientele#explain}, {@link Clientele#delete}, {@link StoredEvent}).
 */
class IdentityOperationsHuntPropertiesTest {
  private static final List<String> TYPES = List.of("pageview", "identify", "order", "login", "consent");

  /**
   * One generated event: whose, which of the person's identifiers (bit mask: email, phone,
   * customer id, anonymous id), what, and whether it also carries the shared device id, a junk
   * value, and spelling variants.
   */
  record Step(int person, int mask, String type, int value, boolean shared, boolean junk, boolean variant) {}

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<Step> step = Combinators.combine(
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(1, 15),
            Arbitraries.of(TYPES),
            Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(0, 4).map(n -> n == 0),
            Arbitraries.integers().between(0, 5).map(n -> n == 0),
            Arbitraries.of(true, false))
        .as(Step::new);
    return step.list().ofMinSize(2).ofMaxSize(18);
  }

  // ---------------------------------------------------------------------------------------------
  // Generation

  private static final Identifier SHARED_DEVICE = Identifier.of(IdentifierType.ANONYMOUS_ID, "tablet-kitchen");

  /** The identifiers a person ever uses (normalised), the shared device left out. */
  private static Set<Identifier> own(int p) {
    return Set.of(email(p), phone(p), customerId(p), device(p));
  }

  static Event eventFor(String id, long minute, Step s) {
    return event(id, minute, s);
  }

  private static Event event(String id, long minute, Step s) {
    Event.Builder b = Event.builder(id, s.type(), Fixtures.at(minute));
    int p = s.person();
    if ((s.mask() & 1) != 0) {
      b.identifier(IdentifierType.EMAIL, s.variant() ? " Person" + p + "@Example.COM" : "person" + p + "@example.com");
    }
    if ((s.mask() & 2) != 0) {
      b.identifier(IdentifierType.PHONE, s.variant()
          ? String.format(Locale.ROOT, "(650) 253-%04d", p) : String.format(Locale.ROOT, "+1650253%04d", p));
    }
    if ((s.mask() & 4) != 0) {
      b.identifier(IdentifierType.CUSTOMER_ID, "c-" + p);
    }
    if ((s.mask() & 8) != 0) {
      b.identifier(IdentifierType.ANONYMOUS_ID, "a-" + p);
    }
    if (s.shared()) {
      b.identifier(SHARED_DEVICE);
    }
    if (s.junk()) {
      b.identifier(IdentifierType.EMAIL, s.value() % 2 == 0 ? "undefined" : "test@test.com");
    }
    switch (s.type()) {
      case "identify" -> b.data("first_name", "Name" + s.value());
      case "order" -> b.data("total", new BigDecimal(s.value() * 10 + 5)).data("order_id", "o-" + id);
      case "consent" -> b.action(s.value() % 2 == 0 ? "opt_in" : "opt_out");
      case "login" -> b.action("login");
      default -> b.data("device", "device-" + s.value());
    }
    return b.build();
  }

  /** Ingests the history; every event is applied (each carries at least one identifier of its person). */
  private static List<Event> ingest(Clientele c, List<Step> steps) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Event e = event(String.format(Locale.ROOT, "e-%02d", i), i * 3L, steps.get(i));
      IngestResult r = c.ingest(e);
      assertThat(r.outcome()).as("outcome of %s", e.id()).isEqualTo(Outcome.APPLIED);
      events.add(e);
    }
    return events;
  }

  /** Two people's emails in one event: the usual wrong merge. */
  private static IngestResult glue(Clientele c, String id, long minute, int a, int b) {
    return c.ingest(Event.builder(id, "pageview", Fixtures.at(minute)).identifier(email(a)).identifier(email(b)).build());
  }

  // ---------------------------------------------------------------------------------------------
  // Invariants

  private static List<MergeRecord> log(Clientele c) {
    List<MergeRecord> out = new ArrayList<>();
    c.storage().forEachMergeRecord(out::add);
    return out;
  }

  private static List<StoredEvent> stored(Clientele c) {
    try (Stream<StoredEvent> all = c.storage().allEvents()) {
      return all.toList();
    }
  }

  /**
   * Every identifier has one holder and the index agrees; every stored event is on exactly one
   * profile's timeline; a profile's event count is the length of its timeline.
   */
  private static void assertConsistent(Clientele c) {
    List<String> onTimelines = new ArrayList<>();
    Map<Identifier, ProfileId> holders = new HashMap<>();
    for (Profile p : Fixtures.profiles(c)) {
      for (Identifier i : Fixtures.identifiersOf(p)) {
        assertThat(holders.put(i, p.id())).as("second holder of %s", i).isNull();
        assertThat(c.storage().owner(i)).as("owner of %s", i).contains(p.id());
      }
      List<String> timeline = Fixtures.timelineIds(c, p.id());
      assertThat(p.eventCount()).as("event count of %s, timeline %s", p.id(), timeline).isEqualTo(timeline.size());
      onTimelines.addAll(timeline);
    }
    List<String> all = stored(c).stream().map(e -> e.event().id()).toList();
    assertThat(onTimelines).as("events on timelines").containsExactlyInAnyOrderElementsOf(all);
  }

  /** {@code r} with none of {@code erased} in its links or sides, all else as it was (the test's own model). */
  private static MergeRecord redacted(MergeRecord r, Set<Identifier> erased) {
    List<MergeRecord.Side> sides = new ArrayList<>();
    for (MergeRecord.Side s : r.sides()) {
      Set<Identifier> kept = new java.util.LinkedHashSet<>(s.identifiers());
      kept.removeAll(erased);
      sides.add(new MergeRecord.Side(s.id(), kept, s.mergedFrom()));
    }
    List<Identifier> links = r.links().stream().filter(i -> !erased.contains(i)).toList();
    return new MergeRecord(r.id(), r.kind(), r.at(), r.profile(), sides, r.eventId(), links, r.undoes(), r.note());
  }

  private static void assertAppendedTo(Clientele c, List<MergeRecord> before) {
    List<MergeRecord> now = log(c);
    assertThat(now.size()).isGreaterThanOrEqualTo(before.size());
    assertThat(now.subList(0, before.size())).isEqualTo(before);
  }

  /** explain names every identifier the profile holds, and only merge records and events that exist. */
  private static void assertExplained(Clientele c, Profile p) {
    Explanation x = c.explain(p.id());
    Set<Identifier> named = new HashSet<>();
    for (Explanation.Link l : x.links()) {
      named.addAll(l.identifiers());
      l.mergeRecord().ifPresent(id -> assertThat(c.storage().mergeRecord(id)).as("record %s of %s", id, l).isPresent());
      if (l.kind() == Explanation.Kind.ATTACHED && l.eventId().isPresent()) {
        assertThat(c.storage().containsEvent(l.eventId().get())).as("event of %s", l).isTrue();
      } else if (l.kind() == Explanation.Kind.ATTACHED) {
        // Its event was erased with another side of a split (Erasure keeps only consent parts).
        assertThat(l.rule()).as("rule of %s", l).isEqualTo(IdentityOperations.ATTACHED_BY_ERASED_EVENT);
        assertThat(l.identifiers()).as("identifiers of %s", l).hasSize(1);
      }
    }
    assertThat(named).as("identifiers named by explain(%s)", p.id()).containsAll(Fixtures.identifiersOf(p));
  }

  private static List<MergeRecord> merges(Clientele c) {
    return log(c).stream().filter(r -> r.kind() != MergeRecord.Kind.SPLIT).toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Properties

  @Property(tries = 100)
  void ingestionHistory_isConsistentAndExplained(@ForAll("histories") List<Step> steps) {
    try (Clientele c = Fixtures.clientele()) {
      ingest(c, steps);
      assertConsistent(c);
      Fixtures.profiles(c).forEach(p -> assertExplained(c, p));
    }
  }

  /**
   * Splitting any merge that ingestion made (when the split is possible): identifiers and
   * events consistent afterwards, every profile explained, the log only grew, and the split is
   * sticky: later events of one side stay on that side, and an event bridging the sides does
   * not join them.
   */
  @Property(tries = 200)
  void splitOfAnIngestionMerge_keepsEverythingConsistent_andSticks(
      @ForAll("histories") List<Step> steps, @ForAll @IntRange(min = 0, max = 7) int pick, @ForAll @IntRange(min = 0, max = 2) int other) {
    try (Clientele c = Fixtures.clientele()) {
      ingest(c, steps);
      glue(c, "glue", 100, 0, 1 + other % 2);
      List<MergeRecord> merges = merges(c);
      Assume.that(!merges.isEmpty());
      MergeRecord m = merges.get(pick % merges.size());
      List<MergeRecord> before = log(c);
      SplitResult s;
      try {
        s = c.split(m.id(), "hunt");
      } catch (IllegalStateException documented) {
        return; // cannot be undone any more (documented reasons); nothing to check
      }
      assertAppendedTo(c, before);
      assertConsistent(c);
      Fixtures.profiles(c).forEach(p -> assertExplained(c, p));
      MergeRecord split = c.storage().mergeRecord(s.record()).orElseThrow();
      assertThat(split.undoes()).contains(m.id());

      // Sticky: for each restored profile, an event carrying one of its identifiers stays with
      // it, and one bridging it with the kept profile joins nothing.
      Profile kept = s.kept();
      Identifier keptOne = kept.identifiers().get(0).identifier();
      long minute = 200;
      for (Profile back : s.restored()) {
        Identifier one = back.identifiers().get(0).identifier();
        IngestResult later = c.ingest(Event.builder("later-" + back.id(), "pageview", Fixtures.at(minute++)).identifier(one).build());
        assertThat(later.profile()).as("later event of a restored side").contains(back.id());
        IngestResult bridge = c.ingest(Event.builder("bridge-" + back.id(), "pageview", Fixtures.at(minute++))
            .identifier(one).identifier(keptOne).build());
        assertThat(bridge.mergedProfiles()).as("bridge after split").isEmpty();
        assertThat(c.storage().owner(one)).contains(back.id());
        assertThat(c.storage().owner(keptOne)).contains(kept.id());
      }
      assertConsistent(c);
      assertAppendedTo(c, before);
    }
  }

  /**
   * A forced merge of any two profiles, then its split, gives back the partition of
   * identifiers into profiles from before the merge and the same timelines; the merge is logged
   * as forced, with the reason.
   */
  @Property(tries = 100)
  void forcedMergeThenSplit_restoresThePartitionAndTimelines(
      @ForAll("histories") List<Step> steps, @ForAll @IntRange(min = 0, max = 5) int a, @ForAll @IntRange(min = 0, max = 5) int b) {
    try (Clientele c = Fixtures.clientele()) {
      ingest(c, steps);
      List<Profile> profiles = Fixtures.profiles(c);
      Assume.that(profiles.size() >= 2);
      Profile pa = profiles.get(a % profiles.size());
      Profile pb = profiles.get((a % profiles.size() + 1 + b % (profiles.size() - 1)) % profiles.size());
      Set<Set<Identifier>> partition = Fixtures.partition(c);
      Map<ProfileId, List<String>> timelines = new HashMap<>();
      profiles.forEach(p -> timelines.put(p.id(), Fixtures.timelineIds(c, p.id())));
      List<MergeRecord> before = log(c);

      Profile merged = c.merge(pa.id(), pb.id(), "operator says so");
      assertAppendedTo(c, before);
      assertConsistent(c);
      assertExplained(c, merged);
      List<MergeRecord> mine = c.mergeLog(merged.id());
      MergeRecord forced = mine.get(mine.size() - 1);
      assertThat(forced.kind()).isEqualTo(MergeRecord.Kind.FORCED_MERGE);
      assertThat(forced.note()).contains("operator says so");
      assertThat(forced.eventId()).isEmpty();

      List<MergeRecord> beforeSplit = log(c);
      c.split(forced.id(), "operator was wrong");
      assertAppendedTo(c, beforeSplit);
      assertConsistent(c);
      assertThat(Fixtures.partition(c)).isEqualTo(partition);
      for (Profile p : Fixtures.profiles(c)) {
        assertThat(Fixtures.timelineIds(c, p.id())).isEqualTo(timelines.get(p.id()));
        assertExplained(c, p);
      }
    }
  }

  /**
   * Erasure of any profile, also after a merge and a split: no profile, owner, stored event or
   * merge-log record holds any of its identifiers afterwards, every other profile is still
   * explained, and replaying its old events is rejected (the default policy blocks replays).
   */
  @Property(tries = 150)
  void delete_leavesNoTraceOfTheIdentifiers_andBlocksReplays(
      @ForAll("histories") List<Step> steps, @ForAll boolean splitFirst, @ForAll @IntRange(min = 0, max = 5) int pick) {
    try (Clientele c = Fixtures.clientele()) {
      ingest(c, steps);
      glue(c, "glue", 100, 0, 1);
      if (splitFirst) {
        List<MergeRecord> merges = merges(c);
        if (!merges.isEmpty()) {
          try {
            c.split(merges.get(pick % merges.size()).id(), "hunt");
          } catch (IllegalStateException documented) {
            // not splittable any more: erase without a split
          }
        }
      }
      List<Profile> profiles = Fixtures.profiles(c);
      Profile victim = profiles.get(pick % profiles.size());
      Set<Identifier> erased = Fixtures.identifiersOf(victim);
      List<Event> old = c.timeline(victim.id(), dev.clientele.core.TimelineQuery.all());

      c.delete(victim.id());

      assertThat(c.profile(victim.id())).isEmpty();
      for (Profile p : Fixtures.profiles(c)) {
        assertThat(Fixtures.identifiersOf(p)).as("identifiers of %s", p.id()).doesNotContainAnyElementsOf(erased);
      }
      assertThat(c.storage().owners(erased)).isEmpty();
      for (MergeRecord r : log(c)) {
        assertThat(r.names(victim.id())).as("record %s names the erased profile", r.id()).isFalse();
      }
      for (StoredEvent e : stored(c)) {
        assertThat(e.event().identifiers()).as("identifiers of stored event %s", e.event().id())
            .doesNotContainAnyElementsOf(erased);
      }
      // Also after a split: records naming neither erased profile are redacted in place.
      for (MergeRecord r : log(c)) {
        assertThat(r.links()).as("links of record %s", r.id()).doesNotContainAnyElementsOf(erased);
        for (MergeRecord.Side side : r.sides()) {
          assertThat(side.identifiers()).as("side of record %s", r.id()).doesNotContainAnyElementsOf(erased);
        }
      }
      assertConsistent(c);
      Fixtures.profiles(c).forEach(p -> assertExplained(c, p));
      for (Event e : old) {
        if (e.id().contains("#")) {
          continue; // derived events are not ingested by hosts
        }
        // An event kept for another person after a split (without the erased values) is still
        // stored: its replay is a duplicate; every other one is rejected.
        Outcome expected = c.storage().containsEvent(e.id()) ? Outcome.DUPLICATE : Outcome.REJECTED;
        IngestResult replay = c.ingest(e);
        assertThat(replay.outcome()).as("replay of %s", e.id()).isEqualTo(expected);
      }
    }
  }

  /**
   * Chained merges (person 0 with 1, then that profile with 2, by an event or by an operator), a
   * split of one of them and erasure of any profile: the records naming an erased profile are
   * gone, every other record is in its place with the erased identifiers removed from its links
   * and sides and nothing else changed, the store is consistent, every profile is explained, and
   * splitting any remaining merge afterwards gives no erased identifier back to anyone.
   */
  @Property(tries = 150)
  void delete_afterASplitOfAChainedMerge_redactsTheOtherRecordsInPlace(
      @ForAll("histories") List<Step> steps, @ForAll boolean forced,
      @ForAll @IntRange(min = 0, max = 5) int pickMerge, @ForAll @IntRange(min = 0, max = 5) int pick) {
    try (Clientele c = Fixtures.clientele()) {
      ingest(c, steps);
      glue(c, "glue-1", 100, 0, 1);
      var one = c.profile(email(1)).orElseThrow();
      var two = c.profile(email(2));
      if (forced && two.isPresent() && !two.get().id().equals(one.id())) {
        c.merge(one.id(), two.get().id(), "hunt");
      } else {
        glue(c, "glue-2", 101, 1, 2);
      }
      List<MergeRecord> merges = merges(c);
      if (!merges.isEmpty()) {
        try {
          c.split(merges.get(pickMerge % merges.size()).id(), "hunt");
        } catch (IllegalStateException documented) {
          // not splittable any more: erase without a split
        }
      }
      List<Profile> profiles = Fixtures.profiles(c);
      Profile victim = profiles.get(pick % profiles.size());
      Set<Identifier> erased = Fixtures.identifiersOf(victim);
      Set<ProfileId> gone = new HashSet<>(victim.mergedFrom());
      gone.add(victim.id());
      List<MergeRecord> before = log(c);
      List<MergeRecord> expected = before.stream()
          .filter(r -> gone.stream().noneMatch(r::names)).map(r -> redacted(r, erased)).toList();
      Set<String> beforeIds = new HashSet<>();
      before.forEach(r -> beforeIds.add(r.id()));
      Set<java.util.Optional<String>> erasedSplitsUndo = new HashSet<>();
      Set<java.time.Instant> erasedSplitsAt = new HashSet<>();
      before.stream().filter(r -> r.kind() == MergeRecord.Kind.SPLIT && gone.stream().anyMatch(r::names))
          .forEach(r -> {
            erasedSplitsUndo.add(r.undoes());
            erasedSplitsAt.add(r.at());
          });

      dev.clientele.consent.ErasureReport report = c.delete(victim.id());

      assertThat(log(c).stream().filter(r -> beforeIds.contains(r.id())).toList()).isEqualTo(expected);
      // A split record naming the erased profile is replaced by one between the people of that
      // split who remain (when two or more do): a split naming no erased profile, with a fixed
      // note (not the operator's), undoing the same merge if that record is still stored, else none.
      // It has the time of the split it replaces, and the report names it.
      Set<String> after = new HashSet<>();
      log(c).forEach(r -> after.add(r.id()));
      assertThat(log(c).stream().map(MergeRecord::id).filter(r -> !beforeIds.contains(r)).toList())
          .as("records appended by the erasure").isEqualTo(report.keptSplitRecords());
      for (MergeRecord r : log(c)) {
        if (!beforeIds.contains(r.id())) {
          assertThat(r.kind()).isEqualTo(MergeRecord.Kind.SPLIT);
          assertThat(r.note()).isEqualTo(dev.clientele.consent.Erasure.KEPT_SPLIT_NOTE);
          assertThat(erasedSplitsAt).as("times of the erased splits").contains(r.at());
          r.undoes().ifPresent(u -> assertThat(after).as("merge undone by %s", r.id()).contains(u));
          if (r.undoes().isPresent()) {
            assertThat(erasedSplitsUndo).contains(r.undoes());
          }
          assertThat(gone).noneMatch(r::names);
        }
      }
      for (MergeRecord r : log(c)) {
        assertThat(erased).as("identifiers held by record %s", r.id()).noneMatch(r::holds);
      }
      assertConsistent(c);
      for (Profile p : Fixtures.profiles(c)) {
        assertExplained(c, p);
        for (Explanation.Link l : c.explain(p.id()).links()) {
          assertThat(l.identifiers()).as("identifiers of a link explaining %s", p.id()).doesNotContainAnyElementsOf(erased);
          l.mergeRecord().ifPresent(id -> assertThat(c.storage().mergeRecord(id)).as("record %s of %s", id, l).isPresent());
        }
      }
      for (MergeRecord r : merges(c)) {
        try {
          c.split(r.id(), "after the erasure");
        } catch (IllegalStateException | IllegalArgumentException | java.util.NoSuchElementException documented) {
          // nothing left to split, or not splittable any more
        }
        assertThat(c.storage().owners(erased)).as("owners of erased identifiers after splitting %s", r.id()).isEmpty();
        for (Profile p : Fixtures.profiles(c)) {
          assertThat(Fixtures.identifiersOf(p)).as("identifiers of %s", p.id()).doesNotContainAnyElementsOf(erased);
        }
        assertConsistent(c);
      }
    }
  }

  /**
   * Regression (found by {@code delete_afterASplitOfAChainedMerge_*}, seed 8515520308561077373):
   * an event anchored at one side's identifier merged three profiles and attached a new
   * identifier (the phone) that the split left with the kept profile; explain found that event
   * only through the split record's given-back identifiers. Erasing another side of the split
   * erases the split record (it names the erased profile, and erasure erases every record naming
   * it), so explain of the kept profile no longer named the phone. Explain now finds such an
   * event among all stored events when the records do not lead to it.
   */
  @org.junit.jupiter.api.Test
  void explain_afterErasureOfAnotherSideOfASplit_namesTheIdentifierTheSplitLeftWithTheKeptProfile() {
    try (Clientele c = Fixtures.clientele()) {
      apply(c, "ann-1", 0, email(0), SHARED_DEVICE);
      apply(c, "cid-1", 1, customerId(2));
      apply(c, "mail-1", 2, email(2));
      apply(c, "glue", 3, customerId(2), email(2), phone(2), SHARED_DEVICE); // three profiles merge
      c.split(merges(c).get(0).id(), "three people");
      Profile kept = c.profile(phone(2)).orElseThrow();
      assertExplained(c, kept);

      Profile erased = c.profile(email(0)).orElseThrow();
      c.delete(erased.id());

      assertExplained(c, c.profile(phone(2)).orElseThrow());
      for (Profile p : Fixtures.profiles(c)) {
        for (Explanation.Link l : c.explain(p.id()).links()) {
          assertThat(l.identifiers()).as("identifiers of a link explaining %s", p.id())
              .doesNotContainAnyElementsOf(Fixtures.identifiersOf(erased));
        }
      }
    }
  }

  /**
   * The scan of all stored events is explain's last resort: explaining the profiles of the
   * histories above (merges, a split of every merge it can undo, no erasure) never reads the whole
   * event store, since the events and merge records lead to every identifier.
   */
  @Property(tries = 50)
  void explain_withoutErasure_neverScansAllEvents(@ForAll("histories") List<Step> steps) {
    java.util.concurrent.atomic.AtomicInteger scans = new java.util.concurrent.atomic.AtomicInteger();
    dev.clientele.core.spi.Storage counting = new ForwardingStorage(new dev.clientele.core.spi.InMemoryStorage()) {
      @Override
      public Stream<StoredEvent> allEvents() {
        scans.incrementAndGet();
        return super.allEvents();
      }
    };
    try (Clientele c = Clientele.builder().profileIds(Fixtures.sequentialIds()).storage(counting)
        .erasurePolicy(dev.clientele.consent.ErasurePolicy.builder().salt(new byte[16]).build()).build()) {
      ingest(c, steps);
      glue(c, "glue", 100, 0, 1);
      for (MergeRecord m : merges(c)) {
        try {
          c.split(m.id(), "hunt");
        } catch (IllegalStateException documented) {
          // not splittable any more
        }
      }
      int before = scans.get();
      Fixtures.profiles(c).forEach(p -> assertExplained(c, p));
      assertThat(scans.get() - before).as("scans of all events while explaining").isZero();
    }
  }

  /** One operator or ingestion action of a random session. */
  record Op(int kind, int x, int y, Step step) {}

  @Provide
  Arbitrary<List<Op>> sessions() {
    Arbitrary<Step> step = histories().map(l -> l.get(0));
    return Combinators.combine(
            Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 7), step)
        .as(Op::new).list().ofMinSize(3).ofMaxSize(16);
  }

  /**
   * Random sessions mixing ingestion (0-2), gluing two people's emails (3), forced merges (4)
   * splits of any logged merge (5) and erasure of a profile (6): after every action the store is
   * consistent and every profile is explained; the merge log only grew, except that an erasure
   * removes the records naming the erased profile or one merged into it, and removes its
   * identifiers from the others in place (same records, same order), and appends nothing but a
   * split record between the people who remain of an erased split record.
   */
  @Property(tries = 150)
  void randomSessions_stayConsistentExplainedAndAppendOnly(@ForAll("sessions") List<Op> ops) {
    try (Clientele c = Fixtures.clientele()) {
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        List<MergeRecord> before = log(c);
        String id = String.format(Locale.ROOT, "s-%02d", i);
        switch (op.kind()) {
          case 3 -> glue(c, id, i * 5L, op.x() % 3, (op.x() % 3 + 1 + op.y() % 2) % 3);
          case 4 -> {
            List<Profile> ps = Fixtures.profiles(c);
            if (ps.size() >= 2) {
              Profile a = ps.get(op.x() % ps.size());
              Profile b = ps.get((op.x() % ps.size() + 1 + op.y() % (ps.size() - 1)) % ps.size());
              Profile merged = c.merge(a.id(), b.id(), "session");
              List<MergeRecord> mine = c.mergeLog(merged.id());
              assertThat(mine.get(mine.size() - 1).kind()).isEqualTo(MergeRecord.Kind.FORCED_MERGE);
            }
          }
          case 5 -> {
            List<MergeRecord> ms = merges(c);
            if (!ms.isEmpty()) {
              try {
                c.split(ms.get(op.x() % ms.size()).id(), "session");
              } catch (IllegalStateException documented) {
                // cannot be undone any more (documented reasons)
              }
            }
          }
          case 6 -> {
            List<Profile> ps = Fixtures.profiles(c);
            if (!ps.isEmpty()) {
              Profile victim = ps.get(op.x() % ps.size());
              dev.clientele.consent.ErasureReport report = c.delete(victim.id());
              Set<ProfileId> gone = new HashSet<>(victim.mergedFrom());
              gone.add(victim.id());
              Set<Identifier> erased = Fixtures.identifiersOf(victim);
              Set<String> beforeIds = new HashSet<>();
              before.forEach(r -> beforeIds.add(r.id()));
              Set<java.time.Instant> erasedSplitsAt = new HashSet<>();
              before.stream().filter(r -> r.kind() == MergeRecord.Kind.SPLIT && gone.stream().anyMatch(r::names))
                  .forEach(r -> erasedSplitsAt.add(r.at()));
              before = before.stream().filter(r -> gone.stream().noneMatch(r::names)).map(r -> redacted(r, erased)).toList();
              assertThat(log(c).stream().filter(r -> beforeIds.contains(r.id())).toList()).isEqualTo(before);
              // Appended: only the split records between the remaining people of an erased split,
              // with its time, as the report lists them.
              assertThat(log(c).stream().map(MergeRecord::id).filter(r -> !beforeIds.contains(r)).toList())
                  .as("records appended by the erasure").isEqualTo(report.keptSplitRecords());
              for (MergeRecord r : log(c)) {
                if (!beforeIds.contains(r.id())) {
                  assertThat(r.kind()).isEqualTo(MergeRecord.Kind.SPLIT);
                  assertThat(erasedSplitsAt).as("times of the erased splits").contains(r.at());
                  assertThat(gone).noneMatch(r::names);
                  assertThat(erased).noneMatch(r::holds);
                }
              }
            }
          }
          default -> {
            IngestResult r = c.ingest(event(id, i * 5L, op.step()));
            assertThat(r.outcome()).as("outcome of %s", id).isIn(Outcome.APPLIED, Outcome.REJECTED);
            if (r.outcome() == Outcome.REJECTED) {
              // only a replay of an erased person's identifiers is rejected
              assertThat(r.problems()).anyMatch(pr -> pr.contains("erased person"));
            }
          }
        }
        assertAppendedTo(c, before);
        assertConsistent(c);
        Fixtures.profiles(c).forEach(p -> assertExplained(c, p));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Pointed examples (found by the properties above)

  private static void apply(Clientele c, String id, long minute, Identifier... identifiers) {
    Event.Builder b = Event.builder(id, "pageview", Fixtures.at(minute));
    for (Identifier i : identifiers) {
      b.identifier(i);
    }
    assertThat(c.ingest(b.build()).outcome()).as("outcome of %s", id).isEqualTo(Outcome.APPLIED);
  }

  /**
   * Regression: after a split, the split profile keeps an identifier attached while it was
   * merged by an event anchored at an identifier the split gave back; explain used to look only
   * at the events anchored at the profile's own identifiers and did not name it.
   */
  @org.junit.jupiter.api.Test
  void explain_afterSplit_namesAnIdentifierAttachedWhileMergedByAnEventOfTheOtherSide() {
    try (Clientele c = Fixtures.clientele()) {
      apply(c, "ann-1", 0, email(0), SHARED_DEVICE);
      apply(c, "ann-2", 1, phone(0));
      apply(c, "glue-1", 2, phone(0), SHARED_DEVICE); // merges the two profiles
      apply(c, "glue-2", 3, email(0), email(1)); // email(1) attaches to the merged profile, anchored at email(0)
      MergeRecord m = merges(c).get(0);
      SplitResult s = c.split(m.id(), "hunt");
      Profile kept = s.kept();
      Identifier late = email(1);
      assertThat(Fixtures.identifiersOf(kept)).contains(late);

      Explanation x = c.explain(kept.id());

      assertThat(x.links()).filteredOn(l -> l.kind() == Explanation.Kind.ATTACHED)
          .anySatisfy(l -> {
            assertThat(l.identifiers()).contains(late);
            assertThat(l.eventId()).contains("glue-2");
          });
    }
  }

  /**
   * Regression: as above, when the split profile was then merged into another one; the
   * identifier is explained from the split of the profile merged in.
   */
  @org.junit.jupiter.api.Test
  void explain_afterSplitAndALaterMerge_namesTheIdentifierAttachedWhileMerged() {
    try (Clientele c = Fixtures.clientele()) {
      apply(c, "ann-1", 0, customerId(2), SHARED_DEVICE);
      apply(c, "bob-1", 1, email(1));
      apply(c, "glue-1", 2, email(1), SHARED_DEVICE); // Bob's profile absorbs Ann's
      apply(c, "late", 3, customerId(2), email(2)); // email(2) attaches to the merged profile, anchored at c-2
      SplitResult s = c.split(merges(c).get(0).id(), "hunt");
      assertThat(Fixtures.identifiersOf(s.kept())).contains(email(2));
      apply(c, "carol-1", 4, email(0), customerId(0));
      apply(c, "glue-2", 5, email(0), email(1)); // Carol's profile absorbs the split one
      Profile all = c.profile(email(2)).orElseThrow();
      assertThat(all.id()).isNotEqualTo(s.kept().id());

      Explanation x = c.explain(all.id());

      assertThat(x.links()).filteredOn(l -> l.kind() == Explanation.Kind.ATTACHED)
          .anySatisfy(l -> {
            assertThat(l.identifiers()).contains(email(2));
            assertThat(l.eventId()).contains("late");
          });
    }
  }

  /**
   * A split leaves events that carry identifiers of both sides (the event that merged them,
   * anchored at one side); erasing the other side must not leave its value in that stored event
   * (DESIGN "Privacy": every stored trace is erased). It did before erasure redacted such events.
   */
  @org.junit.jupiter.api.Test
  void delete_afterSplit_leavesNoCopyOfTheValueInTheEventThatMergedTheSides() {
    try (Clientele c = Fixtures.clientele()) {
      apply(c, "ann-1", 0, email(0));
      apply(c, "bob-1", 1, phone(1));
      apply(c, "glue", 2, email(0), phone(1)); // anchored at email(0): stays with Ann after the split
      c.split(merges(c).get(0).id(), "two people");
      ProfileId bob = c.profile(phone(1)).orElseThrow().id();

      c.delete(bob);

      for (StoredEvent e : stored(c)) {
        assertThat(e.event().identifiers()).as("identifiers of %s", e.event().id()).doesNotContain(phone(1));
      }
    }
  }

  /**
   * An identifier attached while two profiles were merged, by an event anchored at an identifier
   * the split then gave back, stays with the split profile; erasing the restored profile must keep
   * that event for the kept person (without the erased values), so explain still names the
   * identifier. Before, erasure erased the event with its anchor.
   */
  @org.junit.jupiter.api.Test
  void delete_afterSplit_keepsTheEventThatAttachedAnIdentifierTheOtherSideKept() {
    try (Clientele c = Fixtures.clientele()) {
      apply(c, "ann-1", 0, email(0));
      apply(c, "bob-1", 1, phone(0), SHARED_DEVICE);
      // Bob's profile (updated last) absorbs Ann's; phone(1) is anchored at email(0), Ann's
      apply(c, "glue", 2, email(0), phone(1), SHARED_DEVICE);
      SplitResult s = c.split(merges(c).get(0).id(), "two people");
      assertThat(Fixtures.identifiersOf(s.kept())).contains(phone(1));
      ProfileId ann = c.profile(email(0)).orElseThrow().id();

      c.delete(ann);

      Profile bob = c.profile(phone(0)).orElseThrow();
      assertExplained(c, bob);
    }
  }

  /**
   * A merge of an already merged profile records the absorbed profile's identifiers, those of the
   * profile merged into it earlier included; splitting that earlier merge and then erasing the
   * restored profile left its identifiers in the later record, which names neither it nor a
   * profile erasure looks at. Erasure now redacts that record in place.
   */
  @org.junit.jupiter.api.Test
  void delete_ofASideRestoredFromAChainedMerge_leavesNoMergeRecordWithItsIdentifiers() {
    try (Clientele c = Fixtures.clientele()) {
      apply(c, "ann-1", 0, email(0), phone(0));
      apply(c, "bob-1", 10, email(1));
      apply(c, "glue", 20, email(0), email(1));
      MergeRecord first = merges(c).get(0);
      apply(c, "carol-1", 30, email(2));
      apply(c, "carol-2", 40, email(2), email(1)); // the merged profile is merged again
      c.split(first.id(), "ann is someone else");
      ProfileId restored = first.sides().get(0).id();
      Set<Identifier> erased = Fixtures.identifiersOf(c.profile(restored).orElseThrow());

      c.delete(restored);

      for (MergeRecord r : log(c)) {
        assertThat(r.links()).as("links of %s", r).doesNotContainAnyElementsOf(erased);
        r.sides().forEach(side -> assertThat(side.identifiers()).as("side of %s", r).doesNotContainAnyElementsOf(erased));
      }
    }
  }
}
