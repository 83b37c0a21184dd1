package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.identity.IdentifierNormalizer;
import dev.clientele.identity.IdentityResolver;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.NormalizedIdentifier;
import dev.clientele.identity.ResolvedIdentifiers;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.SegmentTransition;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import org.junit.jupiter.api.Test;

/**
 * {@link Clientele#ingestAll} with a batch size of 1 (the in-memory default) takes events in
 * groups of {@link Clientele#READ_AHEAD}, resolves a group, announces it to the store with one
 * {@link dev.clientele.core.spi.Storage#readAhead} call, then applies it event by event: the
 * results must be exactly those of {@link Clientele#ingest} in a loop.
 */
class IngestAllReadAheadTest {
  private static final int GROUP = Clientele.READ_AHEAD;
  private static final byte[] SALT = new byte[16];
  private static final IdentifierType CARD = IdentifierType.of("loyalty_card");

  /** A backend other than the in-memory store that records every readAhead call (copies: the caller reuses its lists). */
  static class RecordingStorage extends ForwardingStorage {
    final List<List<Identifier>> identifiers = new ArrayList<>();
    final List<List<String>> eventIds = new ArrayList<>();
    /** The number of stored events at each call: how many events were applied before the group. */
    final List<Long> storedBefore = new ArrayList<>();
    int commits;

    RecordingStorage() {
      super(new InMemoryStorage());
    }

    @Override
    public void readAhead(Collection<Identifier> ids, Collection<String> events) {
      identifiers.add(List.copyOf(ids));
      eventIds.add(List.copyOf(events));
      storedBefore.add(eventCount());
      super.readAhead(ids, events);
    }

    @Override
    public void commit(Commit commit) {
      commits++;
      super.commit(commit);
    }
  }

  private static Clientele.Builder builder() {
    return Clientele.builder().profileIds(Fixtures.sequentialIds()).erasurePolicy(ErasurePolicy.builder().salt(SALT).build());
  }

  private static Event pageview(int i) {
    return Fixtures.event(id(i), "pageview", i).identifier(customerId("c-" + i)).build();
  }

  private static String id(int i) {
    return String.format(Locale.ROOT, "e-%03d", i);
  }

  private static List<String> ids(int from, int to) {
    return IntStream.range(from, to).mapToObj(IngestAllReadAheadTest::id).toList();
  }

  // ---- equivalence with ingest() in a loop --------------------------------------------------

  @Property(tries = 100)
  void ingestAll_sameAsIngestInALoop(@ForAll("histories") List<Event> events) {
    try (Clientele loop = builder().build();
        Clientele grouped = builder().build();
        Clientele counted = builder().build();
        Clientele recorded = builder().storage(new RecordingStorage()).ingestBatchSize(1).build()) {
      List<IngestResult> singly = new ArrayList<>();
      events.forEach(e -> singly.add(loop.ingest(e)));

      List<IngestResult> each = new ArrayList<>();
      IngestStats stats = grouped.ingestAll(events, each::add);
      List<IngestResult> eachRecorded = new ArrayList<>();
      IngestStats statsRecorded = recorded.ingestAll(events, eachRecorded::add);

      assertThat(each).as("per-event outcomes and problems, in order").isEqualTo(singly);
      assertThat(Fixtures.partition(grouped)).as("partition of identifiers").isEqualTo(Fixtures.partition(loop));
      assertThat(BatchIngestEquivalenceTest.state(grouped)).as("profiles, events per profile, merges")
          .isEqualTo(BatchIngestEquivalenceTest.state(loop));
      assertThat(stats).isEqualTo(loop.stats()).isEqualTo(grouped.stats());
      assertThat(eachRecorded).as("on a host backend with batch size 1").isEqualTo(singly);
      assertThat(BatchIngestEquivalenceTest.state(recorded)).isEqualTo(BatchIngestEquivalenceTest.state(loop));
      assertThat(statsRecorded).isEqualTo(loop.stats());

      // Without `each` nobody sees the results, and applied events are counted without one:
      // the same counts, profiles and partition.
      IngestStats statsCounted = counted.ingestAll(events);
      assertThat(statsCounted).as("counts without each").isEqualTo(stats).isEqualTo(counted.stats());
      assertThat(BatchIngestEquivalenceTest.state(counted)).isEqualTo(BatchIngestEquivalenceTest.state(loop));
      assertThat(Fixtures.partition(counted)).isEqualTo(Fixtures.partition(loop));
    }
  }

  private static final String[] TYPES = BatchIngestEquivalenceTest.TYPES;

  /**
   * Histories of 1 to 100 events (sizes uniform, so most span several groups) of four people
   * with blocked, malformed and variant identifiers; ids drawn from 70, so duplicates fall
   * inside one group as well as across groups; {@code gdpr_delete} anywhere, also mid-group; now
   * and then a reserved id (rejected without resolving).
   */
  @Provide
  Arbitrary<List<Event>> histories() {
    Arbitrary<Event> event = Combinators.combine(
            Arbitraries.integers().between(0, 69), // event id: repeats are duplicates
            Arbitraries.integers().between(0, 3), // person
            Arbitraries.integers().between(0, 31), // identifier mask
            Arbitraries.integers().between(0, TYPES.length - 1).withDistribution(RandomDistribution.uniform()),
            Arbitraries.integers().between(0, 300)) // minutes
        .as((id, p, mask, type, minute) -> {
          String eventId = String.format(Locale.ROOT, "e-%02d", id) + (id == 69 ? IngestPipeline.DERIVED_MARK + "1" : "");
          return BatchIngestEquivalenceTest.event(eventId, p, mask, type, minute);
        });
    return event.list().ofMinSize(1).ofMaxSize(100).withSizeDistribution(RandomDistribution.uniform());
  }

  /** Segments are re-evaluated after each event as by ingest(): the same memberships, history and transitions. */
  @Property(tries = 40)
  void ingestAll_segmentsAsIngestInALoop(@ForAll("segmentHistories") List<SegmentsIngestTest.Spec> history) throws Exception {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      events.add(SegmentsIngestTest.event(id(i), history.get(i)));
    }
    List<SegmentTransition> heardLoop = new CopyOnWriteArrayList<>();
    List<SegmentTransition> heardGrouped = new CopyOnWriteArrayList<>();
    try (Clientele loop = withSegments(heardLoop);
        Clientele grouped = withSegments(heardGrouped)) {
      events.forEach(loop::ingest);
      grouped.ingestAll(events);

      assertThat(loop.segments().awaitTriggers(Duration.ofSeconds(10))).isTrue();
      assertThat(grouped.segments().awaitTriggers(Duration.ofSeconds(10))).isTrue();
      assertThat(transitions(heardGrouped)).isEqualTo(transitions(heardLoop));
      for (int p = 1; p <= history.size(); p++) { // sequential ids: every profile either one created
        ProfileId id = ProfileId.of(String.format(Locale.ROOT, "p-%04d", p));
        assertThat(grouped.segments().history(id)).as("profile %s", id).isEqualTo(loop.segments().history(id));
      }
    }
  }

  @Provide
  Arbitrary<List<SegmentsIngestTest.Spec>> segmentHistories() {
    return SegmentsIngestTest.spec().list().ofMinSize(1).ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform());
  }

  private static Clientele withSegments(List<SegmentTransition> heard) {
    SegmentConfig.Builder config = SegmentConfig.builder().defineAll(SegmentsIngestTest.SEGMENTS);
    for (Segment s : SegmentsIngestTest.SEGMENTS) {
      config.listen(s.name(), heard::add);
    }
    return Clientele.builder().profileIds(Fixtures.sequentialIds()).clock(Clock.fixed(SegmentsIngestTest.NOW, ZoneOffset.UTC))
        .segments(config.build()).build();
  }

  /** The transitions heard, as sorted strings (listeners run asynchronously). */
  private static List<String> transitions(List<SegmentTransition> heard) {
    return heard.stream().map(SegmentTransition::toString).sorted().toList();
  }

  // ---- what the store is told ---------------------------------------------------------------

  @Test
  void readAhead_oncePerGroup_withTheGroupsNormalisedIdentifiersAndEventIds() {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 2 * GROUP + 6; i++) {
      Event.Builder b = Fixtures.event(id(i), "pageview", i)
          .identifier(email("Person" + (i % 20) + "@Example.COM")) // normalised to lower case
          .identifier(customerId("  c-" + i)); // stripped
      if (i % 7 == 0) {
        b.identifier(Fixtures.anonymousId("null")); // blocked: looked up by nobody
      }
      if (i % 5 == 0) {
        b.identifier(email("person" + i + "-at-example")); // malformed: looked up, after the linkable ones
      }
      events.add(b.build());
    }
    events.set(40, Fixtures.event("e-040" + IngestPipeline.DERIVED_MARK + "1", "pageview", 40)
        .identifier(customerId("c-40")).build()); // a reserved id: rejected without resolving
    IdentityResolver resolver = new IdentityResolver(IdentityRules.defaults());
    RecordingStorage storage = new RecordingStorage();
    try (Clientele c = builder().storage(storage).ingestBatchSize(1).build()) {
      IngestStats s = c.ingestAll(events);

      assertThat(s.applied()).isEqualTo(events.size() - 1);
      assertThat(storage.eventIds).as("one call per group of %d", GROUP).hasSize(3);
      assertThat(storage.storedBefore).as("each call before its group is applied, after the previous group")
          .containsExactly(0L, (long) GROUP, 2L * GROUP - 1);
      for (int g = 0; g < 3; g++) {
        List<Event> group = events.subList(g * GROUP, Math.min(events.size(), (g + 1) * GROUP));
        assertThat(storage.eventIds.get(g)).isEqualTo(group.stream().map(Event::id).toList());
        List<Identifier> expected = new ArrayList<>();
        for (Event e : group) {
          if (!e.id().contains(IngestPipeline.DERIVED_MARK)) {
            ResolvedIdentifiers r = resolver.resolve(e);
            expected.addAll(r.linkable());
            expected.addAll(r.malformed());
          }
        }
        assertThat(storage.identifiers.get(g)).as("group %d", g).isEqualTo(expected);
      }
      List<Identifier> first = storage.identifiers.get(0);
      assertThat(first.subList(0, 3)).as("event 0: customer id, email (priority order), then its malformed email")
          .containsExactly(customerId("c-0"), email("person0@example.com"), email("person0-at-example"));
      assertThat(first).doesNotContain(email("Person1@Example.COM"), Fixtures.anonymousId("null"));
      assertThat(storage.identifiers.get(1)).doesNotContain(customerId("c-40"));
    }
  }

  @Test
  void readAhead_groupEndsBeforeGdprDelete_whichIsAppliedOnItsOwn() {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      events.add(pageview(i));
    }
    events.add(Fixtures.event("erase-3", "compliance", 10).action("gdpr_delete").identifier(customerId("c-3")).build());
    for (int i = 10; i < 15; i++) {
      events.add(pageview(i));
    }
    RecordingStorage storage = new RecordingStorage();
    try (Clientele c = builder().storage(storage).ingestBatchSize(1).build()) {
      List<String> reported = new ArrayList<>();
      IngestStats s = c.ingestAll(events, r -> reported.add(r.eventId() + " " + r.outcome()));

      assertThat(storage.eventIds).containsExactly(ids(0, 10), ids(10, 15));
      assertThat(storage.storedBefore).as("the erasure ran between the two groups").containsExactly(0L, 9L);
      assertThat(reported.get(10)).isEqualTo("erase-3 ERASED");
      assertThat(reported).hasSize(16);
      assertThat(s.applied()).isEqualTo(15);
      assertThat(s.profilesErased()).isEqualTo(1);
      assertThat(c.profile(customerId("c-3"))).isEmpty();
      assertThat(c.profile(customerId("c-12"))).isPresent();
    }
  }

  @Test
  void ingestAll_batchSizeAboveOne_takesTheStagedPath_noReadAhead() {
    List<Event> events = IntStream.range(0, 3 * GROUP).mapToObj(IngestAllReadAheadTest::pageview).toList();
    RecordingStorage storage = new RecordingStorage();
    try (Clientele c = builder().storage(storage).ingestBatchSize(50).build()) {
      assertThat(c.ingestAll(events).applied()).isEqualTo(events.size());

      assertThat(storage.commits).as("one commit per batch of 50").isEqualTo(2);
      assertThat(storage.eventIds).isEmpty();
    }
  }

  @Test
  void ingestAll_onAHostBackendByDefault_takesTheStagedPath() {
    RecordingStorage storage = new RecordingStorage();
    try (Clientele c = builder().storage(storage).build()) {
      c.ingestAll(IntStream.range(0, 40).mapToObj(IngestAllReadAheadTest::pageview).toList());

      assertThat(storage.commits).isEqualTo(1);
      assertThat(storage.eventIds).isEmpty();
    }
  }

  // ---- failures stop where ingest() in a loop would stop -----------------------------------

  /** Throws on the loyalty card {@code L-bad}, as a faulty host normaliser might. */
  private static final IdentifierNormalizer FUSSY = raw -> {
    if (raw.value().equals("L-bad")) {
      throw new IllegalStateException("host normaliser failed");
    }
    return NormalizedIdentifier.valid(raw);
  };

  private static Clientele fussy(RecordingStorage storage) {
    return builder().storage(storage).ingestBatchSize(1).identityRules(IdentityRules.builder().normalizer(CARD, FUSSY).build()).build();
  }

  /** Two groups' worth of events; the 5th of the second group carries a card its normaliser throws on. */
  private static List<Event> throwingOnTheFifthOfAGroup(String badId) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 2 * GROUP; i++) {
      events.add(i == GROUP + 4
          ? Fixtures.event(badId, "pageview", i).identifier(Identifier.of(CARD, "L-bad")).build()
          : pageview(i));
    }
    return events;
  }

  @Test
  void ingestAll_normaliserThrowsOnTheFifthOfAGroup_fourBeforeItApplied_restNot_asInALoop() {
    List<Event> events = throwingOnTheFifthOfAGroup("bad");
    RecordingStorage storage = new RecordingStorage();
    try (Clientele c = fussy(storage); Clientele loop = fussy(new RecordingStorage())) {
      List<String> reported = new ArrayList<>();
      assertThatThrownBy(() -> c.ingestAll(events, r -> reported.add(r.eventId()))).hasMessage("host normaliser failed");
      List<String> looped = new ArrayList<>();
      assertThatThrownBy(() -> events.forEach(e -> looped.add(loop.ingest(e).eventId()))).hasMessage("host normaliser failed");

      assertThat(reported).isEqualTo(looped).isEqualTo(ids(0, GROUP + 4));
      assertThat(c.storage().eventCount()).isEqualTo(GROUP + 4);
      assertThat(c.profile(customerId("c-" + (GROUP + 3)))).isPresent();
      assertThat(c.profile(customerId("c-" + (GROUP + 5)))).as("not reached").isEmpty();
      assertThat(storage.eventIds).as("the second group ends before the event that failed")
          .containsExactly(ids(0, GROUP), ids(GROUP, GROUP + 4));
      assertThat(c.stats()).isEqualTo(loop.stats());
    }
  }

  @Test
  void ingestAll_normaliserWouldThrowOnADuplicate_duplicateCountedAndTheRestApplied_asInALoop() {
    // ingest() checks for a duplicate before resolving: a stored id is never normalised again.
    List<Event> events = throwingOnTheFifthOfAGroup(id(3));
    try (Clientele c = fussy(new RecordingStorage()); Clientele loop = fussy(new RecordingStorage())) {
      List<IngestResult> singly = new ArrayList<>();
      events.forEach(e -> singly.add(loop.ingest(e)));
      List<IngestResult> each = new ArrayList<>();
      IngestStats s = c.ingestAll(events, each::add);

      assertThat(each).isEqualTo(singly);
      assertThat(each.get(GROUP + 4).outcome()).isEqualTo(IngestResult.Outcome.DUPLICATE);
      assertThat(s.applied()).isEqualTo(2 * GROUP - 1);
      assertThat(s).isEqualTo(loop.stats());
    }
  }

  @Test
  void ingestAll_eachThrows_laterEventsOfTheGroupNotApplied() {
    List<Event> events = IntStream.range(0, 10).mapToObj(IngestAllReadAheadTest::pageview).toList();
    try (Clientele c = Fixtures.clientele()) {
      List<String> seen = new ArrayList<>();
      assertThatThrownBy(() -> c.ingestAll(events, r -> {
        seen.add(r.eventId());
        if (seen.size() == 3) {
          throw new IllegalArgumentException("host callback failed");
        }
      })).hasMessage("host callback failed");

      assertThat(seen).isEqualTo(ids(0, 3));
      assertThat(c.storage().eventCount()).as("the third was applied before it was handed on").isEqualTo(3);
      assertThat(c.stats().applied()).isEqualTo(3);
    }
  }

  @Test
  void ingestAll_nullInTheMiddleOfAGroup_eventsBeforeItApplied() {
    List<Event> events = new ArrayList<>(IntStream.range(0, GROUP + 10).mapToObj(IngestAllReadAheadTest::pageview).toList());
    events.set(GROUP + 5, null);
    RecordingStorage storage = new RecordingStorage();
    try (Clientele c = builder().storage(storage).ingestBatchSize(1).build()) {
      List<String> reported = new ArrayList<>();
      assertThatThrownBy(() -> c.ingestAll(events, r -> reported.add(r.eventId())))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("events must not contain null");

      assertThat(reported).isEqualTo(ids(0, GROUP + 5));
      assertThat(c.storage().eventCount()).isEqualTo(GROUP + 5);
    }
  }

  @Test
  void ingestAll_iteratorFailsMidGroup_eventsBeforeItApplied_failureRaised() {
    Iterable<Event> failing = () -> new java.util.Iterator<>() {
      int next;

      @Override
      public boolean hasNext() {
        if (next == 7) {
          throw new IllegalStateException("source broke");
        }
        return true;
      }

      @Override
      public Event next() {
        return pageview(next++);
      }
    };
    try (Clientele c = Fixtures.clientele()) {
      assertThatThrownBy(() -> c.ingestAll(failing)).hasMessage("source broke");

      assertThat(c.storage().eventCount()).isEqualTo(7);
      assertThat(c.stats().applied()).isEqualTo(7);
    }
  }

  @Test
  void readAhead_sameEventIdTwiceInAGroup_secondIsADuplicate() {
    Event first = pageview(1);
    Event again = Fixtures.event(id(1), "pageview", 5).identifier(customerId("c-9")).build();
    RecordingStorage storage = new RecordingStorage();
    try (Clientele c = builder().storage(storage).ingestBatchSize(1).build()) {
      List<IngestResult.Outcome> outcomes = new ArrayList<>();
      c.ingestAll(Arrays.asList(first, again, pageview(2)), r -> outcomes.add(r.outcome()));

      assertThat(outcomes).containsExactly(IngestResult.Outcome.APPLIED, IngestResult.Outcome.DUPLICATE, IngestResult.Outcome.APPLIED);
      assertThat(storage.eventIds).containsExactly(List.of(id(1), id(1), id(2)));
      assertThat(c.profile(customerId("c-9"))).isEmpty();
    }
  }

  // ---- failures a loop of ingest() would meet event by event (review findings) ---------------

  /** Throws {@code t} unchecked: what a Kotlin or Lombok-made iterator can do. */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException sneakily(Throwable t) throws T {
    throw (T) t;
  }

  /** Events 0..n-1, one per call of next(); hasNext() throws {@code failure} when {@code at} were taken. */
  private static Iterable<Event> failingAt(int n, int at, Throwable failure) {
    return () -> new java.util.Iterator<>() {
      int next;

      @Override
      public boolean hasNext() {
        if (next == at) {
          throw sneakily(failure);
        }
        return next < n;
      }

      @Override
      public Event next() {
        return pageview(next++);
      }
    };
  }

  private static final IdentifierNormalizer ASSERTING = raw -> {
    if (raw.value().equals("L-bad")) {
      throw new AssertionError("host normaliser broke an invariant");
    }
    return NormalizedIdentifier.valid(raw);
  };

  @Test
  void ingestAll_normaliserThrowsAnError_eventsBeforeItApplied_asInALoop() {
    List<Event> events = throwingOnTheFifthOfAGroup("bad");
    IdentityRules rules = IdentityRules.builder().normalizer(CARD, ASSERTING).build();
    try (Clientele c = builder().ingestBatchSize(1).identityRules(rules).build();
        Clientele loop = builder().ingestBatchSize(1).identityRules(rules).build()) {
      List<String> reported = new ArrayList<>();
      assertThatThrownBy(() -> c.ingestAll(events, r -> reported.add(r.eventId())))
          .isInstanceOf(AssertionError.class).hasMessage("host normaliser broke an invariant");
      assertThatThrownBy(() -> events.forEach(loop::ingest)).isInstanceOf(AssertionError.class);

      assertThat(reported).isEqualTo(ids(0, GROUP + 4));
      assertThat(c.storage().eventCount()).isEqualTo(loop.storage().eventCount()).isEqualTo(GROUP + 4);
      assertThat(c.stats()).isEqualTo(loop.stats());
    }
  }

  @Test
  void ingestAll_iteratorThrowsACheckedException_eventsBeforeItApplied_exceptionUnchanged() {
    java.io.IOException broken = new java.io.IOException("file truncated");
    try (Clientele c = Fixtures.clientele()) {
      assertThatThrownBy(() -> c.ingestAll(failingAt(20, 7, broken))).isSameAs(broken);

      assertThat(c.storage().eventCount()).isEqualTo(7);
      assertThat(c.stats().applied()).isEqualTo(7);
    }
  }

  @Test
  void ingestAll_eachThrowsBeforeTheIteratorFails_eachsFailureIsThrown_asInALoop() {
    IllegalStateException sourceBroke = new IllegalStateException("source broke");
    IllegalArgumentException callbackFailed = new IllegalArgumentException("host callback failed");
    try (Clientele c = Fixtures.clientele()) {
      List<String> seen = new ArrayList<>();
      assertThatThrownBy(() -> c.ingestAll(failingAt(20, 8, sourceBroke), r -> {
        seen.add(r.eventId());
        if (seen.size() == 3) {
          throw callbackFailed;
        }
      })).isSameAs(callbackFailed).satisfies(t -> assertThat(t.getSuppressed()).containsExactly(sourceBroke));

      assertThat(seen).isEqualTo(ids(0, 3));
      assertThat(c.storage().eventCount()).isEqualTo(3);
    }
  }

  @Test
  void ingestAll_sourceThatEachFeeds_isDrainedAsByALoop() {
    // A queue-backed source: handing on the first result enqueues a follow-up event, found by
    // the iterator only after the group that emptied the queue was applied.
    java.util.ArrayDeque<Event> queue = new java.util.ArrayDeque<>(List.of(pageview(0), pageview(1)));
    Iterable<Event> draining = () -> new java.util.Iterator<>() {
      @Override
      public boolean hasNext() {
        return !queue.isEmpty();
      }

      @Override
      public Event next() {
        return queue.poll();
      }
    };
    try (Clientele c = Fixtures.clientele()) {
      IngestStats s = c.ingestAll(draining, r -> {
        if (r.eventId().equals(id(0))) {
          queue.add(pageview(2));
        }
      });

      assertThat(s.applied()).isEqualTo(3);
      assertThat(c.storage().eventCount()).isEqualTo(3);
      assertThat(queue).isEmpty();
    }
  }

  @Test
  void readAhead_thatThrows_isIgnored_everyEventAppliedAsInALoop() {
    RecordingStorage failing = new RecordingStorage() {
      @Override
      public void readAhead(Collection<Identifier> ids, Collection<String> events) {
        super.readAhead(ids, events);
        throw new dev.clientele.core.spi.StorageException("prefetch timed out");
      }
    };
    List<Event> events = IntStream.range(0, GROUP + 10).mapToObj(IngestAllReadAheadTest::pageview).toList();
    try (Clientele c = builder().storage(failing).ingestBatchSize(1).build(); Clientele loop = builder().build()) {
      List<IngestResult> each = new ArrayList<>();
      IngestStats s = c.ingestAll(events, each::add);
      List<IngestResult> singly = new ArrayList<>();
      events.forEach(e -> singly.add(loop.ingest(e)));

      assertThat(failing.eventIds).as("asked for both groups").hasSize(2);
      assertThat(each).isEqualTo(singly);
      assertThat(s.applied()).isEqualTo(GROUP + 10);
      assertThat(c.storage().eventCount()).isEqualTo(GROUP + 10);
    }
  }
}
