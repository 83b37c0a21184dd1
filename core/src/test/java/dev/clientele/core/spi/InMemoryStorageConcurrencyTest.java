package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Parallel commits of {@link InMemoryStorage} over overlapping identifiers: four threads run a
 * small resolve-and-commit loop (create, update, or merge into the smallest id), retrying on
 * {@link CommitConflictException}, and page through the profiles while they do. Afterwards every
 * identifier has exactly one owner, which exists and holds it; every profile's identifiers are
 * owned by it; no event is lost or stored twice; and the partition of identifiers equals the
 * connected components of the events (every link allowed), as a single thread would give.
 */
class InMemoryStorageConcurrencyTest {
  private static final int THREADS = 4;
  private static final int EVENTS = 4_000;
  private static final int IDENTIFIERS = 600;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void commit_parallelOverOverlappingIdentifiers_keepsOneOwnerPerIdentifierAndEveryEvent() throws Exception {
    Random random = new Random(20261123);
    List<List<Identifier>> events = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      int n = 1 + random.nextInt(3);
      Set<Identifier> ids = new TreeSet<>();
      while (ids.size() < n) {
        // Mostly near each other (small groups), now and then a far one (bridges groups).
        int base = (i * 7) % IDENTIFIERS;
        int k = random.nextInt(10) == 0 ? random.nextInt(IDENTIFIERS) : (base + random.nextInt(4)) % IDENTIFIERS;
        ids.add(Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + k));
      }
      events.add(List.copyOf(ids));
    }
    InMemoryStorage storage = new InMemoryStorage();
    AtomicInteger next = new AtomicInteger();
    AtomicLong ids = new AtomicLong();
    AtomicLong conflicts = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        workers.add(pool.submit(() -> {
          start.await();
          for (int i = next.getAndIncrement(); i < EVENTS; i = next.getAndIncrement()) {
            ingest(storage, "e-" + i, events.get(i), ids, conflicts);
          }
          return null;
        }));
      }
      Future<?> reader = pool.submit(() -> {
        start.await();
        while (next.get() < EVENTS) {
          List<Profile> page = storage.profiles(Optional.empty(), 50);
          for (int i = 1; i < page.size(); i++) {
            assertThat(page.get(i).id()).isGreaterThan(page.get(i - 1).id());
          }
        }
        return null;
      });
      start.countDown();
      for (Future<?> w : workers) {
        w.get();
      }
      reader.get();
    } finally {
      pool.shutdownNow();
    }

    // Every identifier: exactly one owner, which exists and holds it.
    Set<Identifier> all = new HashSet<>();
    events.forEach(all::addAll);
    Map<Identifier, ProfileId> owners = storage.owners(all);
    assertThat(owners.keySet()).isEqualTo(all);
    List<Profile> profiles = storage.profiles(Optional.empty(), Integer.MAX_VALUE);
    Map<ProfileId, Profile> byId = new HashMap<>();
    profiles.forEach(p -> byId.put(p.id(), p));
    assertThat(byId).hasSize((int) storage.profileCount());
    Map<Identifier, Integer> holders = new HashMap<>();
    for (Profile p : profiles) {
      for (IdentifierState s : p.identifiers()) {
        holders.merge(s.identifier(), 1, Integer::sum);
        assertThat(owners.get(s.identifier())).isEqualTo(p.id());
      }
    }
    assertThat(holders.keySet()).isEqualTo(all);
    assertThat(holders.values()).containsOnly(1);

    // No event lost or stored twice, each reachable through an owned anchor.
    List<StoredEvent> stored = storage.allEvents().toList();
    assertThat(stored).hasSize(EVENTS);
    assertThat(storage.eventCount()).isEqualTo(EVENTS);
    assertThat(stored.stream().map(e -> e.event().id()).distinct().count()).isEqualTo(EVENTS);
    long applied = profiles.stream().mapToLong(Profile::eventCount).sum();
    assertThat(applied).isEqualTo(EVENTS);

    // The partition equals the connected components.
    Map<Identifier, Identifier> parent = new HashMap<>();
    for (List<Identifier> e : events) {
      for (Identifier id : e) {
        union(parent, e.get(0), id);
      }
    }
    for (Identifier a : all) {
      for (Identifier b : List.of(find(parent, a))) {
        assertThat(owners.get(a)).isEqualTo(owners.get(b));
      }
    }
    Set<Identifier> roots = new HashSet<>();
    all.forEach(a -> roots.add(find(parent, a)));
    assertThat(profiles).hasSize(roots.size());
  }

  /** Resolve and commit one event: create, update, or merge everything into the smallest id. */
  private static void ingest(InMemoryStorage storage, String eventId, List<Identifier> ids, AtomicLong next, AtomicLong conflicts) {
    Instant at = T0.plusSeconds(next.get());
    Event.Builder eb = Event.builder(eventId, "pageview", at);
    ids.forEach(eb::identifier);
    Event event = eb.build();
    while (true) {
      Map<Identifier, ProfileId> owners = storage.owners(ids);
      TreeSet<ProfileId> owning = new TreeSet<>(owners.values());
      List<Profile> found = new ArrayList<>();
      for (ProfileId id : owning) {
        storage.profile(id).ifPresent(found::add);
      }
      if (found.size() != owning.size()) {
        conflicts.incrementAndGet();
        continue; // a profile vanished between the reads: read again
      }
      Commit.Builder commit = Commit.builder();
      Profile.Builder b;
      long expected;
      if (found.isEmpty()) {
        b = Profile.builder(ProfileId.of("p-" + next.incrementAndGet()), T0);
        expected = 0;
      } else {
        Profile survivor = found.get(0);
        b = survivor.toBuilder();
        expected = survivor.version();
        for (Profile loser : found.subList(1, found.size())) {
          commit.deleteProfile(loser.id(), loser.version());
          for (IdentifierState s : loser.identifiers()) {
            b.putIdentifier(s);
            commit.assign(s.identifier(), Optional.of(loser.id()), survivor.id());
          }
          b.eventCount(b.eventCount() + loser.eventCount());
        }
      }
      for (Identifier id : ids) {
        if (!owners.containsKey(id)) {
          b.putIdentifier(IdentifierState.firstSeen(id, at, true, "test"));
          commit.assign(id, Optional.empty(), b.id());
        }
      }
      b.eventCount(b.eventCount() + 1);
      commit.putProfile(b.version(expected + 1).build(), expected);
      commit.append(new StoredEvent(event, ids.get(0)));
      try {
        storage.commit(commit.build());
        return;
      } catch (CommitConflictException e) {
        conflicts.incrementAndGet();
      }
    }
  }

  private static Identifier find(Map<Identifier, Identifier> parent, Identifier x) {
    Identifier p = parent.getOrDefault(x, x);
    if (p.equals(x)) {
      return x;
    }
    Identifier root = find(parent, p);
    parent.put(x, root);
    return root;
  }

  private static void union(Map<Identifier, Identifier> parent, Identifier a, Identifier b) {
    Identifier ra = find(parent, a);
    Identifier rb = find(parent, b);
    if (!ra.equals(rb)) {
      parent.put(ra, rb);
    }
  }
}
