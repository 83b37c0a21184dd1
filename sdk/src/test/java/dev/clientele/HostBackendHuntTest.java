package dev.clientele;

import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Examples for a host's own backend ({@link MinimalHostStorage}: only the abstract methods of the
 * SPI) through the facade: the erasure that must redact another profile's merge record (by
 * {@code delete}, by {@code gdpr_delete}, and by a {@code gdpr_delete} over two profiles) on a
 * backend that keeps the default {@code redactsMergeRecordsInPlace()} and on one that applies
 * redactions, against the in-memory store; and merges racing on the default {@code ownedProfiles}.
 */
class HostBackendHuntTest {
  private static final ErasurePolicy ERASURE = ErasurePolicy.builder().salt(new byte[16]).build();
  private static final Identifier ANN = email("ann@example.com");
  private static final Identifier BOB = email("bob@example.com");
  private static final Identifier CID = Identifier.of(IdentifierType.CUSTOMER_ID, "c-1");

  private static Clientele clientele(Storage storage) {
    return Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds()).erasurePolicy(ERASURE).build();
  }

  /**
   * Ann's profile is merged into Bob's (m1: Bob's was updated last and survives), that one into the
   * customer id's (m2); then m1 is split, which gives Ann her profile back. m2 names neither Ann's
   * profile nor one merged into it, but holds her email: erasing Ann must redact it.
   *
   * @return Ann's restored profile
   */
  private static ProfileId mergeMergeSplitFirst(Clientele c) {
    c.ingest(event("e-1", "pageview", 1).identifier(ANN).build());
    c.ingest(event("e-2", "pageview", 2).identifier(BOB).build());
    c.ingest(event("e-3", "pageview", 3).identifier(ANN).identifier(BOB).build());
    c.ingest(event("e-4", "pageview", 4).identifier(CID).build());
    c.ingest(event("e-5", "pageview", 5).identifier(CID).identifier(ANN).build());
    List<MergeRecord> log = log(c);
    assertThat(log).hasSize(2);
    ProfileId ann = c.split(log.get(0).id(), "wrong merge").restored().get(0).id();
    assertThat(c.profile(ANN).map(p -> p.id())).contains(ann);
    assertThat(log.get(1).names(ann)).isFalse();
    assertThat(log.get(1).holds(ANN)).isTrue();
    return ann;
  }

  private static List<MergeRecord> log(Clientele c) {
    List<MergeRecord> out = new ArrayList<>();
    c.storage().forEachMergeRecord(out::add);
    return out;
  }

  @Test
  void delete_needingARedaction_onABackendWithoutRedactions_isRefusedAndErasesNothing() {
    try (Clientele c = clientele(new MinimalHostStorage())) {
      ProfileId ann = mergeMergeSplitFirst(c);
      List<MergeRecord> logBefore = log(c);
      long events = c.storage().eventCount();

      assertThatThrownBy(() -> c.delete(ann)).isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("redactsMergeRecordsInPlace").hasMessageNotContaining("ann@");

      assertThat(c.profile(ann)).isPresent();
      assertThat(c.profile(ANN).map(p -> p.id())).contains(ann);
      assertThat(log(c)).isEqualTo(logBefore);
      assertThat(c.storage().eventCount()).isEqualTo(events);
      assertThat(c.storage().tombstoneCount()).isZero();
      assertThat(c.stats().profilesErased()).isZero();
    }
  }

  @Test
  void gdprDelete_needingARedaction_onABackendWithoutRedactions_isRefusedAndErasesNothing() {
    try (Clientele c = clientele(new MinimalHostStorage())) {
      ProfileId ann = mergeMergeSplitFirst(c);
      List<MergeRecord> logBefore = log(c);

      assertThatThrownBy(() -> c.ingest(event("g-1", "compliance", 9).action("gdpr_delete").identifier(ANN).build()))
          .isInstanceOf(UnsupportedOperationException.class);

      assertThat(c.profile(ann)).isPresent();
      assertThat(log(c)).isEqualTo(logBefore);
      assertThat(c.storage().tombstoneCount()).isZero();
    }
  }

  @Test
  void delete_needingARedaction_onTheMinimalBackendWithRedactions_isAsOnTheInMemoryStore() {
    try (Clientele host = clientele(MinimalHostStorage.redacting()); Clientele ref = clientele(new InMemoryStorage())) {
      ProfileId ann = mergeMergeSplitFirst(host);
      assertThat(mergeMergeSplitFirst(ref)).isEqualTo(ann);

      var hostReport = host.delete(ann);
      var refReport = ref.delete(ann);

      assertThat(hostReport).isEqualTo(refReport);
      assertThat(hostReport.mergeRecordsRedacted()).isEqualTo(1);
      assertThat(HostBackendHuntPropertiesTest.snapshot(host)).isEqualTo(HostBackendHuntPropertiesTest.snapshot(ref));
      assertThat(log(host)).noneMatch(r -> r.holds(ANN));
    }
  }

  /**
   * A {@code gdpr_delete} event whose identifiers are on two profiles erases them one after the
   * other (lowest id first): when the second needs a redaction the backend does not apply, the
   * first stays erased (as after a backend failure between the two, which {@link Clientele#ingest}
   * documents) and the call throws. The profile erased is still counted in {@link
   * Clientele#stats()}: it was erased.
   */
  @Test
  void gdprDelete_overTwoProfiles_secondNeedingARedaction_onABackendWithoutRedactions_keepsTheFirstErasedAndCountsIt() {
    Identifier device = Identifier.of(IdentifierType.ANONYMOUS_ID, "a-ann");
    try (Clientele c = clientele(new MinimalHostStorage())) {
      c.ingest(event("d-1", "pageview", 0).identifier(device).build());
      ProfileId other = c.profile(device).orElseThrow().id();
      ProfileId ann = mergeMergeSplitFirst(c);
      assertThat(other.compareTo(ann)).as("erased first").isNegative();

      assertThatThrownBy(() -> c.ingest(event("g-1", "compliance", 9).action("gdpr_delete").identifier(ANN).identifier(device).build()))
          .isInstanceOf(UnsupportedOperationException.class);

      assertThat(c.profile(other)).isEmpty();
      assertThat(c.profile(ann)).isPresent();
      assertThat(c.stats().profilesErased()).isEqualTo(1);
    }
  }

  /**
   * Four threads race merges on the minimal backend (the default {@code ownedProfiles}: owners and
   * profiles read one after the other, so a merge's loser can vanish in between), two of them
   * through {@code ingestAll} batches, while a fifth looks people up by identifier: the result is
   * the single-threaded one on the in-memory store, and no lookup sees a profile without the
   * identifier it was found by.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
  void ingest_fourThreadsRacingMergesOnTheMinimalBackend_sameResultAsOneThreadInMemory() throws Exception {
    for (long seed = 1; seed <= 2; seed++) {
      List<dev.clientele.core.Event> events = ConcurrentIngestTest.history(new java.util.Random(seed));
      Clientele single = Clientele.builder().profileIds(Fixtures.sequentialIds()).build();
      events.forEach(single::ingest);
      try (Clientele host = Clientele.builder().storage(MinimalHostStorage.redacting()).profileIds(Fixtures.sequentialIds())
          .erasurePolicy(ERASURE).ingestBatchSize(20).build()) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(5);
        try {
          java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
          List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
          for (int t = 0; t < 4; t++) {
            List<dev.clientele.core.Event> mine = new ArrayList<>();
            for (int i = t; i < events.size(); i += 4) {
              mine.add(events.get(i));
            }
            boolean batched = t % 2 == 0;
            writers.add(pool.submit(() -> {
              if (batched) {
                host.ingestAll(mine);
              } else {
                mine.forEach(host::ingest);
              }
            }));
          }
          java.util.concurrent.Future<Long> reader = pool.submit(() -> {
            long reads = 0;
            do { // at least one round, even when the writers finish before this thread first runs
              for (int p = 0; p < 10; p++) {
                Identifier email = email("person" + p + "@example.com");
                host.profile(email).ifPresent(found -> assertThat(found.identifier(email)).isPresent());
                reads++;
              }
            } while (!done.get());
            return reads;
          });
          for (java.util.concurrent.Future<?> w : writers) {
            w.get(50, java.util.concurrent.TimeUnit.SECONDS);
          }
          done.set(true);
          assertThat(reader.get(10, java.util.concurrent.TimeUnit.SECONDS)).isPositive();
        } finally {
          pool.shutdownNow();
        }
        assertThat(Fixtures.partition(host)).as("seed %s", seed).isEqualTo(Fixtures.partition(single));
        assertThat(ConcurrentIngestTest.summary(host)).as("seed %s", seed).isEqualTo(ConcurrentIngestTest.summary(single));
        assertThat(host.storage().eventCount()).isEqualTo(single.storage().eventCount());
      }
    }
  }
}
