package dev.clientele;

import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Event;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When the backend reports a commit as failed, Clientele reads back whether it was applied after
 * all (a lost acknowledgement, which the SPI allows). Another writer storing the same event id
 * meanwhile (another node, an at-least-once redelivery) must not pass for this commit: found by
 * review, where the read-back looked only at one event id, so {@code ingestAll} reported events
 * applied that were never stored, and {@code ingest} a profile that does not exist.
 */
class ReadBackAfterFailedCommitTest {
  private static final dev.clientele.consent.ErasurePolicy SALTED =
      dev.clientele.consent.ErasurePolicy.builder().salt(new byte[16]).build();

  /**
   * A host backend whose next commit, once armed, first lets another writer (a second instance on
   * the same store) ingest {@code meanwhile}, then fails without applying anything: a dropped
   * connection, not a conflict.
   */
  static final class OtherWriterThenFailure extends ForwardingStorage {
    private final AtomicInteger armed = new AtomicInteger();
    private List<Event> meanwhile = List.of();
    private Clientele other;

    OtherWriterThenFailure(InMemoryStorage delegate) {
      super(delegate);
    }

    void arm(Clientele otherWriter, List<Event> events) {
      this.other = otherWriter;
      this.meanwhile = events;
      armed.set(1);
    }

    @Override
    public void commit(Commit commit) {
      if (armed.compareAndSet(1, 0)) {
        meanwhile.forEach(other::ingest);
        throw new StorageException("connection lost before the commit reached the database");
      }
      super.commit(commit);
    }
  }

  private static Clientele writer(OtherWriterThenFailure storage, String prefix, int batchSize) {
    AtomicInteger n = new AtomicInteger();
    return Clientele.builder()
        .storage(storage)
        .ingestBatchSize(batchSize)
        .profileIds(() -> ProfileId.of(prefix + "-" + n.incrementAndGet()))
        .erasurePolicy(SALTED)
        .build();
  }

  @Test
  void ingestAll_whoseCommitFailedAfterAnotherWriterStoredOneOfItsEvents_throwsAndLosesNothing() {
    InMemoryStorage store = new InMemoryStorage();
    OtherWriterThenFailure storage = new OtherWriterThenFailure(store);
    try (Clientele c = writer(storage, "p", 2); Clientele other = writer(storage, "q", 1)) {
      Event e1 = event("e-1", "pageview", 1).identifier(email("ann@example.com")).build();
      Event e2 = event("e-2", "pageview", 2).identifier(email("bob@example.com")).build();
      storage.arm(other, List.of(e1));

      List<IngestResult> results = new ArrayList<>();
      assertThatThrownBy(() -> c.ingestAll(List.of(e1, e2), results::add)).isInstanceOf(StorageException.class);

      assertThat(store.containsEvent("e-2")).as("e-2 was not stored, so it must not be reported applied").isFalse();
      assertThat(results).noneMatch(r -> r.eventId().equals("e-2") && r.outcome() == IngestResult.Outcome.APPLIED);
      // Ingesting the batch again (as documented) loses nothing.
      c.ingestAll(List.of(e1, e2), r -> {});
      assertThat(store.containsEvent("e-1")).isTrue();
      assertThat(store.containsEvent("e-2")).isTrue();
    }
  }

  @Test
  void ingest_whoseCommitFailedAfterAnotherWriterStoredTheSameEvent_throwsRatherThanReportAProfileThatDoesNotExist() {
    InMemoryStorage store = new InMemoryStorage();
    OtherWriterThenFailure storage = new OtherWriterThenFailure(store);
    try (Clientele c = writer(storage, "p", 1); Clientele other = writer(storage, "q", 1)) {
      Event e1 = event("e-1", "pageview", 1).identifier(email("ann@example.com")).build();
      storage.arm(other, List.of(e1));

      assertThatThrownBy(() -> c.ingest(e1)).isInstanceOf(StorageException.class);

      assertThat(store.profile(ProfileId.of("p-1"))).isEmpty();
      assertThat(c.ingest(e1).outcome()).as("a retry finds the other writer's copy").isEqualTo(IngestResult.Outcome.DUPLICATE);
    }
  }

  @Test
  void ingest_whoseCommitWasAppliedButReportedFailed_isReportedApplied() {
    InMemoryStorage store = new InMemoryStorage();
    ForwardingStorage lostAck = new ForwardingStorage(store) {
      private boolean failNext = true;

      @Override
      public void commit(Commit commit) {
        super.commit(commit);
        if (failNext) {
          failNext = false;
          throw new StorageException("acknowledgement lost after the commit was applied");
        }
      }
    };
    AtomicInteger n = new AtomicInteger();
    try (Clientele c = Clientele.builder().storage(lostAck).ingestBatchSize(1).erasurePolicy(SALTED)
        .profileIds(() -> ProfileId.of("p-" + n.incrementAndGet())).build()) {
      IngestResult r = c.ingest(event("e-1", "pageview", 1).identifier(email("ann@example.com")).build());
      assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
      assertThat(r.profile()).contains(ProfileId.of("p-1"));
      assertThat(store.profile(ProfileId.of("p-1"))).isPresent();
    }
  }
  /**
   * A host backend that answers {@code containsEventAt} with a keyed read (here: the in-memory
   * store's), records every timeline read, and can lose the acknowledgement of its next commit.
   */
  static final class KeyedLostAck extends ForwardingStorage {
    private final InMemoryStorage store;
    final List<String> timelineReads = new ArrayList<>();
    private boolean failNext;

    KeyedLostAck(InMemoryStorage store) {
      super(store);
      this.store = store;
    }

    void loseNextAcknowledgement() {
      failNext = true;
    }

    @Override
    public void commit(Commit commit) {
      super.commit(commit);
      if (failNext) {
        failNext = false;
        throw new StorageException("acknowledgement lost after the commit was applied");
      }
    }

    @Override
    public boolean containsEventAt(String eventId, dev.clientele.core.Identifier anchor) {
      return store.containsEventAt(eventId, anchor);
    }

    @Override
    public List<dev.clientele.core.spi.StoredEvent> events(java.util.Collection<dev.clientele.core.Identifier> anchors) {
      timelineReads.add(anchors.toString());
      return super.events(anchors);
    }
  }

  /**
   * Production review L2: the read-back ran just when the backend struggles and read the anchor's
   * whole timeline (millions of rows for a hot anchor). A backend that answers
   * {@code containsEventAt} with one keyed read is never asked for the timeline.
   */
  @Test
  void ingest_whoseCommitWasAppliedButReportedFailed_readsBackWithoutTheAnchorsTimeline() {
    KeyedLostAck keyed = new KeyedLostAck(new InMemoryStorage());
    AtomicInteger n = new AtomicInteger();
    try (Clientele c = Clientele.builder().storage(keyed).ingestBatchSize(1).erasurePolicy(SALTED)
        .profileIds(() -> ProfileId.of("p-" + n.incrementAndGet())).build()) {
      for (int i = 0; i < 50; i++) { // a busy anchor
        c.ingest(event("e-" + i, "pageview", i).identifier(email("ann@example.com")).build());
      }
      keyed.timelineReads.clear();
      keyed.loseNextAcknowledgement();

      IngestResult r = c.ingest(event("e-last", "pageview", 60).identifier(email("ann@example.com")).build());

      assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
      assertThat(keyed.timelineReads).as("the read-back must not read the anchor's timeline").isEmpty();
      assertThat(c.stats().details().commitsRecovered()).isEqualTo(1);
    }
  }
}
