package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link Clientele#ingestAll} in batches (one commit per batch through a staged overlay) gives
 * exactly what ingesting event by event gives: profiles, owners, timelines, merge log, counts.
 */
class BatchIngestTest {
  /** A backend that is not the in-memory store (so batching is on by default) and counts commits. */
  static class CountingStorage extends ForwardingStorage {
    final AtomicInteger commits = new AtomicInteger();

    CountingStorage() {
      super(new InMemoryStorage());
    }

    @Override
    public void commit(Commit commit) {
      commits.incrementAndGet();
      super.commit(commit);
    }
  }

  private static Clientele.Builder on(Storage storage) {
    return Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build());
  }

  /** Everything observable of a store's state, with profile versions left out (a batch writes each profile once). */
  private static Map<String, Object> state(Clientele c) {
    Map<String, Object> out = new TreeMap<>();
    for (Profile p : Fixtures.profiles(c)) {
      out.put("profile " + p.id(), p.toBuilder().version(1).build());
      out.put("timeline " + p.id(), Fixtures.timelineIds(c, p.id()));
      Fixtures.identifiersOf(p).forEach(i -> out.put("owner " + i, c.storage().owner(i).orElseThrow()));
      out.put("merges " + p.id(), c.mergeLog(p.id()).stream().map(r -> r.kind() + " " + r.profile() + " " + r.eventId()
          + " " + r.sides().stream().map(MergeRecord.Side::id).toList() + " " + r.links()).toList());
    }
    out.put("events", c.storage().eventCount());
    return out;
  }

  private static IngestStats withoutRetries(IngestStats s) {
    return new IngestStats(s.received(), s.applied(), s.duplicates(), s.rejected(), s.problems(), s.profilesCreated(),
        s.profilesMerged(), 0, s.profilesErased(), s.linksRefused());
  }

  @Property(tries = 150)
  void batches_sameStateAsOneByOne(@ForAll("histories") List<Event> events, @ForAll @IntRange(min = 2, max = 9) int batch) {
    try (Clientele one = Fixtures.clientele();
        Clientele batched = on(new CountingStorage()).ingestBatchSize(batch).build()) {
      List<IngestResult> singly = new ArrayList<>();
      events.forEach(e -> singly.add(one.ingest(e)));

      List<IngestResult> each = new ArrayList<>();
      IngestStats stats = batched.ingestAll(events, each::add);

      assertThat(each).as("one result per event, in order, as ingest() gives them").isEqualTo(singly);
      assertThat(state(batched)).isEqualTo(state(one));
      assertThat(withoutRetries(stats)).isEqualTo(withoutRetries(one.stats()));
      // The operational counts too (blocked, malformed, replays, caps), but for the batch fallbacks.
      assertThat(stats.details()).usingRecursiveComparison().ignoringFields("batchFallbacks").isEqualTo(one.stats().details());
      assertThat(stats.received()).isEqualTo(events.size());
    }
  }

  @Test
  void ingestAll_onAnotherBackend_oneCommitPerBatch() {
    CountingStorage storage = new CountingStorage();
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      events.add(Fixtures.event("e-" + i, "pageview", i).identifier(customerId("c-" + (i % 40))).build());
    }
    try (Clientele c = on(storage).ingestBatchSize(50).build()) {
      IngestStats s = c.ingestAll(events);

      assertThat(s.applied()).isEqualTo(120);
      assertThat(storage.commits.get()).isEqualTo(3);
      assertThat(c.profileCount()).isEqualTo(40);
      assertThat(c.profile(customerId("c-7")).orElseThrow().eventCount()).isEqualTo(3);
    }
  }

  @Test
  void ingestAll_normaliserThrowsMidBatch_eventsBeforeItAppliedAndReported_asInALoop() {
    dev.clientele.core.IdentifierType card = dev.clientele.core.IdentifierType.of("loyalty_card");
    dev.clientele.identity.IdentifierNormalizer fussy = raw -> {
      if (raw.value().equals("L-bad")) {
        throw new IllegalStateException("host normaliser failed");
      }
      return dev.clientele.identity.NormalizedIdentifier.valid(raw);
    };
    List<Event> events = List.of(
        Fixtures.event("e-1", "pageview", 1).identifier(customerId("c-1")).build(),
        Fixtures.event("e-2", "pageview", 2).identifier(customerId("c-2")).build(),
        Fixtures.event("e-3", "pageview", 3).identifier(dev.clientele.core.Identifier.of(card, "L-bad")).build(),
        Fixtures.event("e-4", "pageview", 4).identifier(customerId("c-4")).build());
    for (int batch : new int[] {1, 10}) {
      CountingStorage storage = new CountingStorage();
      List<String> reported = new ArrayList<>();
      try (Clientele c = on(storage).ingestBatchSize(batch)
          .identityRules(dev.clientele.identity.IdentityRules.builder().normalizer(card, fussy).build()).build()) {
        assertThatThrownBy(() -> c.ingestAll(events, r -> reported.add(r.eventId())))
            .as("batch size %d", batch).hasMessage("host normaliser failed");

        assertThat(reported).as("batch size %d", batch).containsExactly("e-1", "e-2");
        assertThat(c.profile(customerId("c-2"))).as("batch size %d", batch).isPresent();
        assertThat(c.profile(customerId("c-4"))).as("not reached, as in a loop").isEmpty();
        assertThat(c.storage().eventCount()).isEqualTo(2);
      }
    }
  }

  @Test
  void ingestAll_batchMeetsAConcurrentChange_appliedEventByEvent() {
    AtomicInteger refused = new AtomicInteger();
    CountingStorage storage = new CountingStorage() {
      @Override
      public void commit(Commit commit) {
        if (commit.appends().size() > 1 && refused.getAndIncrement() == 0) {
          throw new CommitConflictException("another writer got there first");
        }
        super.commit(commit);
      }
    };
    List<Event> events = List.of(
        Fixtures.event("e-1", "pageview", 1).identifier(customerId("c-1")).build(),
        Fixtures.event("e-2", "identify", 2).identifier(customerId("c-1")).identifier(email("ann@example.com")).build(),
        Fixtures.event("e-3", "pageview", 3).identifier(email("ann@example.com")).build());
    try (Clientele c = on(storage).ingestBatchSize(10).build()) {
      IngestStats s = c.ingestAll(events);

      assertThat(refused.get()).isEqualTo(1);
      assertThat(s.applied()).isEqualTo(3);
      assertThat(c.profileCount()).isEqualTo(1);
      assertThat(c.profile(email("ann@example.com")).orElseThrow().eventCount()).isEqualTo(3);
      assertThat(c.stats().retries()).isPositive();
    }
  }

  @Test
  void ingestAll_backendReadFailsMidBatch_nothingOfTheBatchApplied_retryCompletes() {
    AtomicInteger splitReads = new AtomicInteger();
    CountingStorage storage = new CountingStorage() {
      @Override
      public List<MergeRecord> splitsNaming(java.util.Collection<dev.clientele.core.Identifier> identifiers) {
        if (splitReads.getAndIncrement() == 0) {
          throw new StorageException("connection lost");
        }
        return super.splitsNaming(identifiers);
      }
    };
    List<Event> events = List.of(
        Fixtures.event("e-1", "pageview", 1).identifier(customerId("c-1")).build(),
        Fixtures.event("e-2", "pageview", 2).identifier(email("ann@example.com")).build(),
        Fixtures.event("e-3", "identify", 3).identifier(customerId("c-1")).identifier(email("ann@example.com")).build());
    try (Clientele c = on(storage).ingestBatchSize(10).build()) {
      List<String> reported = new ArrayList<>();
      assertThatThrownBy(() -> c.ingestAll(events, r -> reported.add(r.eventId())))
          .isInstanceOf(StorageException.class).hasMessageContaining("connection lost");

      assertThat(reported).as("the failing batch is applied wholly or not at all").isEmpty();
      assertThat(c.storage().eventCount()).isZero();

      IngestStats again = c.ingestAll(events);
      assertThat(again.applied()).isEqualTo(3);
      assertThat(c.profileCount()).isEqualTo(1);
    }
  }

  @Test
  void ingestAll_backendFailsOnABatch_nothingOfItApplied_retryCompletes() {
    AtomicInteger failures = new AtomicInteger();
    CountingStorage storage = new CountingStorage() {
      @Override
      public void commit(Commit commit) {
        if (commit.appends().size() > 1 && failures.getAndIncrement() == 0) {
          throw new StorageException("connection lost");
        }
        super.commit(commit);
      }
    };
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      events.add(Fixtures.event("e-" + i, "pageview", i).identifier(customerId("c-" + (i % 3))).build());
    }
    try (Clientele c = on(storage).ingestBatchSize(4).build()) {
      assertThatThrownBy(() -> c.ingestAll(events)).isInstanceOf(StorageException.class);
      assertThat(c.storage().eventCount()).isZero();
      assertThat(c.profileCount()).isZero();

      IngestStats again = c.ingestAll(events);

      assertThat(again.applied()).isEqualTo(8);
      assertThat(c.storage().eventCount()).isEqualTo(8);
      assertThat(c.profileCount()).isEqualTo(3);
    }
  }

  @Test
  void ingestAll_erasureInTheMiddle_appliedInOrder() {
    List<Event> events = List.of(
        Fixtures.event("e-1", "identify", 1).identifier(customerId("c-1")).identifier(email("ann@example.com")).build(),
        Fixtures.event("e-2", "pageview", 2).identifier(customerId("c-2")).build(),
        Fixtures.event("e-3", "compliance", 3).action("gdpr_delete").identifier(email("ann@example.com")).build(),
        Fixtures.event("e-4", "pageview", 4).identifier(customerId("c-1")).build(),
        Fixtures.event("e-5", "pageview", 5).identifier(customerId("c-2")).build());
    try (Clientele c = on(new CountingStorage()).ingestBatchSize(10).build()) {
      IngestStats s = c.ingestAll(events);

      assertThat(s.profilesErased()).isEqualTo(1);
      assertThat(s.rejected()).as("the replay of the erased customer id").isEqualTo(1);
      assertThat(c.profile(customerId("c-1"))).isEmpty();
      assertThat(c.profile(customerId("c-2")).orElseThrow().eventCount()).isEqualTo(2);
    }
  }

  @Test
  void ingestBatchSize_outOfRange_refusedNamingIt() {
    assertThatThrownBy(() -> Clientele.builder().ingestBatchSize(0)).hasMessageContaining("ingestBatchSize");
  }

  private static final String[] TYPES = {"pageview", "identify", "order", "login", "consent", "reachability"};

  /** Events of up to 6 people over customer ids, emails (in variants), anonymous ids and phones; ids repeat. */
  @Provide
  Arbitrary<List<Event>> histories() {
    Arbitrary<Event> event = Combinators.combine(
            Arbitraries.integers().between(0, 40), // event id: repeats are duplicates
            Arbitraries.integers().between(0, 5), // person
            Arbitraries.integers().between(0, 5), // second person (households, shared devices)
            Arbitraries.integers().between(1, 15), // identifier mask
            Arbitraries.integers().between(0, TYPES.length - 1),
            Arbitraries.integers().between(0, 500)) // minutes
        .as((id, p, q, mask, type, minute) -> {
          Event.Builder b = Fixtures.event(String.format(Locale.ROOT, "e-%02d", id), TYPES[type], minute);
          if ((mask & 1) != 0) {
            b.identifier(customerId("c-" + p));
          }
          if ((mask & 2) != 0) {
            b.identifier(email((minute % 2 == 0 ? "Person" : "person") + p + "@example.com"));
          }
          if ((mask & 4) != 0) {
            b.identifier(Fixtures.anonymousId("a-" + q)); // a device another person may share
          }
          if ((mask & 8) != 0 || mask == 0) {
            b.identifier(Fixtures.phone(String.format(Locale.ROOT, "+1650253%04d", q)));
          }
          switch (TYPES[type]) {
            case "identify" -> b.data("first_name", "N" + (minute % 7));
            case "order" -> b.action("purchase").data("total", minute % 90);
            case "consent" -> b.action(minute % 2 == 0 ? "opt_in" : "opt_out").data("channel", minute % 3 == 0 ? "sms" : "email");
            case "reachability" -> b.action("hard_bounce").data("channel", "email");
            default -> { }
          }
          return b.build();
        });
    return event.list().ofMinSize(1).ofMaxSize(40);
  }
}
