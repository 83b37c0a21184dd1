package dev.clientele;

import static dev.clientele.Fixtures.anonymousId;
import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.OwnedProfiles;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Batched {@link Clientele#ingestAll} when another writer changes the backend while a batch is
 * being resolved: the batch must fall back to event-by-event ingestion and give the same result
 * as ingesting event by event after the other writer, whenever the overlay notices the change.
 */
class BatchIngestRaceTest {
  /**
   * A host backend over an in-memory store that runs {@code between} once: right after the
   * batch's first read of owners and profiles, or (with {@code insideTheRead}) inside it, between
   * the owners and the profiles, as the SPI's default {@code ownedProfiles} allows.
   */
  private static final class InterleavingStorage extends ForwardingStorage {
    private final AtomicInteger reads = new AtomicInteger();
    private final Runnable between;
    private final boolean insideTheRead;

    InterleavingStorage(InMemoryStorage delegate, Runnable between, boolean insideTheRead) {
      super(delegate);
      this.between = between;
      this.insideTheRead = insideTheRead;
    }

    @Override
    public OwnedProfiles ownedProfiles(Collection<Identifier> identifiers) {
      if (insideTheRead) {
        return super.ownedProfiles(identifiers); // the default: owners(), then profile() for each
      }
      OwnedProfiles read = super.ownedProfiles(identifiers);
      if (reads.getAndIncrement() == 0) {
        between.run();
      }
      return read;
    }

    @Override
    public Map<Identifier, ProfileId> owners(Collection<Identifier> identifiers) {
      Map<Identifier, ProfileId> read = super.owners(identifiers);
      if (insideTheRead && reads.getAndIncrement() == 0) {
        between.run();
      }
      return read;
    }
  }

  private static Clientele.Builder on(InMemoryStorage mem, Runnable between) {
    return on(mem, between, false);
  }

  private static Clientele.Builder on(InMemoryStorage mem, Runnable between, boolean insideTheRead) {
    return Clientele.builder().storage(new InterleavingStorage(mem, between, insideTheRead)).profileIds(Fixtures.sequentialIds())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build());
  }

  private static Clientele other(InMemoryStorage mem) {
    AtomicInteger n = new AtomicInteger();
    return Clientele.builder().storage(mem).profileIds(() -> ProfileId.of("p-other-" + n.incrementAndGet())).build();
  }

  /**
   * The batch merges L (customer id c-1, device a-1) into S (ann's email). Its first read sees L
   * and S; right after it, another writer merges L into M through the device a-1. The merge the
   * batch plans then finds a-1 owned by M in the overlay. Before the fix the overlay's conflict
   * was retried on the same stale overlay until the pipeline gave up with an
   * IllegalStateException, so ingestAll failed; now the batch is replayed event by event.
   */
  @Test
  void ingestAll_concurrentMergeOfAProfileTheBatchMerges_appliedEventByEvent() {
    InMemoryStorage mem = new InMemoryStorage();
    Clientele other = other(mem);
    other.ingest(Fixtures.event("e-1", "pageview", 1).identifier(customerId("c-1")).identifier(anonymousId("a-1")).build());
    other.ingest(Fixtures.event("e-2", "pageview", 10).identifier(email("ann@example.com")).build());
    other.ingest(Fixtures.event("e-3", "pageview", 20).identifier(anonymousId("a-9")).build());
    Runnable concurrentMerge = () -> other.ingest(
        Fixtures.event("e-4", "pageview", 30).identifier(anonymousId("a-1")).identifier(anonymousId("a-9")).build());
    List<Event> batch = List.of(
        Fixtures.event("b-1", "login", 40).identifier(customerId("c-1")).identifier(email("ann@example.com")).build(),
        Fixtures.event("b-2", "pageview", 41).identifier(email("ann@example.com")).build());

    try (Clientele batched = on(mem, concurrentMerge).ingestBatchSize(10).build()) {
      List<IngestResult> results = new ArrayList<>();
      IngestStats stats = batched.ingestAll(batch, results::add);

      assertThat(results).extracting(IngestResult::outcome)
          .containsExactly(IngestResult.Outcome.APPLIED, IngestResult.Outcome.APPLIED);
      assertThat(stats.applied()).isEqualTo(2);
      assertThat(mem.profileCount()).as("c-1, a-1, a-9 and ann are one person").isEqualTo(1);
      ProfileId one = mem.owner(customerId("c-1")).orElseThrow();
      for (Identifier i : List.of(anonymousId("a-1"), anonymousId("a-9"), email("ann@example.com"))) {
        assertThat(mem.owner(i)).as("owner of %s", i).contains(one);
      }
      assertThat(mem.profile(one).orElseThrow().eventCount()).isEqualTo(6);
      assertThat(stats.retries()).as("one replay of the batch, not a hundred retries of one event").isLessThanOrEqualTo(3);
    }
  }

  /**
   * The batch's first read of owners and profiles is the SPI's default (owners, then each
   * profile): between the two, another writer merges L (c-1) into M, so the read finds c-1 owned
   * by L but not L. Before the fix the overlay kept answering "owned by a missing profile" and the
   * pipeline retried that until it gave up with an IllegalStateException.
   */
  @Test
  void ingestAll_ownerMergedAwayBetweenTheBatchsReads_appliedEventByEvent() {
    InMemoryStorage mem = new InMemoryStorage();
    Clientele other = other(mem);
    other.ingest(Fixtures.event("e-1", "pageview", 1).identifier(customerId("c-1")).build());
    other.ingest(Fixtures.event("e-2", "pageview", 20).identifier(anonymousId("a-9")).build());
    Runnable concurrentMerge = () -> other.ingest(
        Fixtures.event("e-3", "pageview", 30).identifier(customerId("c-1")).identifier(anonymousId("a-9")).build());
    List<Event> batch = List.of(
        Fixtures.event("b-1", "login", 40).identifier(customerId("c-1")).build(),
        Fixtures.event("b-2", "pageview", 41).identifier(customerId("c-1")).build());

    try (Clientele batched = on(mem, concurrentMerge, true).ingestBatchSize(10).build()) {
      IngestStats stats = batched.ingestAll(batch);

      assertThat(stats.applied()).isEqualTo(2);
      assertThat(mem.profileCount()).isEqualTo(1);
      ProfileId one = mem.owner(anonymousId("a-9")).orElseThrow();
      assertThat(mem.owner(customerId("c-1"))).contains(one);
      assertThat(mem.profile(one).orElseThrow().eventCount()).isEqualTo(5);
      assertThat(stats.retries()).isLessThanOrEqualTo(3);
    }
  }

  /**
   * Two threads each run batched ingestAll over half of a shuffled history of overlapping people
   * (merges race, some events arrive twice) on one host backend: the result equals the
   * single-threaded one, every event is reported once to its own caller, and nothing is lost.
   */
  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void ingestAll_twoThreadsRacingBatches_sameResultAsOneThread() throws Exception {
    for (long seed = 1; seed <= 4; seed++) {
      List<Event> events = ConcurrentIngestTest.history(new Random(seed));
      long distinct = events.stream().map(Event::id).distinct().count();
      Clientele single = Fixtures.clientele();
      events.forEach(single::ingest);

      BatchIngestTest.CountingStorage storage = new BatchIngestTest.CountingStorage();
      try (Clientele batched = Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
          .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build()).ingestBatchSize(8).build()) {
        List<List<Event>> halves = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < events.size(); i++) {
          halves.get(i % 2).add(events.get(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<IngestResult>>> running = new ArrayList<>();
        try {
          for (List<Event> half : halves) {
            running.add(pool.submit(() -> {
              start.await();
              List<IngestResult> reported = new ArrayList<>();
              batched.ingestAll(half, reported::add);
              return reported;
            }));
          }
          start.countDown();
          for (int t = 0; t < 2; t++) {
            List<IngestResult> reported = running.get(t).get(15, TimeUnit.SECONDS);
            assertThat(reported).extracting(IngestResult::eventId)
                .as("seed %s: each event of the half reported once, in order", seed)
                .isEqualTo(halves.get(t).stream().map(Event::id).toList());
          }
        } finally {
          pool.shutdownNow();
        }

        assertThat(Fixtures.partition(batched)).as("seed %s", seed).isEqualTo(Fixtures.partition(single));
        assertThat(ConcurrentIngestTest.summary(batched)).as("seed %s", seed).isEqualTo(ConcurrentIngestTest.summary(single));
        IngestStats stats = batched.stats();
        assertThat(stats.applied()).isEqualTo(distinct);
        assertThat(stats.duplicates()).isEqualTo(events.size() - distinct);
        assertThat(stats.rejected()).isZero();
        assertThat(storage.eventCount()).isEqualTo(distinct);
      }
    }
  }

  /**
   * A null among the events (or an iterator that fails) stops ingestAll, as it stops a loop of
   * ingest() calls: the events before it are applied and reported. Before the fix the batch
   * being collected was dropped silently while earlier batches stayed applied.
   */
  @Test
  void ingestAll_nullAfterSomeEvents_eventsBeforeItAppliedAndReported() {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      events.add(Fixtures.event("e-" + i, "pageview", i).identifier(customerId("c-" + (i % 2))).build());
    }
    events.add(null);
    events.add(Fixtures.event("e-after", "pageview", 9).identifier(customerId("c-9")).build());
    BatchIngestTest.CountingStorage storage = new BatchIngestTest.CountingStorage();
    try (Clientele c = Clientele.builder().storage(storage).erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build())
        .ingestBatchSize(3).build()) {
      List<String> reported = new ArrayList<>();

      org.assertj.core.api.Assertions.assertThatNullPointerException()
          .isThrownBy(() -> c.ingestAll(events, r -> reported.add(r.eventId())))
          .withMessageContaining("events");

      assertThat(reported).containsExactly("e-0", "e-1", "e-2", "e-3", "e-4");
      assertThat(storage.eventCount()).isEqualTo(5);
      assertThat(c.stats().applied()).isEqualTo(5);
      assertThat(c.profile(customerId("c-9"))).isEmpty();
    }
  }
}
