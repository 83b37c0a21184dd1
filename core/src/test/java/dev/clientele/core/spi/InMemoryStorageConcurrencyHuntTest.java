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
import java.util.HashSet;
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
import org.junit.jupiter.api.Test;

/**
 * Hunt: two writers commit on overlapping stripes (their identifiers and profile ids collide in
 * {@code hashCode()} or were picked to share a stripe, so they share stripes, probe runs and
 * overflow maps, but no key) while a third thread pages {@link InMemoryStorage#profiles}, reads
 * ahead and reads owners and profiles, counts and timelines. Each writer owns groups of three
 * identifiers, always held together by one profile that holds exactly their states: a commit
 * updates that profile, or moves the group to a new profile and deletes the old one (as a merge
 * does), appending an event, and now and then erases the events of one of them; a third of the
 * second writer's commits first fail at a random step (the fault hook) and are taken back, and all
 * its erasures fail after their removals (made again without the erasure), so every event it
 * committed must be in each later {@link InMemoryStorage#allEvents()}. So a reader that
 * sees a group split between two owners, an owner without its profile, a group held by no profile
 * or by two in one page, or a profile count other than the constant one, saw half a commit (or part
 * of a failed one). The
 * store folds its logs after every change or two, so folds run between and during pages.
 * Afterwards the store must equal the union of the writers' models: their keys are disjoint, so
 * their commits commute and the serial order among them does not matter (and none may conflict).
 */
class InMemoryStorageConcurrencyHuntTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final int GROUPS = 3;
  private static final int STABLE = 12;

  @Test
  void twoWritersAndAReader_readerNeverSeesHalfACommit_storeEndsAsTheWritersModels() throws Exception {
    for (long seed = 1; seed <= 3; seed++) {
      run(seed, 1200);
    }
  }

  /** One writer's keys and its serial model. */
  private static final class Writer {
    final int w;
    final List<List<Identifier>> groups = new ArrayList<>();
    final List<ProfileId> holders = new ArrayList<>();
    final List<ProfileId> freshIds = new ArrayList<>();
    final InMemoryStorageHuntPropertiesTest.Model model = new InMemoryStorageHuntPropertiesTest.Model();
    int nextFresh;
    int nextEvent;
    /** Writer 1's events {@code w1-e-0} up to this (exclusive) are committed, and never erased. */
    volatile int committedEvents;
    int nextRecord;

    Writer(int w) {
      this.w = w;
    }

    ProfileId freshId() {
      // Colliding ids first (all of them share one hash with the other writer's), then plain ones.
      return nextFresh < freshIds.size() ? freshIds.get(nextFresh++) : ProfileId.of("w" + w + "-p-" + nextFresh++);
    }
  }

  /** Thrown by the fault hook in writer 1's commits. */
  private static final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailure() {
      super("injected", null, false, false);
    }
  }

  private static Profile holding(ProfileId id, long version, List<Identifier> group) {
    Profile.Builder b = Profile.builder(id, T0).version(version);
    group.forEach(i -> b.putIdentifier(IdentifierState.firstSeen(i, T0, true, "hunt")));
    return b.build();
  }

  private void run(long seed, int commitsPerWriter) throws Exception {
    InMemoryStorage store = new InMemoryStorage(1);
    Writer[] writers = {new Writer(0), new Writer(1)};
    int stripe = InMemoryStorage.stripeOf(Identifier.of(IdentifierType.ANONYMOUS_ID, "s-0"));
    List<Identifier> sameStripe = new ArrayList<>();
    for (int k = 0; sameStripe.size() < 4 * GROUPS; k++) {
      Identifier a = Identifier.of(IdentifierType.ANONYMOUS_ID, "s-" + k);
      if (InMemoryStorage.stripeOf(a) == stripe) {
        sameStripe.add(a);
      }
    }
    for (Writer wr : writers) {
      for (int g = 0; g < GROUPS; g++) {
        int n = wr.w + 2 * g; // writer 0 even, writer 1 odd: one hash for all
        List<Identifier> group = List.of(
            Identifier.of(IdentifierType.CUSTOMER_ID, InMemoryStorageHuntPropertiesTest.colliding(n)),
            sameStripe.get(wr.w + 2 * g),
            Identifier.of(IdentifierType.EMAIL, "w" + wr.w + "g" + g + "@example.com"));
        wr.groups.add(group);
      }
      for (int k = 0; k < 40; k++) {
        wr.freshIds.add(ProfileId.of("p" + InMemoryStorageHuntPropertiesTest.colliding(100 + 2 * k + wr.w)));
      }
    }
    // Set-up, single-threaded: the stable profiles and each group's first holder.
    Set<ProfileId> stable = new HashSet<>();
    for (int k = 0; k < STABLE; k++) {
      ProfileId p = ProfileId.of((k % 2 == 0 ? "p" : "w") + k + "-stable");
      stable.add(p);
      store.commit(Commit.builder().putProfile(holding(p, 1, List.of()), 0).build());
    }
    for (Writer wr : writers) {
      for (List<Identifier> group : wr.groups) {
        ProfileId h = wr.freshId();
        Commit.Builder b = Commit.builder().putProfile(holding(h, 1, group), 0);
        group.forEach(i -> b.assign(i, Optional.empty(), h));
        Commit c = b.build();
        store.commit(c);
        wr.model.apply(c);
        wr.holders.add(h);
      }
    }
    long profiles = STABLE + 2L * GROUPS;

    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    // Writers begin once the reader has read once, so that it reads while they write however the
    // threads are scheduled (on a loaded machine it could otherwise start after they end).
    CountDownLatch firstRead = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (Writer wr : writers) {
      threads.add(new Thread(() -> {
        try {
          start.await();
          assertThat(firstRead.await(60, TimeUnit.SECONDS)).as("the reader's first read").isTrue();
          write(store, wr, new Random(seed * 31 + wr.w), commitsPerWriter);
        } catch (Throwable t) {
          failures.add(t);
        }
      }, "hunt-writer-" + wr.w));
    }
    List<List<Identifier>> allGroups = new ArrayList<>();
    for (Writer wr : writers) {
      allGroups.addAll(wr.groups);
    }
    int[] reads = {0};
    Thread reader = new Thread(() -> {
      try {
        start.await();
        Random random = new Random(seed);
        while (!done.get()) {
          read(store, allGroups, stable, profiles, writers[1], random);
          reads[0]++;
          firstRead.countDown();
        }
      } catch (Throwable t) {
        failures.add(t);
      } finally {
        firstRead.countDown(); // a failed first read must not hold the writers for a minute
      }
    }, "hunt-reader");
    threads.forEach(Thread::start);
    reader.start();
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(t.isAlive()).as("writer still running").isFalse();
    }
    done.set(true);
    reader.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(failures).isEmpty();
    assertThat(reads[0]).isPositive();

    // The store is the union of the writers' models (and the stable profiles).
    InMemoryStorageHuntPropertiesTest.Model union = new InMemoryStorageHuntPropertiesTest.Model();
    for (Writer wr : writers) {
      union.profiles.putAll(wr.model.profiles);
      union.index.putAll(wr.model.index);
      union.events.putAll(wr.model.events);
      union.log.addAll(wr.model.log);
    }
    for (ProfileId p : stable) {
      union.profiles.put(p, holding(p, 1, List.of()));
    }
    assertThat(store.profiles(Optional.empty(), Integer.MAX_VALUE)).containsExactlyElementsOf(union.profiles.values());
    assertThat(store.profileCount()).isEqualTo(union.profiles.size());
    assertThat(store.eventCount()).isEqualTo(union.events.size());
    for (List<Identifier> group : allGroups) {
      for (Identifier i : group) {
        assertThat(store.owner(i)).isEqualTo(Optional.ofNullable(union.index.get(i)));
        List<StoredEvent> at = union.events.values().stream().filter(e -> e.anchor().equals(i))
            .sorted(StoredEvent.TIMELINE_ORDER).toList();
        assertThat(store.events(List.of(i))).containsExactlyElementsOf(at);
      }
    }
    try (Stream<StoredEvent> all = store.allEvents()) {
      assertThat(all.toList()).containsExactlyInAnyOrderElementsOf(union.events.values());
    }
    List<MergeRecord> log = new ArrayList<>();
    store.forEachMergeRecord(log::add);
    assertThat(log).containsExactlyInAnyOrderElementsOf(union.log);
    for (Writer wr : writers) { // each writer's records in its own order
      assertThat(log.stream().filter(wr.model.log::contains).toList()).containsExactlyElementsOf(wr.model.log);
    }
    assertThat(store.locksHeld()).isFalse();
  }

  /** A writer's commits: update, move to a new profile (with a merge record), erase one identifier's events. */
  private static void write(InMemoryStorage store, Writer wr, Random random, int commits) {
    for (int n = 0; n < commits; n++) {
      int g = random.nextInt(GROUPS);
      List<Identifier> group = wr.groups.get(g);
      ProfileId h = wr.holders.get(g);
      Profile current = wr.model.profiles.get(h);
      Commit.Builder b = Commit.builder();
      int kind = random.nextInt(10);
      if (kind < 4) {
        b.putProfile(holding(h, current.version() + 1, group), current.version());
      } else if (kind < 9) {
        ProfileId next = wr.freshId();
        b.putProfile(holding(next, 1, group), 0).deleteProfile(h, current.version());
        group.forEach(i -> b.assign(i, Optional.of(h), next));
        if (random.nextBoolean()) {
          b.logMerge(new MergeRecord("w" + wr.w + "-m-" + wr.nextRecord++, MergeRecord.Kind.MERGE, T0, next,
              List.of(new MergeRecord.Side(h, Set.copyOf(group), List.of())), Optional.empty(), List.of(), Optional.empty(), "hunt"));
        }
        wr.holders.set(g, next);
      } else {
        b.putProfile(holding(h, current.version() + 1, group), current.version());
        if (wr.w == 1) { // writer 1's erasures always fail (after their removals) and are made again without it
          Identifier anchor = group.get(random.nextInt(group.size()));
          StoredEvent e = nextEvent(wr, group, random);
          Commit erasing = Commit.builder().putProfile(holding(h, current.version() + 1, group), current.version())
              .eraseEvents(anchor).append(e).build();
          Thread me = Thread.currentThread();
          store.faultHook = step -> {
            if (Thread.currentThread() == me && step.equals("applied")) {
              throw new InjectedFailure();
            }
          };
          try {
            store.commit(erasing);
            throw new AssertionError("the erasure should have failed");
          } catch (InjectedFailure expected) {
            // taken back
          } finally {
            store.faultHook = null;
          }
          Commit c = b.append(e).build();
          store.commit(c);
          wr.model.apply(c);
          wr.committedEvents = wr.nextEvent;
          continue;
        }
        b.eraseEvents(group.get(random.nextInt(group.size())));
      }
      b.append(nextEvent(wr, group, random));
      Commit c = b.build();
      if (wr.w == 1 && random.nextInt(3) == 0) { // writer 1: a commit that fails at a random step first
        int failAt = random.nextInt(30);
        int[] steps = {0};
        Thread me = Thread.currentThread();
        store.faultHook = step -> {
          if (Thread.currentThread() == me && steps[0]++ == failAt) {
            throw new InjectedFailure();
          }
        };
        try {
          store.commit(c);
          wr.model.apply(c);
          wr.committedEvents = wr.nextEvent;
          continue;
        } catch (InjectedFailure expected) {
          // taken back: made again below
        } finally {
          store.faultHook = null;
        }
      }
      store.commit(c); // keys are the writer's own: never a conflict
      wr.model.apply(c);
      wr.committedEvents = wr.nextEvent;
    }
  }

  /** The writer's next event, anchored at one identifier of {@code group}. */
  private static StoredEvent nextEvent(Writer wr, List<Identifier> group, Random random) {
    Identifier anchor = group.get(random.nextInt(group.size()));
    String id = "w" + wr.w + "-e-" + wr.nextEvent++;
    return new StoredEvent(Event.builder(id, "pageview", T0.plusSeconds(random.nextInt(100))).identifier(anchor).build(), anchor);
  }

  /** One round of the reader's checks; each read must show whole commits only. */
  private static void read(
      InMemoryStorage store, List<List<Identifier>> groups, Set<ProfileId> stable, long profiles, Writer writer1, Random random) {
    List<Identifier> group = groups.get(random.nextInt(groups.size()));
    switch (random.nextInt(6)) {
      case 0 -> { // the whole store in one page
        List<Profile> page = store.profiles(Optional.empty(), Integer.MAX_VALUE);
        assertThat(page).hasSize((int) profiles);
        for (List<Identifier> g : groups) {
          long holders = page.stream().filter(p -> p.identifierCount() > 0 && p.identifier(g.get(0)).isPresent()).count();
          assertThat(holders).as("profiles holding a group in one page").isEqualTo(1);
        }
      }
      case 1 -> { // a scan in small pages: every stable profile exactly once, ids ascending
        Optional<ProfileId> after = Optional.empty();
        List<ProfileId> seen = new ArrayList<>();
        int limit = 1 + random.nextInt(4);
        while (true) {
          List<Profile> page = store.profiles(after, limit);
          page.forEach(p -> seen.add(p.id()));
          if (page.size() < limit) {
            break;
          }
          after = Optional.of(page.get(page.size() - 1).id());
        }
        for (int k = 1; k < seen.size(); k++) {
          assertThat(seen.get(k)).as("scan order").isGreaterThan(seen.get(k - 1));
        }
        assertThat(seen.stream().filter(stable::contains).count()).as("stable profiles visited").isEqualTo(stable.size());
      }
      case 2 -> assertThat(store.profileCount()).isEqualTo(profiles);
      case 3 -> { // every event of writer 1 committed before the call (its erasures all fail) is returned
        int before = writer1.committedEvents;
        Set<String> ids;
        try (Stream<StoredEvent> all = store.allEvents()) {
          ids = all.map(e -> e.event().id()).collect(Collectors.toSet());
        }
        for (int k = 0; k < before; k++) {
          assertThat(ids).as("writer 1's events in allEvents()").contains("w1-e-" + k);
        }
      }
      default -> { // read ahead (sometimes), then the owners and profiles of a group
        if (random.nextBoolean()) {
          List<Identifier> hint = new ArrayList<>(group);
          hint.addAll(groups.get(random.nextInt(groups.size())));
          store.readAhead(hint, List.of("w0-e-" + random.nextInt(500), "w1-e-" + random.nextInt(500)));
        }
        OwnedProfiles read = store.ownedProfiles(group);
        Set<ProfileId> owners = new HashSet<>(read.owners().values());
        assertThat(read.owners()).as("every identifier of a group owned").hasSize(group.size());
        assertThat(owners).as("one owner per group").hasSize(1);
        Profile p = read.profiles().get(owners.iterator().next());
        assertThat(p).as("the owner's profile").isNotNull();
        assertThat(p.identifiers().stream().map(IdentifierState::identifier).collect(Collectors.toSet()))
            .isEqualTo(new HashSet<>(group));
        for (StoredEvent e : store.events(group)) {
          assertThat(group).contains(e.anchor());
        }
        Map<Identifier, ProfileId> again = store.owners(group);
        assertThat(new HashSet<>(again.values())).hasSize(1);
      }
    }
  }
}
