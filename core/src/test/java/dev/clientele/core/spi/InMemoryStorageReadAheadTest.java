package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link InMemoryStorage#readAhead}: a hint that reads the store's memory without locks. It must
 * change no read, whatever the store holds (present, absent, removed, erased keys; keys whose
 * hashes collide so that they overflow the table), and must neither fail nor change anything
 * while commits resize, shrink and erase the tables it reads.
 */
class InMemoryStorageReadAheadTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** The {@code n}-th value of 10 blocks of "Aa" or "BB": all 1024 have one {@code hashCode()}. */
  private static String colliding(int n) {
    StringBuilder b = new StringBuilder();
    for (int bit = 0; bit < 10; bit++) {
      b.append((n >>> bit & 1) == 0 ? "Aa" : "BB");
    }
    return b.toString();
  }

  /**
   * Identifiers of several types, a dozen of them of one hash (more than {@link
   * KeyedTable#SAME_HASH_LIMIT}, so some overflow), and some that are never written.
   */
  private static List<Identifier> pool() {
    List<Identifier> pool = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      pool.add(Identifier.of(IdentifierType.EMAIL, "u" + i + "@example.com"));
      pool.add(Identifier.of(IdentifierType.ANONYMOUS_ID, "a-" + i));
    }
    for (int i = 0; i < 12; i++) {
      pool.add(Identifier.of(IdentifierType.CUSTOMER_ID, colliding(i)));
    }
    return pool;
  }

  @Property(tries = 25)
  void readAhead_afterRandomCommits_changesNoRead(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int steps) {
    Random random = new Random(seed);
    List<Identifier> pool = pool();
    List<Identifier> absent = List.of(Identifier.of(IdentifierType.EMAIL, "never@example.com"),
        Identifier.of(IdentifierType.CUSTOMER_ID, colliding(1000)));
    InMemoryStorage hinted = new InMemoryStorage();
    InMemoryStorage plain = new InMemoryStorage();
    int[] nextEvent = {0};
    for (int step = 0; step < steps; step++) {
      Commit commit = randomCommit(random, plain, pool, nextEvent);
      if (commit == null) {
        continue;
      }
      // The bulk ingestion's order: a read-ahead of some keys, then reads and commits.
      hinted.readAhead(sample(random, pool, absent), eventIds(random, nextEvent[0]));
      boolean hintedOk = commits(hinted, commit);
      boolean plainOk = commits(plain, commit);
      assertThat(hintedOk).isEqualTo(plainOk);
    }
    List<Identifier> all = new ArrayList<>(pool);
    all.addAll(absent);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i <= nextEvent[0] + 2; i++) {
      ids.add("e-" + i);
    }
    Snapshot before = Snapshot.of(hinted, all, ids);
    assertThat(before).isEqualTo(Snapshot.of(plain, all, ids));

    hinted.readAhead(all, ids);
    hinted.readAhead(new LinkedHashSet<>(all), new ArrayDeque<>(ids)); // not lists: iterated
    List<Identifier> withNulls = new ArrayList<>(all);
    withNulls.add(0, null);
    withNulls.add(null);
    hinted.readAhead(withNulls, Arrays.asList(null, "e-0", null));

    assertThat(Snapshot.of(hinted, all, ids)).isEqualTo(before);
    assertThat(InMemoryStorage.lookaheadReferences()).as("references left in the thread").isZero();
  }

  /** A random commit that {@code model} (a store without read-ahead) accepts or rejects; null: skip. */
  private static Commit randomCommit(Random random, InMemoryStorage model, List<Identifier> pool, int[] nextEvent) {
    ProfileId pid = ProfileId.of("p-" + random.nextInt(8));
    Identifier identifier = pool.get(random.nextInt(pool.size()));
    Optional<Profile> current = model.profile(pid);
    long version = current.map(Profile::version).orElse(0L);
    Commit.Builder c = Commit.builder();
    switch (random.nextInt(7)) {
      case 0, 1 -> { // create or update a profile holding some identifiers, and link one
        Profile.Builder b = current.map(Profile::toBuilder).orElseGet(() -> Profile.builder(pid, T0));
        b.seeIdentifier(identifier, T0.plusSeconds(random.nextInt(100)), random.nextBoolean(), "test");
        c.putProfile(b.version(version + 1).build(), version);
        c.assign(identifier, model.owner(identifier), pid);
      }
      case 2 -> { // delete a profile and unlink what it owns
        if (current.isEmpty()) {
          return null;
        }
        c.deleteProfile(pid, version);
        for (Identifier id : pool) {
          if (model.owner(id).equals(Optional.of(pid))) {
            c.unassign(id, pid);
          }
        }
      }
      case 3 -> { // unlink one identifier (its slot goes unless it anchors events)
        Optional<ProfileId> owner = model.owner(identifier);
        if (owner.isEmpty()) {
          return null;
        }
        c.unassign(identifier, owner.get());
      }
      case 4, 5 -> { // store an event, sometimes with an id stored or erased before (a conflict, or allowed again)
        String id = "e-" + (random.nextInt(5) == 0 && nextEvent[0] > 0 ? random.nextInt(nextEvent[0]) : nextEvent[0]++);
        c.append(new StoredEvent(
            Event.builder(id, "pageview", T0.plusSeconds(random.nextInt(1000))).identifier(identifier).build(), identifier));
      }
      default -> c.eraseEvents(identifier); // the slot goes unless it has an owner
    }
    return c.build();
  }

  private static boolean commits(InMemoryStorage storage, Commit commit) {
    try {
      storage.commit(commit);
      return true;
    } catch (CommitConflictException e) {
      return false;
    }
  }

  private static List<Identifier> sample(Random random, List<Identifier> pool, List<Identifier> absent) {
    List<Identifier> out = new ArrayList<>();
    int n = random.nextInt(80); // up to more than a chunk
    for (int i = 0; i < n; i++) {
      out.add(random.nextInt(10) == 0 ? absent.get(random.nextInt(absent.size())) : pool.get(random.nextInt(pool.size())));
    }
    return out;
  }

  private static List<String> eventIds(Random random, int next) {
    List<String> out = new ArrayList<>();
    int n = random.nextInt(40);
    for (int i = 0; i < n; i++) {
      out.add("e-" + random.nextInt(next + 3));
    }
    return out;
  }

  /** Everything a reader can see of {@code identifiers}, {@code eventIds} and the store as a whole. */
  record Snapshot(
      List<Profile> profiles,
      long profileCount,
      Map<Identifier, Optional<ProfileId>> owner,
      Map<Identifier, ProfileId> owners,
      Map<ProfileId, Profile> ownedProfiles,
      Map<Identifier, List<StoredEvent>> events,
      Set<StoredEvent> allEvents,
      long eventCount,
      Map<String, Boolean> contains) {
    static Snapshot of(InMemoryStorage s, List<Identifier> identifiers, List<String> eventIds) {
      Map<Identifier, Optional<ProfileId>> owner = new java.util.LinkedHashMap<>();
      Map<Identifier, List<StoredEvent>> events = new java.util.LinkedHashMap<>();
      for (Identifier id : identifiers) {
        owner.put(id, s.owner(id));
        events.put(id, s.events(List.of(id)));
      }
      Map<String, Boolean> contains = new java.util.LinkedHashMap<>();
      eventIds.forEach(id -> contains.put(id, s.containsEvent(id)));
      OwnedProfiles owned = s.ownedProfiles(identifiers);
      Set<StoredEvent> all;
      try (Stream<StoredEvent> stream = s.allEvents()) {
        all = stream.collect(Collectors.toSet());
      }
      return new Snapshot(s.profiles(Optional.empty(), Integer.MAX_VALUE), s.profileCount(), owner,
          Map.copyOf(owned.owners()), Map.copyOf(owned.profiles()), events, all, s.eventCount(), contains);
    }
  }

  @Test
  void readAhead_nullArguments_throwNamingThem() {
    InMemoryStorage storage = new InMemoryStorage();
    assertThatNullPointerException().isThrownBy(() -> storage.readAhead(null, List.of())).withMessage("identifiers");
    assertThatNullPointerException().isThrownBy(() -> storage.readAhead(List.of(), null)).withMessage("eventIds");
  }

  @Test
  void readAhead_groupLargerThanAChunk_readsEveryKeyAndKeepsNothing() {
    InMemoryStorage storage = new InMemoryStorage();
    List<Identifier> ids = new ArrayList<>();
    List<String> eventIds = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Identifier id = Identifier.of(IdentifierType.EMAIL, "u" + i + "@example.com");
      ids.add(id);
      eventIds.add("e-" + i);
      ProfileId p = ProfileId.of("p-" + i);
      Profile profile = Profile.builder(p, T0).putIdentifier(IdentifierState.firstSeen(id, T0, true, "test")).version(1).build();
      storage.commit(Commit.builder().putProfile(profile, 0).assign(id, Optional.empty(), p)
          .append(new StoredEvent(Event.builder("e-" + i, "login", T0).identifier(id).build(), id)).build());
    }
    Snapshot before = Snapshot.of(storage, ids, eventIds);

    storage.readAhead(ids, eventIds);

    assertThat(InMemoryStorage.lookaheadReferences()).isZero();
    assertThat(Snapshot.of(storage, ids, eventIds)).isEqualTo(before);
  }

  /**
   * Writers commit on their own identifiers and profiles (so the final state does not depend on
   * how their commits interleave): new profiles and identifiers that grow the tables, events,
   * unlinks and deletions that shrink them, erasures that take every stripe. Meanwhile readers
   * loop read-ahead over the same keys and more. No read-ahead fails, and the final state is the
   * one the same commits leave in a store that never reads ahead.
   */
  @Test
  @Timeout(60)
  void readAhead_whileCommitsResizeAndErase_neverFailsAndChangesNothing() throws Exception {
    int writers = 2;
    int readers = 2;
    int rounds = 1500;
    InMemoryStorage hinted = new InMemoryStorage();
    List<List<Commit>> perWriter = new ArrayList<>();
    List<Identifier> everything = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      List<Commit> commits = new ArrayList<>();
      writerCommits(w, rounds, commits, everything);
      perWriter.add(commits);
    }
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    // The writers start once every reader is reading ahead, so readers and commits overlap even
    // when a loaded machine schedules the readers late (they could miss the commits entirely).
    CountDownLatch readersRunning = new CountDownLatch(readers);
    List<Thread> threads = new ArrayList<>();
    long[] aheads = new long[readers];
    for (int r = 0; r < readers; r++) {
      int reader = r;
      threads.add(new Thread(() -> {
        Random random = new Random(reader);
        List<Identifier> group = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try {
          start.await();
          while (!done.get()) {
            group.clear();
            ids.clear();
            for (int i = 0; i < 57; i++) {
              group.add(everything.get(random.nextInt(everything.size())));
            }
            for (int i = 0; i < 32; i++) {
              ids.add("w" + random.nextInt(writers) + "-e" + random.nextInt(rounds * 2));
            }
            hinted.readAhead(group, ids);
            aheads[reader]++;
            readersRunning.countDown();
          }
          assertThat(InMemoryStorage.lookaheadReferences()).isZero();
        } catch (Throwable t) {
          failures.add(t);
        } finally {
          readersRunning.countDown(); // a reader that failed first must not hold the writers back
        }
      }, "read-ahead-" + r));
    }
    for (int w = 0; w < writers; w++) {
      List<Commit> commits = perWriter.get(w);
      threads.add(new Thread(() -> {
        try {
          start.await();
          readersRunning.await();
          for (Commit c : commits) {
            hinted.commit(c);
          }
        } catch (Throwable t) {
          failures.add(t);
        }
      }, "writer-" + w));
    }
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread t : threads.subList(readers, threads.size())) {
      t.join(TimeUnit.SECONDS.toMillis(50));
    }
    done.set(true);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertThat(failures).isEmpty();
    assertThat(aheads).as("read-aheads per reader").doesNotContain(0L);

    InMemoryStorage plain = new InMemoryStorage();
    for (List<Commit> commits : perWriter) {
      commits.forEach(plain::commit);
    }
    List<String> ids = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < rounds * 2; i++) {
        ids.add("w" + w + "-e" + i);
      }
    }
    assertThat(Snapshot.of(hinted, everything, ids)).isEqualTo(Snapshot.of(plain, everything, ids));
  }

  /**
   * Writer {@code w}'s commits over its own keys: each round creates a profile with a new
   * identifier (some of one colliding hash, to overflow) and stores two events; every third round
   * deletes an earlier profile and unlinks its identifier, every fifth erases an earlier
   * identifier's events.
   */
  private static void writerCommits(int w, int rounds, List<Commit> out, List<Identifier> everything) {
    List<Identifier> ids = new ArrayList<>();
    int event = 0;
    for (int i = 0; i < rounds; i++) {
      Identifier id = i % 50 == 0
          ? Identifier.of(IdentifierType.CUSTOMER_ID, "w" + w + colliding(i / 50))
          : Identifier.of(IdentifierType.EMAIL, "w" + w + "-" + i + "@example.com");
      ids.add(id);
      everything.add(id);
      ProfileId p = ProfileId.of("w" + w + "-p" + i);
      Profile profile = Profile.builder(p, T0).putIdentifier(IdentifierState.firstSeen(id, T0, true, "test")).version(1).build();
      out.add(Commit.builder().putProfile(profile, 0).assign(id, Optional.empty(), p)
          .append(new StoredEvent(Event.builder("w" + w + "-e" + event++, "login", T0).identifier(id).build(), id))
          .append(new StoredEvent(Event.builder("w" + w + "-e" + event++, "login", T0.plusSeconds(i)).identifier(id).build(), id))
          .build());
      if (i % 3 == 2) {
        int gone = i - 2;
        ProfileId q = ProfileId.of("w" + w + "-p" + gone);
        out.add(Commit.builder().deleteProfile(q, 1).unassign(ids.get(gone), q).build());
      }
      if (i % 5 == 4) {
        out.add(Commit.builder().eraseEvents(ids.get(i - 1)).build());
      }
    }
  }
}
