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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The striped locks of {@link InMemoryStorage}: commits over different stripes run in parallel
 * while merges and splits move identifiers across stripes.
 *
 * <p>Each profile carries a counter ({@link Profile#eventCount()}). Updaters add one to the owner
 * of a random identifier and append an event anchored there; a merger joins two profiles (the
 * survivor takes the loser's identifiers and counter) or splits one identifier off into a new
 * profile with counter 0. Neither changes the sum of the counters, so every consistent state has
 * as sum the number of updates committed before it: a reader that ever sees the sum go down, an
 * identifier without owner, an owner without profile, or a profile whose identifiers differ from
 * the ones the index gives it, saw part of a commit. At the end the sum and the stored events
 * must both equal the updates committed (no lost update, no lost event).
 */
class InMemoryStorageStripesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final int PROFILES = 16;
  private static final int IDENTIFIERS_EACH = 4;
  private static final int UPDATERS = 2;
  private static final int UPDATES_EACH = 3_000;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void commit_parallelUpdatesWithMergesAndSplitsAcrossStripes_loseNothingAndReadersSeeWholeCommits() throws Exception {
    InMemoryStorage storage = new InMemoryStorage();
    List<Identifier> all = new ArrayList<>();
    AtomicLong profileIds = new AtomicLong();
    for (int p = 0; p < PROFILES; p++) {
      Profile.Builder b = Profile.builder(ProfileId.of("p-" + profileIds.incrementAndGet()), T0);
      Commit.Builder commit = Commit.builder();
      for (int i = 0; i < IDENTIFIERS_EACH; i++) {
        Identifier id = Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + p + "-" + i);
        all.add(id);
        b.putIdentifier(IdentifierState.firstSeen(id, T0, true, "test"));
        commit.assign(id, Optional.empty(), b.id());
      }
      storage.commit(commit.putProfile(b.version(1).build(), 0).build());
    }
    // The test is about stripes: the identifiers and profiles must spread over many of them.
    Set<Integer> stripes = new HashSet<>();
    all.forEach(id -> stripes.add(InMemoryStorage.stripeOf(id)));
    assertThat(stripes).hasSizeGreaterThan(20);

    AtomicLong committedUpdates = new AtomicLong();
    AtomicLong merges = new AtomicLong();
    AtomicLong splits = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(UPDATERS + 3);
    try {
      List<Future<?>> updaters = new ArrayList<>();
      for (int t = 0; t < UPDATERS; t++) {
        int thread = t;
        updaters.add(pool.submit(() -> {
          start.await();
          Random random = new Random(31L * thread + 7);
          // At least UPDATES_EACH updates, and on until the merger has committed a merge and a
          // split: on a loaded machine it may get a core only late, and the point is that they
          // run while updates do (bounded, so a merger that never succeeds fails below).
          for (int n = 0; n < UPDATES_EACH || ((merges.get() == 0 || splits.get() == 0) && n < 50 * UPDATES_EACH); n++) {
            update(storage, all.get(random.nextInt(all.size())), "e-" + thread + "-" + n);
            committedUpdates.incrementAndGet();
          }
          return null;
        }));
      }
      Future<?> merger = pool.submit(() -> {
        start.await();
        Random random = new Random(99);
        while (!done.get()) {
          if (random.nextBoolean()) {
            if (merge(storage, all.get(random.nextInt(all.size())), all.get(random.nextInt(all.size())))) {
              merges.incrementAndGet();
            }
          } else if (split(storage, all.get(random.nextInt(all.size())), profileIds)) {
            splits.incrementAndGet();
          }
        }
        return null;
      });
      Future<?> indexReader = pool.submit(() -> {
        start.await();
        long lastSum = 0;
        while (!done.get()) {
          // Committed before the read starts, so the state read holds at least these.
          long before = committedUpdates.get();
          OwnedProfiles read = storage.ownedProfiles(all);
          assertThat(read.owners().keySet()).as("every identifier has an owner").containsExactlyInAnyOrderElementsOf(all);
          assertThat(read.missingProfile()).as("every owner has a profile").isEmpty();
          Map<ProfileId, Set<Identifier>> byOwner = new HashMap<>();
          read.owners().forEach((id, owner) -> byOwner.computeIfAbsent(owner, k -> new HashSet<>()).add(id));
          long sum = 0;
          for (Profile p : read.profiles().values()) {
            assertThat(identifiersOf(p)).as("identifiers of %s", p.id()).isEqualTo(byOwner.get(p.id()));
            sum += p.eventCount();
          }
          assertThat(sum).as("sum of counters").isGreaterThanOrEqualTo(Math.max(lastSum, before));
          lastSum = sum;
        }
        return null;
      });
      Future<?> pageReader = pool.submit(() -> {
        start.await();
        long lastSum = 0;
        while (!done.get()) {
          long before = committedUpdates.get();
          List<Profile> page = storage.profiles(Optional.empty(), Integer.MAX_VALUE);
          Set<Identifier> held = new HashSet<>();
          long sum = 0;
          for (Profile p : page) {
            for (Identifier id : identifiersOf(p)) {
              assertThat(held.add(id)).as("identifier on two profiles of one page").isTrue();
            }
            sum += p.eventCount();
          }
          assertThat(held).as("identifiers of one page").isEqualTo(Set.copyOf(all));
          assertThat(sum).as("sum of counters on a page").isGreaterThanOrEqualTo(Math.max(lastSum, before));
          lastSum = sum;
        }
        return null;
      });
      start.countDown();
      for (Future<?> u : updaters) {
        u.get();
      }
      done.set(true);
      merger.get();
      indexReader.get();
      pageReader.get();
    } finally {
      done.set(true);
      pool.shutdownNow();
    }

    long updates = committedUpdates.get();
    assertThat(updates).isGreaterThanOrEqualTo((long) UPDATERS * UPDATES_EACH);
    assertThat(merges.get()).as("merges committed").isPositive();
    assertThat(splits.get()).as("splits committed").isPositive();
    List<Profile> profiles = storage.profiles(Optional.empty(), Integer.MAX_VALUE);
    assertThat(profiles.stream().mapToLong(Profile::eventCount).sum()).as("no lost update").isEqualTo(updates);
    assertThat(storage.profileCount()).isEqualTo(profiles.size());
    assertThat(storage.eventCount()).as("no lost event").isEqualTo(updates);
    assertThat(storage.allEvents().count()).isEqualTo(updates);
    assertThat(storage.events(all)).hasSize((int) updates);
    for (int t = 0; t < UPDATERS; t++) {
      for (int n = 0; n < UPDATES_EACH; n++) {
        assertThat(storage.containsEvent("e-" + t + "-" + n)).isTrue();
      }
    }
    Map<Identifier, ProfileId> owners = storage.owners(all);
    for (Profile p : profiles) {
      for (Identifier id : identifiersOf(p)) {
        assertThat(owners.get(id)).isEqualTo(p.id());
        assertThat(storage.owner(id)).contains(p.id());
      }
    }
    assertThat(owners.keySet()).containsExactlyInAnyOrderElementsOf(all);
  }

  @Test
  void commit_afterReadWhoseProfileWasDeletedAndCreatedAgain_writesTheLiveProfile() {
    // A commit takes the cell its thread's last read found; here that cell died meanwhile.
    InMemoryStorage storage = new InMemoryStorage();
    Identifier x = Identifier.of(IdentifierType.CUSTOMER_ID, "c-x");
    ProfileId id = ProfileId.of("p-1");
    storage.commit(Commit.builder().putProfile(withCounter(id, x, 1, 5), 0).assign(x, Optional.empty(), id).build());
    assertThat(storage.ownedProfiles(List.of(x)).profile(id)).isPresent();
    storage.commit(Commit.builder().deleteProfile(id, 1).build());
    storage.commit(Commit.builder().putProfile(withCounter(id, x, 1, 7), 0).build());

    storage.commit(Commit.builder().putProfile(withCounter(id, x, 2, 8), 1).build());

    assertThat(storage.profile(id)).hasValueSatisfying(p -> {
      assertThat(p.version()).isEqualTo(2);
      assertThat(p.eventCount()).isEqualTo(8);
    });
    assertThat(storage.ownedProfiles(List.of(x)).profile(id).map(Profile::eventCount)).contains(8L);
  }

  @Test
  void commit_afterReadingAnotherStoreWithTheSameProfileId_writesOnlyItsOwnStore() {
    Identifier x = Identifier.of(IdentifierType.CUSTOMER_ID, "c-x");
    ProfileId id = ProfileId.of("p-1");
    InMemoryStorage first = holdingOneProfile(id, x);
    InMemoryStorage second = holdingOneProfile(id, x);
    assertThat(first.ownedProfiles(List.of(x)).profile(id)).isPresent();

    second.commit(Commit.builder().putProfile(withCounter(id, x, 2, 2), 1).build());

    assertThat(first.profile(id).map(Profile::version)).contains(1L);
    assertThat(second.profile(id).map(Profile::version)).contains(2L);
  }

  @Test
  void perThreadScratch_isOneForAllStores_andForgetsADroppedStoresCells() throws Exception {
    Identifier x = Identifier.of(IdentifierType.CUSTOMER_ID, "c-x");
    ProfileId id = ProfileId.of("p-1");
    InMemoryStorage first = holdingOneProfile(id, x);
    InMemoryStorage second = holdingOneProfile(id, x);
    java.lang.reflect.Field field = InMemoryStorage.class.getDeclaredField("SCRATCH");
    field.setAccessible(true);
    ThreadLocal<?> scratch = (ThreadLocal<?>) field.get(null);
    java.lang.reflect.Field recent = scratch.get().getClass().getDeclaredField("recent");
    recent.setAccessible(true);

    first.ownedProfiles(List.of(x)); // remembers first's cell of p-1
    Object[] cells = (Object[]) recent.get(scratch.get());
    assertThat(java.util.Arrays.stream(cells).filter(java.util.Objects::nonNull)).hasSize(1);
    Object firstsCell = java.util.Arrays.stream(cells).filter(java.util.Objects::nonNull).findFirst().orElseThrow();

    second.profileCount(); // another store's read takes the thread's scratch over
    assertThat((Object[]) recent.get(scratch.get())).doesNotContain(firstsCell);
  }

  /** A new store holding profile {@code id} (version 1) that owns {@code x}. */
  private static InMemoryStorage holdingOneProfile(ProfileId id, Identifier x) {
    InMemoryStorage s = new InMemoryStorage();
    s.commit(Commit.builder().putProfile(withCounter(id, x, 1, 1), 0).assign(x, Optional.empty(), id).build());
    return s;
  }

  private static Profile withCounter(ProfileId id, Identifier x, long version, long counter) {
    return Profile.builder(id, T0).putIdentifier(IdentifierState.firstSeen(x, T0, true, "test"))
        .eventCount(counter).version(version).build();
  }

  /** Adds one to the counter of {@code id}'s owner and stores an event anchored at {@code id}. */
  private static void update(InMemoryStorage storage, Identifier id, String eventId) {
    Event event = Event.builder(eventId, "pageview", T0).identifier(id).build();
    while (true) {
      OwnedProfiles read = storage.ownedProfiles(List.of(id));
      Optional<Profile> owner = read.owners().isEmpty() ? Optional.empty() : read.profile(read.owners().get(id));
      if (owner.isEmpty()) {
        throw new AssertionError("identifier without owner or profile: " + read);
      }
      Profile p = owner.get();
      try {
        storage.commit(Commit.builder()
            .putProfile(p.toBuilder().eventCount(p.eventCount() + 1).version(p.version() + 1).build(), p.version())
            .append(new StoredEvent(event, id))
            .build());
        return;
      } catch (CommitConflictException e) {
        // changed meanwhile: read again
      }
    }
  }

  /** Merges the owners of {@code a} and {@code b} if they differ; false if they do not or it conflicted. */
  private static boolean merge(InMemoryStorage storage, Identifier a, Identifier b) {
    OwnedProfiles read = storage.ownedProfiles(List.of(a, b));
    ProfileId sa = read.owners().get(a);
    ProfileId sb = read.owners().get(b);
    if (sa == null || sb == null || sa.equals(sb) || read.missingProfile().isPresent()) {
      return false;
    }
    Profile survivor = read.profiles().get(sa);
    Profile loser = read.profiles().get(sb);
    Profile.Builder merged = survivor.toBuilder().eventCount(survivor.eventCount() + loser.eventCount());
    Commit.Builder commit = Commit.builder().deleteProfile(loser.id(), loser.version());
    for (IdentifierState s : loser.identifiers()) {
      merged.putIdentifier(s);
      commit.assign(s.identifier(), Optional.of(loser.id()), survivor.id());
    }
    commit.putProfile(merged.version(survivor.version() + 1).build(), survivor.version());
    commit.logMerge(new MergeRecord(
        "m-" + loser.id().value() + "-" + survivor.id().value() + "-" + survivor.version(), MergeRecord.Kind.MERGE, T0,
        survivor.id(), List.of(new MergeRecord.Side(loser.id(), identifiersOf(loser), List.of())),
        Optional.empty(), List.of(a, b), Optional.empty(), "test merge"));
    try {
      storage.commit(commit.build());
      return true;
    } catch (CommitConflictException e) {
      return false;
    }
  }

  /** Moves {@code id} to a new profile with counter 0, if its owner holds more than it. */
  private static boolean split(InMemoryStorage storage, Identifier id, AtomicLong profileIds) {
    OwnedProfiles read = storage.ownedProfiles(List.of(id));
    ProfileId ownerId = read.owners().get(id);
    Profile owner = ownerId == null ? null : read.profiles().get(ownerId);
    if (owner == null || owner.identifiers().size() < 2) {
      return false;
    }
    IdentifierState state = owner.identifiers().stream().filter(s -> s.identifier().equals(id)).findFirst().orElseThrow();
    Profile fresh = Profile.builder(ProfileId.of("p-" + profileIds.incrementAndGet()), T0).putIdentifier(state).version(1).build();
    try {
      storage.commit(Commit.builder()
          .putProfile(owner.toBuilder().removeIdentifier(id).version(owner.version() + 1).build(), owner.version())
          .putProfile(fresh, 0)
          .assign(id, Optional.of(owner.id()), fresh.id())
          .build());
      return true;
    } catch (CommitConflictException e) {
      return false;
    }
  }

  private static Set<Identifier> identifiersOf(Profile p) {
    Set<Identifier> out = new HashSet<>();
    p.identifiers().forEach(s -> out.add(s.identifier()));
    return out;
  }
}
