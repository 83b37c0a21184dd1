package dev.clientele.tck;

import static dev.clientele.tck.StorageFixtures.create;
import static dev.clientele.tck.StorageFixtures.customerId;
import static dev.clientele.tck.StorageFixtures.email;
import static dev.clientele.tck.StorageFixtures.event;
import static dev.clientele.tck.StorageFixtures.next;
import static dev.clientele.tck.StorageFixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.EventStore;
import dev.clientele.core.spi.IdentityIndex;
import dev.clientele.core.spi.MergeLog;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.OwnedProfiles;
import dev.clientele.core.spi.ProfileStore;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance tests of the storage SPI: every contract written in the Javadoc of
 * {@link Storage} (including {@link Storage#ownedProfiles}), {@link ProfileStore}, {@link IdentityIndex},
 * {@link EventStore}, {@link dev.clientele.core.spi.TombstoneStore}, {@link MergeLog} and {@link Commit}
 * that a test can check (versions that jump included), and the merge-record redactions,
 * which the backend must apply and declare ({@link Storage#redactsMergeRecordsInPlace()}). A
 * backend proves itself by extending this class:
 *
 * <pre>{@code
 * final class MyStorageTest extends StorageContract {
 *   @Override
 *   protected Storage newStorage() {
 *     return new MyStorage(freshDatabase());
 *   }
 * }
 * }</pre>
 *
 * <p>Each test gets its own storage from {@link #newStorage()}, which must be empty, and closes
 * it afterwards. A backend whose data other instances can share (a database) also overrides
 * {@link #sharingStorage()}; the tests of two instances are skipped without it. The whole class
 * runs in a few seconds against the in-memory store; the concurrency tests bound their own
 * running time.
 */
public abstract class StorageContract {
  /** Threads used by the concurrency tests. */
  protected static final int THREADS = 4;

  /** The storage under test, fresh for each test. */
  protected Storage storage;

  /** Returns a new, empty storage; called once per test. */
  protected abstract Storage newStorage();

  /**
   * Commits per thread in the read-modify-write concurrency test: 2000 by default. A backend
   * whose commits take milliseconds (a database that syncs to disk) may return less, down to
   * 100, to keep the suite within its time limits.
   */
  protected int operationsPerThread() {
    return 2000;
  }

  /**
   * Another storage on the data of {@link #storage}, as a second process or node sharing the
   * backend would open it, or {@code null} (the default) when the backend keeps its data to
   * itself (the in-memory store). Called at most once per test, after {@link #newStorage()}; the
   * kit closes what it returns. The tests that need it are skipped without one: they check what
   * the SPI promises of a store that others write to as well (that {@code hasTombstones} reads a
   * {@code false} again, that no read answers from an instance's memory of an earlier state, that
   * version checks hold across instances).
   */
  protected Storage sharingStorage() {
    return null;
  }

  @BeforeEach
  final void openStorage() {
    storage = newStorage();
    assertThat(storage.profileCount()).as("a new storage must be empty").isZero();
    assertThat(storage.eventCount()).as("a new storage must be empty").isZero();
  }

  @AfterEach
  final void closeStorage() throws Exception {
    try {
      if (other != null) {
        other.close();
      }
    } finally {
      other = null;
      if (storage != null) {
        storage.close();
      }
    }
  }

  /** The {@link #sharingStorage()} of this test, once asked for. */
  private Storage other;

  /** {@link #sharingStorage()}, made on the first call of a test; skips the test if there is none. */
  private Storage other() {
    if (other == null) {
      other = sharingStorage();
      org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "the backend shares its data with no other instance");
    }
    return other;
  }

  // ---------------------------------------------------------------------------------------------
  // Reads after writes

  @Test
  void profile_unknownId_isEmpty() {
    assertThat(storage.profile(ProfileId.of("nobody"))).isEmpty();
    assertThat(storage.owner(email("nobody"))).isEmpty();
    assertThat(storage.owners(List.of(email("nobody")))).isEmpty();
    assertThat(storage.events(List.of(email("nobody")))).isEmpty();
    assertThat(storage.containsEvent("e-nobody")).isFalse();
    assertThat(storage.profiles(Optional.empty(), 10)).isEmpty();
  }

  @Test
  void commit_newProfile_isReadBack() {
    Profile p = profile("p-1", 1, email("ann"), customerId("c-1"));

    storage.commit(Commit.builder().putProfile(p, 0).build());

    assertThat(storage.profile(p.id())).contains(p);
    assertThat(storage.profileCount()).isEqualTo(1);
    assertThat(storage.profiles(Optional.empty(), 10)).containsExactly(p);
  }

  @Test
  void commit_profileWhoseIdentifiersWereLinkedAfterFirstSeen_isReadBackExactly() {
    // Windowed identity limits count link times: a backend that stored only first-seen times
    // would let limits drift. Here an older event moved first-seen back ten days; linkedAt stays.
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), StorageFixtures.T0).version(1);
    b.putIdentifier(IdentifierState.firstSeen(email("ann"), StorageFixtures.T0, true, "test").seenAt(StorageFixtures.T0.minusSeconds(864_000), false, "old"));
    b.putIdentifier(IdentifierState.firstSeen(customerId("c-1"), StorageFixtures.T0, true, "test").withLinkedAt(StorageFixtures.T0.plusNanos(1)));
    Profile p = b.build();

    storage.commit(create(p));

    Profile back = storage.profile(p.id()).orElseThrow();
    assertThat(back).isEqualTo(p);
    assertThat(back.identifier(email("ann")).orElseThrow().linkedAt()).isEqualTo(StorageFixtures.T0);
    assertThat(back.identifier(email("ann")).orElseThrow().firstSeen()).isEqualTo(StorageFixtures.T0.minusSeconds(864_000));
    assertThat(back.identifier(customerId("c-1")).orElseThrow().linkedAt()).isEqualTo(StorageFixtures.T0.plusNanos(1));
  }

  /**
   * Everything a profile and an event hold comes back exactly as written (a backend that dropped
   * a field, an instant's nanoseconds, a decimal's scale or the order of a list would change what
   * Clientele computes from them without an error).
   */
  @Test
  void commit_profileAndEventWithEveryField_areReadBackExactly() {
    java.time.Instant t = StorageFixtures.T0.plusNanos(123_456_789);
    Identifier ann = email("ann");
    Identifier cid = customerId("c-ü-1");
    Identifier device = Identifier.of(dev.clientele.core.IdentifierType.ANONYMOUS_ID, "dev-1");
    Profile p = Profile.builder(ProfileId.of("p-rich"), t).version(4).updatedAt(t.plusSeconds(60))
        .activity(Optional.of(t.plusSeconds(1)), Optional.of(t.plusSeconds(59)))
        .putIdentifier(new IdentifierState(ann, t, Optional.of(t.plusSeconds(30)), "web",
            dev.clientele.core.Deliverability.undeliverable(dev.clientele.core.UndeliverableReason.HARD_BOUNCE, t.plusSeconds(40)),
            dev.clientele.core.Consent.OPT_OUT, Optional.of(t.plusSeconds(50)), t.plusSeconds(5)))
        .putIdentifier(IdentifierState.firstSeen(cid, t.minusSeconds(86_400), true, "crm"))
        .putIdentifier(IdentifierState.firstSeen(device, t, false, "app"))
        .putAttribute(new dev.clientele.core.Attribute("first_name", "Zoë", "crm", t))
        .putAttribute(new dev.clientele.core.Attribute("score", new java.math.BigDecimal("42.50"), "api", t.plusSeconds(2)))
        .putAttribute(new dev.clientele.core.Attribute("visits", 7L, "api", t.plusSeconds(3)))
        .putAttribute(new dev.clientele.core.Attribute("vip", true, "api", t.plusSeconds(4)))
        .putAttribute(new dev.clientele.core.Attribute("prefs", Map.of("colours", List.of("red", "blue"), "size", 3L), "api", t))
        .putList(dev.clientele.core.ListSubscription.apply(Optional.empty(), "news", true, t.plusSeconds(6)))
        .putList(dev.clientele.core.ListSubscription.apply(
            Optional.of(dev.clientele.core.ListSubscription.apply(Optional.empty(), "offers", true, t)), "offers", false, t.plusSeconds(7)))
        .addTag("vip").addTag("b2b")
        .orders(dev.clientele.core.OrderSummary.NONE.plus(new java.math.BigDecimal("19.90"), t.plusSeconds(8))
            .plus(new java.math.BigDecimal("5"), t.plusSeconds(9)))
        .ccpa(Optional.of(t.plusSeconds(10)), Optional.of(t.plusSeconds(11)))
        .eventCount(17)
        .addMergedFrom(List.of(ProfileId.of("p-old-2"), ProfileId.of("p-old-1")))
        .build();
    Event e = Event.builder("e-ü-1", "order", t.plusNanos(1)).action("purchase").identifier(cid).identifier(ann)
        .data("total", new java.math.BigDecimal("24.90")).data("items", List.of(Map.of("sku", "A-1", "qty", 2L), Map.of("sku", "B-2", "qty", 1L)))
        .data("gift", false).data("note", "für dich").source("shop")
        .build();
    StoredEvent stored = new StoredEvent(e, cid);

    storage.commit(Commit.builder().putProfile(p, 0).assign(ann, Optional.empty(), p.id()).assign(cid, Optional.empty(), p.id())
        .assign(device, Optional.empty(), p.id()).append(stored).build());

    Profile back = storage.profile(p.id()).orElseThrow();
    assertThat(back).isEqualTo(p);
    assertThat(back.attribute("score").orElseThrow().value()).isEqualTo(new java.math.BigDecimal("42.50"));
    assertThat(back.identifiers()).extracting(IdentifierState::identifier).containsExactlyElementsOf(identifiersOf(p));
    assertThat(storage.profiles(Optional.empty(), 1)).containsExactly(p);
    assertThat(storage.ownedProfiles(List.of(device)).profiles()).isEqualTo(Map.of(p.id(), p));
    assertThat(storage.events(List.of(cid))).containsExactly(stored);
    StoredEvent read = storage.events(List.of(cid)).get(0);
    assertThat(read.event().identifiers()).containsExactly(cid, ann);
    assertThat(read.event().data().get("total")).isEqualTo(new java.math.BigDecimal("24.90"));
    try (Stream<StoredEvent> all = storage.allEvents()) {
      assertThat(all).containsExactly(stored);
    }
  }

  /**
   * Keys at the longest the core types allow (a 64-character profile id, record id and identifier
   * type, a 512-character identifier value with characters outside the Basic Multilingual Plane, a
   * 256-character event id, a 128-character tombstone hash) and characters that mean something to
   * SQL or to a pattern match ({@code ' % _ \}) are stored and found exactly; a key differing only
   * in its last character, in case or in type is another key.
   */
  @Test
  void keys_atTheirLongest_andWithSpecialCharacters_areStoredAndFoundExactly() {
    String longId = "p-" + "x".repeat(61) + "A";
    Profile p = profile(longId, 1);
    dev.clientele.core.IdentifierType longType = dev.clientele.core.IdentifierType.of("t" + "_".repeat(62) + "z");
    String longValue = "\uD83D\uDE00" + "ü'%_\\".repeat(100) + "v".repeat(8); // 2 + 500 + 8 = 510 UTF-16 units
    Identifier big = Identifier.of(longType, longValue + "ab");
    Identifier almost = Identifier.of(longType, longValue + "aB");
    Identifier otherType = Identifier.of(dev.clientele.core.IdentifierType.of("t" + "_".repeat(62) + "y"), longValue + "ab");
    Identifier pattern = customerId("a%_\\'b");
    String eventId = "é'%_\\".repeat(51) + "z"; // 256
    String otherEventId = "é'%_\\".repeat(51) + "Z";
    String recordId = "m".repeat(63) + "1";
    String hash = "h".repeat(127) + "1";
    StoredEvent e = new StoredEvent(Event.builder(eventId, "pageview", StorageFixtures.T0).identifier(big).identifier(pattern).build(), big);
    MergeRecord r = new MergeRecord(recordId, MergeRecord.Kind.MERGE, StorageFixtures.T0, p.id(),
        List.of(new MergeRecord.Side(ProfileId.of("q-" + "y".repeat(62)), Set.of(big, pattern), List.of())),
        Optional.of(eventId), List.of(big), Optional.empty(), "test");
    MergeRecord split = new MergeRecord(recordId.substring(0, 63) + "2", MergeRecord.Kind.SPLIT, StorageFixtures.T0, p.id(),
        List.of(new MergeRecord.Side(ProfileId.of("q-" + "y".repeat(62)), Set.of(big), List.of())),
        Optional.empty(), List.of(pattern), Optional.of(recordId), "test");

    storage.commit(Commit.builder().putProfile(p, 0).assign(big, Optional.empty(), p.id()).assign(pattern, Optional.empty(), p.id())
        .append(e).logMerge(r).logMerge(split).tombstone(hash).build());

    assertThat(storage.profile(p.id())).contains(p);
    assertThat(storage.profile(ProfileId.of(longId.substring(0, 63) + "a"))).isEmpty();
    assertThat(storage.owner(big)).contains(p.id());
    assertThat(storage.owner(pattern)).contains(p.id());
    assertThat(storage.owner(almost)).isEmpty();
    assertThat(storage.owner(otherType)).isEmpty();
    assertThat(storage.owner(customerId("aX_\\'b"))).as("no pattern match").isEmpty();
    assertThat(storage.owners(List.of(big, almost, otherType, pattern))).isEqualTo(Map.of(big, p.id(), pattern, p.id()));
    assertThat(storage.events(List.of(big))).containsExactly(e);
    assertThat(storage.events(List.of(almost, otherType, pattern))).isEmpty();
    assertThat(storage.containsEvent(eventId)).isTrue();
    assertThat(storage.containsEvent(otherEventId)).isFalse();
    assertThat(storage.containedEvents(List.of(eventId, otherEventId))).containsExactly(eventId);
    assertThat(storage.containsEventAt(eventId, big)).isTrue();
    assertThat(storage.containsEventAt(eventId, almost)).isFalse();
    assertThat(storage.mergeRecord(recordId)).contains(r);
    assertThat(storage.mergeRecords(p.id())).containsExactly(r, split);
    assertThat(storage.splitsNaming(List.of(big))).containsExactly(split);
    assertThat(storage.splitsNaming(List.of(pattern))).containsExactly(split);
    assertThat(storage.splitsNaming(List.of(almost, otherType))).isEmpty();
    assertThat(storage.isTombstoned(hash)).isTrue();
    assertThat(storage.isTombstoned(hash.substring(0, 127) + "2")).isFalse();
    assertThat(storage.isTombstoned(hash.toUpperCase(java.util.Locale.ROOT))).isFalse();

    storage.commit(Commit.builder().eraseEvents(big).build());
    assertThat(storage.containsEvent(eventId)).isFalse();
    assertThat(storage.eventCount()).isZero();
  }

  @Test
  void commit_update_replacesProfile() {
    Profile v1 = profile("p-1", 1, email("ann"));
    storage.commit(Commit.builder().putProfile(v1, 0).build());
    Profile v2 = next(v1).toBuilder().addTag("favourite").build();

    storage.commit(Commit.builder().putProfile(v2, 1).build());

    assertThat(storage.profile(v1.id())).contains(v2);
    assertThat(storage.profileCount()).isEqualTo(1);
  }

  @Test
  void commit_assign_isReadBackThroughOwnerAndOwners() {
    Identifier ann = email("ann");
    Identifier cid = customerId("c-1");
    Identifier unknown = email("bob");
    Profile p = profile("p-1", 1, ann, cid);

    storage.commit(create(p));

    assertThat(storage.owner(ann)).contains(p.id());
    assertThat(storage.owner(cid)).contains(p.id());
    assertThat(storage.owner(unknown)).isEmpty();
    assertThat(storage.owners(List.of(ann, unknown, cid))).isEqualTo(Map.of(ann, p.id(), cid, p.id()));
    assertThat(storage.owners(List.of())).isEmpty();
  }

  @Test
  void ownedProfiles_returnsOwnersAndTheirProfiles_likeOwnersThenProfile() {
    Identifier ann = email("ann");
    Identifier cid = customerId("c-1");
    Identifier bob = email("bob");
    Identifier unknown = email("carl");
    Profile a = profile("p-a", 1, ann, cid);
    Profile b = profile("p-b", 1, bob);
    storage.commit(create(a));
    storage.commit(create(b));
    storage.commit(Commit.builder().putProfile(next(a), a.version()).build());

    OwnedProfiles read = storage.ownedProfiles(List.of(ann, unknown, cid, bob, ann));

    assertThat(read.owners()).isEqualTo(Map.of(ann, a.id(), cid, a.id(), bob, b.id()));
    assertThat(read.profiles()).isEqualTo(Map.of(a.id(), next(a), b.id(), b));
    assertThat(read.missingProfile()).isEmpty();
    assertThat(storage.ownedProfiles(List.of(unknown)).owners()).isEmpty();
    assertThat(storage.ownedProfiles(List.of())).isEqualTo(OwnedProfiles.none());
  }

  @Test
  void ownedProfiles_ownerWithoutProfile_isAnOwnerWithMissingProfile() {
    Identifier ann = email("ann");
    Identifier bob = email("bob");
    Profile a = profile("p-a", 1, ann);
    Profile b = profile("p-b", 1, bob);
    storage.commit(create(a));
    storage.commit(create(b));
    // The index may name a profile that does not exist: b deleted with its entry kept.
    storage.commit(Commit.builder().deleteProfile(b.id(), 1).build());

    OwnedProfiles read = storage.ownedProfiles(List.of(ann, bob));

    assertThat(read.owners()).isEqualTo(Map.of(ann, a.id(), bob, b.id()));
    assertThat(read.profiles()).isEqualTo(Map.of(a.id(), a));
    assertThat(read.missingProfile()).contains(b.id());

    // Created again under the same id, it is found through the old entry.
    storage.commit(Commit.builder().putProfile(profile("p-b", 1), 0).build());
    assertThat(storage.ownedProfiles(List.of(bob)).profiles()).isEqualTo(Map.of(b.id(), profile("p-b", 1)));
  }

  @Test
  void ownedProfiles_afterMerge_showsOnlyTheSurvivor() {
    Identifier ann = email("ann");
    Identifier cid = customerId("c-1");
    Profile a = profile("p-a", 1, ann);
    Profile b = profile("p-b", 1, cid);
    storage.commit(create(a));
    storage.commit(create(b));
    Profile merged = a.toBuilder().version(2).putIdentifier(b.identifiers().get(0)).build();

    storage.commit(Commit.builder()
        .putProfile(merged, 1)
        .deleteProfile(b.id(), 1)
        .assign(cid, Optional.of(b.id()), a.id())
        .build());

    OwnedProfiles read = storage.ownedProfiles(List.of(ann, cid));
    assertThat(read.owners()).isEqualTo(Map.of(ann, a.id(), cid, a.id()));
    assertThat(read.profiles()).isEqualTo(Map.of(a.id(), merged));
  }

  @Test
  void commit_unassign_removesIndexEntry() {
    Identifier ann = email("ann");
    Profile p = profile("p-1", 1, ann);
    storage.commit(create(p));

    storage.commit(Commit.builder().unassign(ann, p.id()).build());

    assertThat(storage.owner(ann)).isEmpty();
    assertThat(storage.owners(List.of(ann))).isEmpty();
    assertThat(storage.profile(p.id())).contains(p);
  }

  @Test
  void commit_reassign_movesIndexEntry() {
    Identifier ann = email("ann");
    Profile a = profile("p-a", 1, ann);
    Profile b = profile("p-b", 1);
    storage.commit(create(a));
    storage.commit(create(b));

    storage.commit(Commit.builder().assign(ann, Optional.of(a.id()), b.id()).build());

    assertThat(storage.owner(ann)).contains(b.id());
  }

  @Test
  void commit_append_isReadBackThroughEventsAndContainsEvent() {
    Identifier ann = email("ann");
    StoredEvent e = event("e-1", 0, ann);

    storage.commit(Commit.builder().append(e).build());

    assertThat(storage.containsEvent("e-1")).isTrue();
    assertThat(storage.containsEvent("e-2")).isFalse();
    assertThat(storage.events(List.of(ann))).containsExactly(e);
    assertThat(storage.eventCount()).isEqualTo(1);
    try (Stream<StoredEvent> all = storage.allEvents()) {
      assertThat(all).containsExactly(e);
    }
  }

  @Test
  void containsEventAt_isTrueOnlyForTheStoredIdUnderItsOwnAnchor() {
    Identifier ann = email("ann");
    Identifier bob = email("bob");
    storage.commit(Commit.builder().append(event("e-1", 0, ann)).append(event("e-2", 1, ann)).build());

    assertThat(storage.containsEventAt("e-1", ann)).isTrue();
    assertThat(storage.containsEventAt("e-2", ann)).isTrue();
    assertThat(storage.containsEventAt("e-1", bob)).isFalse(); // stored, but under another anchor
    assertThat(storage.containsEventAt("e-1", customerId("ann"))).isFalse(); // same value, other type
    assertThat(storage.containsEventAt("e-3", ann)).isFalse(); // not stored
    assertThatThrownBy(() -> storage.containsEventAt(null, ann)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> storage.containsEventAt("e-1", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void commit_emptyCommit_changesNothing() {
    Profile p = profile("p-1", 1, email("ann"));
    storage.commit(create(p));
    Snapshot before = snapshot(List.of(email("ann")), List.of());

    storage.commit(Commit.builder().build());

    assertThat(snapshot(List.of(email("ann")), List.of())).isEqualTo(before);
  }

  @Test
  void commit_returned_isVisibleToOtherThreads() throws Exception {
    Identifier ann = email("ann");
    Profile p = profile("p-1", 1, ann);
    storage.commit(Commit.builder().putProfile(p, 0).assign(ann, Optional.empty(), p.id())
        .append(event("e-1", 0, ann)).build());

    CompletableFuture<List<Object>> read = CompletableFuture.supplyAsync(
        () -> List.of(storage.profile(p.id()), storage.owner(ann), storage.containsEvent("e-1"), storage.eventCount()));

    assertThat(read.get(10, TimeUnit.SECONDS)).containsExactly(Optional.of(p), Optional.of(p.id()), true, 1L);
  }

  // ---------------------------------------------------------------------------------------------
  // Profile versions

  @Test
  void commit_newProfileExpectingNonZeroVersion_conflicts() {
    Profile p = profile("p-1", 2, email("ann"));

    assertThatThrownBy(() -> storage.commit(Commit.builder().putProfile(p, 1).build()))
        .isInstanceOf(CommitConflictException.class);

    assertThat(storage.profile(p.id())).isEmpty();
    assertThat(storage.profileCount()).isZero();
  }

  @Test
  void commit_existingProfileExpectingZero_conflicts() {
    Profile first = profile("p-1", 1, email("ann"));
    storage.commit(Commit.builder().putProfile(first, 0).build());
    Profile second = profile("p-1", 1, email("bob"));

    assertThatThrownBy(() -> storage.commit(Commit.builder().putProfile(second, 0).build()))
        .isInstanceOf(CommitConflictException.class);

    assertThat(storage.profile(first.id())).contains(first);
  }

  @Test
  void commit_versionAhead_conflicts() {
    Profile v1 = profile("p-1", 1);
    storage.commit(Commit.builder().putProfile(v1, 0).build());
    Profile v3 = v1.toBuilder().version(3).build();

    assertThatThrownBy(() -> storage.commit(Commit.builder().putProfile(v3, 2).build()))
        .isInstanceOf(CommitConflictException.class);

    assertThat(storage.profile(v1.id())).contains(v1);
  }

  @Test
  void commit_staleProfileVersion_appliesNothing() {
    World w = world();
    storage.commit(Commit.builder().putProfile(next(w.a), 1).build());
    Snapshot before = w.snapshot();

    // Computed from version 1, which is no longer current.
    Commit commit = w.validParts().putProfile(next(w.a).toBuilder().addTag("stale").build(), 1).build();

    assertConflictAppliesNothing(commit, w, before);
  }

  @Test
  void commit_staleDeleteVersion_appliesNothing() {
    World w = world();
    storage.commit(Commit.builder().putProfile(next(w.a), 1).build());
    Snapshot before = w.snapshot();

    Commit commit = w.validParts().deleteProfile(w.a.id(), 1).build();

    assertConflictAppliesNothing(commit, w, before);
  }

  @Test
  void commit_deleteOfMissingProfile_appliesNothing() {
    World w = world();
    Snapshot before = w.snapshot();

    Commit commit = w.validParts().deleteProfile(ProfileId.of("p-missing"), 1).build();

    assertConflictAppliesNothing(commit, w, before);
  }

  @Test
  void commit_createOfExistingProfile_appliesNothing() {
    World w = world();
    Snapshot before = w.snapshot();

    Commit commit = w.validParts().putProfile(profile(w.a.id().value(), 1), 0).build();

    assertConflictAppliesNothing(commit, w, before);
  }

  // ---------------------------------------------------------------------------------------------
  // Versions that jump: a merge writes its survivor above every version it joins and a split
  // restores a profile id above the version of the profile it is split from, so a backend must
  // store exactly the version it is given (Commit.ProfileWrite), never expected + 1.

  /**
   * A merge writes the survivor at one more than the highest version of the profiles it joins
   * (here 1 and 6: the survivor goes from 1 to 7). Every read returns version 7; a later write or
   * delete expecting 7 succeeds, and one expecting 2 (what a backend holds that stored expected +
   * 1) conflicts and applies nothing.
   */
  @Test
  void commit_mergeWritesTheSurvivorAboveEveryJoinedVersion_storesExactlyThatVersion() {
    Identifier ann = email("ann");
    Identifier work = email("ann.work");
    Profile survivor = profile("p-survivor", 1, ann);
    Profile loser = profile("p-loser", 1, work);
    storage.commit(create(survivor));
    storage.commit(create(loser));
    for (int i = 0; i < 5; i++) {
      Profile current = storage.profile(loser.id()).orElseThrow();
      storage.commit(Commit.builder().putProfile(next(current), current.version()).build());
    }
    Profile loserNow = storage.profile(loser.id()).orElseThrow();
    assertThat(loserNow.version()).isEqualTo(6);
    Profile.Builder b = survivor.toBuilder().version(loserNow.version() + 1).addMergedFrom(List.of(loser.id()));
    loserNow.identifiers().forEach(b::putIdentifier);
    Profile merged = b.build();

    storage.commit(Commit.builder()
        .putProfile(merged, survivor.version())
        .deleteProfile(loser.id(), loserNow.version())
        .assign(work, Optional.of(loser.id()), survivor.id())
        .build());

    assertThat(storage.profile(survivor.id())).contains(merged);
    assertThat(storage.profiles(Optional.empty(), 10)).containsExactly(merged);
    assertThat(storage.ownedProfiles(List.of(ann, work)).profiles()).isEqualTo(Map.of(survivor.id(), merged));
    List<Identifier> all = List.of(ann, work);
    Snapshot before = snapshot(all, List.of());
    Profile fromExpectedPlusOne = merged.toBuilder().version(3).addTag("stale").build();
    assertThatThrownBy(() -> storage.commit(Commit.builder().putProfile(fromExpectedPlusOne, 2).build()))
        .as("a write expecting expected + 1 of the merge").isInstanceOf(CommitConflictException.class);
    assertThatThrownBy(() -> storage.commit(Commit.builder().putProfile(fromExpectedPlusOne, survivor.version()).build()))
        .as("a write expecting the version before the merge").isInstanceOf(CommitConflictException.class);
    assertThatThrownBy(() -> storage.commit(Commit.builder().deleteProfile(survivor.id(), 2).unassign(ann, survivor.id()).build()))
        .as("a delete expecting expected + 1 of the merge").isInstanceOf(CommitConflictException.class);
    assertThat(snapshot(all, List.of())).isEqualTo(before);

    Profile after = next(merged);
    storage.commit(Commit.builder().putProfile(after, merged.version()).build());
    assertThat(storage.profile(survivor.id())).contains(after);
    assertThat(after.version()).isEqualTo(8);
    storage.commit(Commit.builder().deleteProfile(survivor.id(), after.version()).build());
    assertThat(storage.profile(survivor.id())).isEmpty();
  }

  /**
   * A split restores a profile under the id it had before its merge, created anew (expected
   * version 0) at one more than the version of the profile it is split from, in the commit that
   * also writes that profile. The backend stores exactly the version given: a writer that read the
   * id's earlier life (at 1, at 3) fails its version check, as does one expecting 1 (what a backend
   * holds that numbered a created profile itself), and one expecting the restored version succeeds.
   */
  @Test
  void commit_splitRestoresAnIdAboveTheVersionsItHeld_storesExactlyThatVersion_andTheIdsEarlierLifeConflicts() {
    Identifier ann = email("ann");
    Identifier bob = email("bob");
    Profile a = profile("p-a", 1, ann);
    Profile b = profile("p-b", 1, bob);
    storage.commit(create(a));
    storage.commit(create(b));
    Profile b2 = next(b);
    Profile b3 = next(b2);
    storage.commit(Commit.builder().putProfile(b2, 1).build());
    storage.commit(Commit.builder().putProfile(b3, 2).build());
    // The merge: a (at 1) absorbs b (at 3) and goes to 4.
    Profile.Builder m = a.toBuilder().version(b3.version() + 1).addMergedFrom(List.of(b.id()));
    b3.identifiers().forEach(m::putIdentifier);
    Profile merged = m.build();
    storage.commit(Commit.builder().putProfile(merged, 1).deleteProfile(b.id(), 3).assign(bob, Optional.of(b.id()), a.id()).build());
    // The split: a goes to 5 without bob, and b is restored at 5, above every version p-b held.
    Profile holder = a.toBuilder().version(merged.version() + 1).addTag("split").build();
    Profile restored = profile("p-b", merged.version() + 1, bob).toBuilder().addTag("restored").build();

    storage.commit(Commit.builder()
        .putProfile(holder, merged.version())
        .putProfile(restored, 0)
        .assign(bob, Optional.of(a.id()), b.id())
        .build());

    assertThat(storage.profile(b.id())).contains(restored);
    assertThat(storage.profile(a.id())).contains(holder);
    assertThat(storage.profiles(Optional.empty(), 10)).containsExactly(holder, restored);
    assertThat(storage.ownedProfiles(List.of(ann, bob)).profiles()).isEqualTo(Map.of(a.id(), holder, b.id(), restored));
    List<Identifier> all = List.of(ann, bob);
    Snapshot before = snapshot(all, List.of());
    for (Profile stale : List.of(b, b2, b3)) {
      Profile write = next(stale).toBuilder().addTag("stale").build();
      assertThatThrownBy(() -> storage.commit(Commit.builder().putProfile(write, stale.version()).build()))
          .as("a write expecting version %s of p-b's earlier life", stale.version())
          .isInstanceOf(CommitConflictException.class);
      assertThatThrownBy(() -> storage.commit(Commit.builder().deleteProfile(b.id(), stale.version()).build()))
          .as("a delete expecting version %s of p-b's earlier life", stale.version())
          .isInstanceOf(CommitConflictException.class);
    }
    assertThatThrownBy(() -> storage.commit(Commit.builder().putProfile(next(a), 1).build()))
        .as("a write expecting the holder's version before the merge").isInstanceOf(CommitConflictException.class);
    assertThat(snapshot(all, List.of())).isEqualTo(before);

    Profile update = next(restored);
    storage.commit(Commit.builder().putProfile(update, restored.version()).append(event("e-1", 1, bob)).build());
    assertThat(storage.profile(b.id())).contains(update);
    assertThat(update.version()).isEqualTo(6);
  }

  /**
   * The multi-node case the jumping versions exist for, on one store: this thread reads a profile
   * (as ingestion does, through {@code ownedProfiles}); another thread merges it away and a split
   * restores its id; this thread's write from its earlier read conflicts, and a write from a
   * fresh read commits on the restored profile (a backend that remembered the earlier life of the
   * id for this thread must not check against it, or write to it).
   */
  @Test
  void commit_afterAnotherThreadMergedAndRestoredTheId_theEarlierReadConflicts_andAFreshReadCommits() throws Exception {
    Identifier ann = email("ann");
    Identifier bob = email("bob");
    Profile a = profile("p-a", 1, ann);
    Profile b = profile("p-b", 1, bob);
    storage.commit(create(a));
    storage.commit(create(b));
    storage.commit(Commit.builder().putProfile(next(b), 1).build());
    Profile readHere = storage.ownedProfiles(List.of(bob)).profile(b.id()).orElseThrow();
    assertThat(storage.profile(b.id())).contains(readHere);
    Profile restored = profile("p-b", 4, bob).toBuilder().addTag("restored").build();

    CompletableFuture.runAsync(() -> {
      Profile merged = a.toBuilder().version(3).putIdentifier(b.identifiers().get(0)).build(); // max(1, 2) + 1
      storage.commit(Commit.builder().putProfile(merged, 1).deleteProfile(b.id(), 2).assign(bob, Optional.of(b.id()), a.id()).build());
      storage.commit(Commit.builder().putProfile(a.toBuilder().version(4).build(), 3).putProfile(restored, 0)
          .assign(bob, Optional.of(a.id()), b.id()).build());
    }).get(10, TimeUnit.SECONDS);

    assertThatThrownBy(() -> storage.commit(Commit.builder().putProfile(next(readHere), readHere.version())
        .append(event("e-stale", 1, bob)).build())).isInstanceOf(CommitConflictException.class);
    assertThat(storage.containsEvent("e-stale")).isFalse();
    Profile fresh = storage.ownedProfiles(List.of(bob)).profile(b.id()).orElseThrow();
    assertThat(fresh).isEqualTo(restored);
    storage.commit(Commit.builder().putProfile(next(fresh), fresh.version()).append(event("e-fresh", 2, bob)).build());
    assertThat(storage.profile(b.id())).contains(next(restored));
    assertThat(storage.profile(a.id()).orElseThrow().version()).isEqualTo(4);
    assertThat(storage.events(List.of(bob))).extracting(e -> e.event().id()).containsExactly("e-fresh");
  }

  /**
   * A profile created (expected version 0) above version 1 is stored at the version given, in a
   * commit with other writes that jump, and a failed commit of such writes applies none of them.
   */
  @Test
  void commit_severalWritesThatJumpInOneCommit_storeTheirVersions_orNothingOnAConflict() {
    Profile a = profile("p-a", 1);
    storage.commit(Commit.builder().putProfile(a, 0).build());
    Profile a9 = a.toBuilder().version(9).build();
    Profile c12 = profile("p-c", 12);
    Profile d3 = profile("p-d", 3);

    Commit stale = Commit.builder().putProfile(a9, 1).putProfile(c12, 0).putProfile(profile("p-x", 4), 2).build();
    assertThatThrownBy(() -> storage.commit(stale)).isInstanceOf(CommitConflictException.class);
    assertThat(storage.profile(a.id())).contains(a);
    assertThat(storage.profile(c12.id())).isEmpty();

    storage.commit(Commit.builder().putProfile(a9, 1).putProfile(c12, 0).putProfile(d3, 0).build());

    assertThat(storage.profiles(Optional.empty(), 10)).containsExactly(a9, c12, d3);
    assertThatThrownBy(() -> storage.commit(Commit.builder().putProfile(profile("p-c", 2), 1).build()))
        .isInstanceOf(CommitConflictException.class);
    storage.commit(Commit.builder().putProfile(next(a9), 9).putProfile(next(c12), 12).deleteProfile(d3.id(), 3).build());
    assertThat(storage.profiles(Optional.empty(), 10)).containsExactly(next(a9), next(c12));
  }

  // ---------------------------------------------------------------------------------------------
  // Index ownership

  @Test
  void commit_assignExpectingNoOwnerButOwned_appliesNothing() {
    World w = world();
    Snapshot before = w.snapshot();

    Commit commit = w.validParts().assign(w.annEmail, Optional.empty(), w.b.id()).build();

    assertConflictAppliesNothing(commit, w, before);
  }

  @Test
  void commit_assignExpectingOtherOwner_appliesNothing() {
    World w = world();
    Snapshot before = w.snapshot();

    Commit commit = w.validParts().assign(w.annEmail, Optional.of(w.b.id()), w.b.id()).build();

    assertConflictAppliesNothing(commit, w, before);
  }

  @Test
  void commit_assignExpectingOwnerButUnowned_appliesNothing() {
    World w = world();
    Snapshot before = w.snapshot();

    Commit commit = w.validParts().assign(email("carl"), Optional.of(w.a.id()), w.a.id()).build();

    assertConflictAppliesNothing(commit, w, before);
  }

  @Test
  void commit_unassignExpectingOtherOwner_appliesNothing() {
    World w = world();
    Snapshot before = w.snapshot();

    Commit commit = w.validParts().unassign(w.annEmail, w.b.id()).build();

    assertConflictAppliesNothing(commit, w, before);
  }

  @Test
  void commit_unassignOfUnownedIdentifier_appliesNothing() {
    World w = world();
    Snapshot before = w.snapshot();

    Commit commit = w.validParts().unassign(email("carl"), w.a.id()).build();

    assertConflictAppliesNothing(commit, w, before);
  }

  @Test
  void commit_conflictMessage_hasNoPersonalData() {
    World w = world();

    assertThatThrownBy(() -> storage.commit(Commit.builder().assign(w.annEmail, Optional.empty(), w.b.id()).build()))
        .isInstanceOf(CommitConflictException.class)
        .message()
        .doesNotContain(w.annEmail.value())
        .doesNotContain("example.com");
  }

  // ---------------------------------------------------------------------------------------------
  // Events

  @Test
  void commit_duplicateEventId_appliesNothing() {
    World w = world();
    Snapshot before = w.snapshot();

    // Same id as a stored event, different anchor and time: still a conflict.
    Commit commit = w.validParts().append(event("e-a1", 99, w.bobEmail)).build();

    assertConflictAppliesNothing(commit, w, before);
    assertThat(storage.events(List.of(w.annEmail)).get(0).event().timestamp())
        .isEqualTo(StorageFixtures.T0.plusSeconds(10));
  }

  @Test
  void events_severalAnchors_comeInTimelineOrder() {
    Identifier ann = email("ann");
    Identifier cid = customerId("c-1");
    Identifier other = email("other");
    // Appended out of order, over several commits; equal timestamps are ordered by id as
    // strings ("e-10" < "e-9").
    storage.commit(Commit.builder().append(event("e-9", 5, ann)).append(event("e-3", 20, cid)).build());
    storage.commit(Commit.builder().append(event("e-10", 5, cid)).append(event("e-x", 1, other)).build());
    storage.commit(Commit.builder().append(event("e-1", 7, ann)).append(event("e-0", 30, ann)).build());
    storage.commit(Commit.builder().append(event("e-2", 0, cid)).build());

    assertThat(ids(storage.events(List.of(ann, cid)))).containsExactly("e-2", "e-10", "e-9", "e-1", "e-3", "e-0");
    assertThat(ids(storage.events(List.of(cid, ann)))).containsExactly("e-2", "e-10", "e-9", "e-1", "e-3", "e-0");
    assertThat(ids(storage.events(List.of(ann)))).containsExactly("e-9", "e-1", "e-0");
    assertThat(ids(storage.events(List.of(other, email("nobody"))))).containsExactly("e-x");
    assertThat(storage.events(List.of())).isEmpty();
  }

  /**
   * {@link EventStore#events(Collection, dev.clientele.core.TimelineQuery)} is exactly the whole
   * timeline filtered and cut: checked for 400 queries (types, ranges whose ends fall on, just
   * before and just after events, both directions, limits from 1 to all) over events crowded into
   * a few milliseconds (ties in the millisecond, in the nanosecond, ids that sort differently as
   * strings and as numbers; bursts of 70 in one millisecond) and around the epoch, where
   * milliseconds round down to negative numbers.
   */
  @Test
  void eventsOfAQuery_areTheTimelineFilteredAndCut() {
    java.util.Random random = new java.util.Random(20261125);
    Identifier ann = email("ann");
    Identifier cid = customerId("c-1");
    Identifier phone = Identifier.of(dev.clientele.core.IdentifierType.PHONE, "+14155550100");
    Identifier other = email("other");
    List<Identifier> anchors = List.of(ann, cid, phone, other);
    String[] types = {"pageview", "order", "login"};
    long[] nanos = {0, 1, 999_999, 1_000_000, 1_000_001, 2_500_000, 7_000_000, 7_000_000};
    java.time.Instant[] bases = {StorageFixtures.T0, java.time.Instant.EPOCH.minusMillis(3)};
    List<java.time.Instant> times = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      Commit.Builder b = Commit.builder();
      for (int i = 0; i < 25; i++) {
        java.time.Instant at = bases[random.nextInt(bases.length)].plusNanos(nanos[random.nextInt(nanos.length)]);
        times.add(at);
        Identifier anchor = anchors.get(random.nextInt(anchors.size()));
        b.append(new StoredEvent(Event.builder("e-" + random.nextInt(100_000) + "-" + c + "-" + i, types[random.nextInt(3)], at)
            .identifier(anchor).build(), anchor));
      }
      storage.commit(b.build());
    }
    // Bursts: 70 events of one anchor within one millisecond (more than a backend reading "a few
    // rows beyond the limit" takes), one before the epoch and one after.
    for (int burst = 0; burst < 2; burst++) {
      Identifier anchor = burst == 0 ? ann : cid;
      java.time.Instant ms = burst == 0 ? StorageFixtures.T0.plusMillis(5) : java.time.Instant.EPOCH.minusMillis(2);
      Commit.Builder b = Commit.builder();
      for (int i = 0; i < 70; i++) {
        java.time.Instant at = ms.plusNanos(random.nextInt(1_000_000));
        times.add(at);
        b.append(new StoredEvent(Event.builder("b-" + burst + "-" + random.nextInt(100_000) + "-" + i, types[random.nextInt(3)], at)
            .identifier(anchor).build(), anchor));
      }
      storage.commit(b.build());
    }
    List<Identifier> asked = List.of(ann, cid, phone);
    List<StoredEvent> timeline = storage.events(asked);
    int[] limits = {1, 2, 3, 5, 10, 17, 50, 200, Integer.MAX_VALUE};
    long[] shifts = {0, -1, 1, -1_000_000, 1_000_000};
    for (int q = 0; q < 400; q++) {
      Set<String> only = switch (random.nextInt(3)) {
        case 0 -> Set.of();
        case 1 -> Set.of("order");
        default -> Set.of("pageview", "login");
      };
      Optional<java.time.Instant> from = random.nextBoolean() ? Optional.empty()
          : Optional.of(times.get(random.nextInt(times.size())).plusNanos(shifts[random.nextInt(shifts.length)]));
      Optional<java.time.Instant> to = random.nextBoolean() ? Optional.empty()
          : Optional.of(times.get(random.nextInt(times.size())).plusNanos(shifts[random.nextInt(shifts.length)]));
      if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
        to = Optional.of(from.get().plusNanos(1 + random.nextInt(3_000_000)));
      }
      dev.clientele.core.TimelineQuery query = new dev.clientele.core.TimelineQuery(
          only, from, to, random.nextBoolean(), limits[random.nextInt(limits.length)]);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < timeline.size() && expected.size() < query.limit(); i++) {
        Event e = timeline.get(query.newestFirst() ? timeline.size() - 1 - i : i).event();
        if (query.matches(e)) {
          expected.add(e.id());
        }
      }
      assertThat(ids(storage.events(asked, query))).as("query %s", query).containsExactlyElementsOf(expected);
    }
    assertThat(storage.events(List.of(), dev.clientele.core.TimelineQuery.all())).isEmpty();
    assertThatNullPointerException().isThrownBy(() -> storage.events(asked, null)).withMessageContaining("query");
    assertThatNullPointerException().isThrownBy(() -> storage.events(java.util.Arrays.asList(ann, null), dev.clientele.core.TimelineQuery.all()))
        .withMessageContaining("anchors");
  }

  @Test
  void events_duplicateAnchors_returnEachEventOnce() {
    Identifier ann = email("ann");
    storage.commit(Commit.builder().append(event("e-1", 0, ann)).append(event("e-2", 1, ann)).build());

    assertThat(ids(storage.events(List.of(ann, ann)))).containsExactly("e-1", "e-2");
  }

  @Test
  void events_eventWithSeveralIdentifiers_isOnlyUnderItsAnchor() {
    Identifier ann = email("ann");
    Identifier cid = customerId("c-1");
    StoredEvent e = new StoredEvent(
        Event.builder("e-1", "login", StorageFixtures.T0).identifier(ann).identifier(cid).build(), cid);
    storage.commit(Commit.builder().append(e).build());

    assertThat(storage.events(List.of(cid))).containsExactly(e);
    assertThat(storage.events(List.of(ann))).isEmpty();
  }

  @Test
  void allEvents_returnsEveryEventOnce() {
    List<StoredEvent> appended = new ArrayList<>();
    for (int c = 0; c < 5; c++) {
      Commit.Builder b = Commit.builder();
      for (int i = 0; i < 7; i++) {
        StoredEvent e = event("e-" + c + "-" + i, (c * 7L + i) % 11, email("u" + (i % 3)));
        appended.add(e);
        b.append(e);
      }
      storage.commit(b.build());
    }

    try (Stream<StoredEvent> all = storage.allEvents()) {
      assertThat(all).containsExactlyInAnyOrderElementsOf(appended);
    }
    assertThat(storage.eventCount()).isEqualTo(35);
    assertThat(appended).allSatisfy(e -> assertThat(storage.containsEvent(e.event().id())).isTrue());
  }

  @Test
  void containedEvents_manyIdsAtOnce_onlyTheStoredOnes() {
    List<String> asked = new ArrayList<>();
    Commit.Builder b = Commit.builder();
    for (int i = 0; i < 1200; i++) { // more than one chunk of a batched read
      if (i % 3 == 0) {
        b.append(event("e-" + i, i % 11, email("u" + (i % 5))));
      }
      asked.add("e-" + i);
    }
    asked.add("e-0"); // asked twice
    storage.commit(b.build());

    java.util.Set<String> found = storage.containedEvents(asked);

    assertThat(found).hasSize(400).allSatisfy(id -> assertThat(Integer.parseInt(id.substring(2)) % 3).isZero());
    assertThat(storage.containedEvents(List.of())).isEmpty();
  }

  /**
   * Closing a stream of {@code allEvents} before its end releases what the backend held for it
   * (a cursor, a connection): many such streams in a row leave the store working. While one is
   * open, a commit on another thread completes (all methods may be called from any number of
   * threads at once), and the stream still returns every event stored before it was opened, each
   * once.
   */
  @Test
  @Timeout(60)
  void allEvents_closedBeforeTheEnd_releasesItsResources_andACommitCompletesWhileOneIsOpen() throws Exception {
    Commit.Builder b = Commit.builder();
    Set<String> stored = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      b.append(event("e-" + i, i, email("u" + (i % 5))));
      stored.add("e-" + i);
    }
    storage.commit(b.build());
    for (int i = 0; i < 40; i++) {
      try (Stream<StoredEvent> all = storage.allEvents()) {
        assertThat(all.iterator().next()).isNotNull();
      }
    }

    Set<String> seen = new java.util.HashSet<>();
    try (Stream<StoredEvent> all = storage.allEvents()) {
      java.util.Iterator<StoredEvent> it = all.iterator();
      for (int i = 0; i < 10; i++) {
        seen.add(it.next().event().id());
      }
      CompletableFuture<Void> commit = CompletableFuture.runAsync(
          () -> storage.commit(Commit.builder().append(event("e-during", 99, email("ann"))).build()));
      commit.get(20, TimeUnit.SECONDS);
      while (it.hasNext()) {
        String id = it.next().event().id();
        assertThat(seen.add(id)).as("%s returned twice", id).isTrue();
      }
    }

    assertThat(seen).containsAll(stored);
    assertThat(storage.containsEvent("e-during")).isTrue();
    assertThat(storage.eventCount()).isEqualTo(51);
  }

  @Test
  void allEvents_emptyStorage_isEmpty() {
    try (Stream<StoredEvent> all = storage.allEvents()) {
      assertThat(all).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Deletes and merges

  @Test
  void commit_deleteProfile_removesIt() {
    Profile a = profile("p-a", 1, email("ann"));
    Profile b = profile("p-b", 1, email("bob"));
    storage.commit(create(a));
    storage.commit(create(b));

    storage.commit(Commit.builder().deleteProfile(a.id(), 1).unassign(email("ann"), a.id()).build());

    assertThat(storage.profile(a.id())).isEmpty();
    assertThat(storage.owner(email("ann"))).isEmpty();
    assertThat(storage.profileCount()).isEqualTo(1);
    assertThat(storage.profiles(Optional.empty(), 10)).containsExactly(b);
  }

  @Test
  void commit_deletedProfile_canBeCreatedAgainFromVersionZero() {
    Profile a = profile("p-a", 1);
    storage.commit(Commit.builder().putProfile(a, 0).build());
    storage.commit(Commit.builder().deleteProfile(a.id(), 1).build());

    Profile again = profile("p-a", 1, email("ann"));
    storage.commit(Commit.builder().putProfile(again, 0).build());

    assertThat(storage.profile(a.id())).contains(again);
  }

  @Test
  void commit_eraseEvents_removesEveryTraceOfThoseEvents() {
    Profile a = profile("p-a", 1, email("ann"), customerId("c-1"));
    Profile b = profile("p-b", 1, email("bob"));
    storage.commit(create(a));
    storage.commit(create(b));
    storage.commit(Commit.builder().append(event("e-1", 1, email("ann"))).append(event("e-2", 2, customerId("c-1")))
        .append(event("e-3", 3, email("bob"))).build());

    storage.commit(Commit.builder()
        .deleteProfile(a.id(), 1)
        .unassign(email("ann"), a.id())
        .unassign(customerId("c-1"), a.id())
        .eraseEvents(email("ann"))
        .eraseEvents(customerId("c-1"))
        .tombstone("hash-ann")
        .build());

    assertThat(storage.containsEvent("e-1")).isFalse();
    assertThat(storage.containsEvent("e-2")).isFalse();
    assertThat(storage.containedEvents(List.of("e-1", "e-2", "e-3"))).as("the batch path's read").containsExactly("e-3");
    assertThat(storage.events(List.of(email("ann"), customerId("c-1")))).isEmpty();
    assertThat(storage.eventCount()).isEqualTo(1);
    try (var all = storage.allEvents()) {
      assertThat(all.map(e -> e.event().id())).containsExactly("e-3");
    }
    assertThat(storage.isTombstoned("hash-ann")).isTrue();
    assertThat(storage.isTombstoned("hash-bob")).isFalse();
    assertThat(storage.tombstoneCount()).isEqualTo(1);
    assertThat(storage.profile(b.id())).isPresent();
  }

  @Test
  void hasTombstones_isFalseUntilATombstoneIsCommitted_thenTrue() {
    assertThat(storage.hasTombstones()).as("empty store").isFalse();
    storage.commit(Commit.builder().append(event("e-1", 1, email("ann"))).build());
    assertThat(storage.hasTombstones()).as("no erasure yet").isFalse();

    Commit stale = Commit.builder().deleteProfile(ProfileId.of("p-none"), 3).tombstone("h-failed").build();
    assertThatThrownBy(() -> storage.commit(stale)).isInstanceOf(CommitConflictException.class);
    assertThat(storage.hasTombstones()).as("after a commit that failed").isFalse();

    storage.commit(Commit.builder().eraseEvents(email("ann")).tombstone("h").build());
    assertThat(storage.hasTombstones()).isTrue();
    assertThat(storage.hasTombstones()).as("asked again").isTrue();
    assertThat(storage.tombstoneCount()).isEqualTo(1);
  }

  @Test
  void commit_erasedEventId_canBeAppendedAgain_andTombstonesAreIdempotent() {
    storage.commit(Commit.builder().append(event("e-1", 1, email("ann"))).tombstone("h").build());
    storage.commit(Commit.builder().eraseEvents(email("ann")).tombstone("h").build());

    storage.commit(Commit.builder().append(event("e-1", 5, email("ann"))).build());

    assertThat(storage.containsEvent("e-1")).isTrue();
    assertThat(storage.tombstoneCount()).isEqualTo(1);
  }

  @Test
  void commit_eraseEventsThenAppendTheSameId_movesTheEventToItsNewAnchor() {
    // What erasure after a split does: an event the erased anchor held is kept for another
    // person, without the erased value, under that person's identifier, in one commit.
    storage.commit(Commit.builder().append(event("e-1", 1, email("ann"))).append(event("e-2", 2, email("ann")))
        .append(event("e-3", 3, email("bob"))).build());
    StoredEvent moved = event("e-1", 1, email("bob"));

    storage.commit(Commit.builder().eraseEvents(email("ann")).append(moved).build());

    assertThat(storage.events(List.of(email("ann")))).isEmpty();
    assertThat(storage.events(List.of(email("bob")))).extracting(e -> e.event().id()).containsExactlyInAnyOrder("e-1", "e-3");
    assertThat(storage.containsEvent("e-1")).isTrue();
    assertThat(storage.containsEvent("e-2")).isFalse();
    assertThat(storage.containsEventAt("e-1", email("bob"))).isTrue();
    assertThat(storage.containsEventAt("e-1", email("ann"))).isFalse();
    assertThat(storage.containsEventAt("e-2", email("ann"))).isFalse();
    assertThat(storage.eventCount()).isEqualTo(2);
    // An id the commit does not erase is still a duplicate.
    assertThatThrownBy(() -> storage.commit(Commit.builder().eraseEvents(email("ann")).append(event("e-3", 3, email("ann"))).build()))
        .isInstanceOf(CommitConflictException.class);
    assertThat(storage.events(List.of(email("bob")))).hasSize(2);
  }

  @Test
  void commit_conflictingCommitWithErasure_erasesNothing() {
    Profile a = profile("p-a", 1, email("ann"));
    storage.commit(create(a));
    storage.commit(Commit.builder().append(event("e-1", 1, email("ann"))).build());

    Commit stale = Commit.builder().deleteProfile(a.id(), 7).eraseEvents(email("ann")).tombstone("h").build();

    assertThatThrownBy(() -> storage.commit(stale)).isInstanceOf(CommitConflictException.class);
    assertThat(storage.containsEvent("e-1")).isTrue();
    assertThat(storage.isTombstoned("h")).isFalse();
  }
  /** Erasing the events of an anchor that has none is no conflict (the tombstone is still written). */
  @Test
  void commit_eraseEventsOfAnAnchorWithoutEvents_isNoConflict() {
    storage.commit(Commit.builder().append(event("e-1", 1, email("bob"))).build());

    storage.commit(Commit.builder().eraseEvents(email("ann")).eraseEvents(customerId("never")).tombstone("h").build());

    assertThat(storage.isTombstoned("h")).isTrue();
    assertThat(storage.containsEvent("e-1")).isTrue();
    assertThat(storage.eventCount()).isEqualTo(1);
  }

  /** A commit that conflicts applies none of its merge-record erasures either. */
  @Test
  void mergeLog_erasureInAConflictingCommit_erasesNoRecord() {
    ProfileId a = new ProfileId("p-a");
    ProfileId b = new ProfileId("p-b");
    MergeRecord ab = mergeRecord("m-1", MergeRecord.Kind.MERGE, a, b, email("bob"));
    storage.commit(Commit.builder().logMerge(ab).build());

    Commit stale = Commit.builder().deleteProfile(b, 4).eraseMergeRecords(b).eraseEvents(email("bob")).tombstone("h").build();

    assertThatThrownBy(() -> storage.commit(stale)).isInstanceOf(CommitConflictException.class);
    assertThat(storage.mergeRecord("m-1")).contains(ab);
    assertThat(storage.mergeRecords(b)).containsExactly(ab);
    assertThat(storage.isTombstoned("h")).isFalse();
  }


  @Test
  void commit_merge_appliesSurvivorLoserAndIndexTogether() {
    Identifier annEmail = email("ann");
    Identifier annWork = email("ann.work");
    Identifier annCid = customerId("c-ann");
    Profile survivor = profile("p-survivor", 1, annEmail);
    Profile loser = profile("p-loser", 1, annWork, annCid);
    storage.commit(create(survivor));
    storage.commit(create(loser));
    storage.commit(Commit.builder()
        .append(event("e-1", 10, annEmail))
        .append(event("e-2", 5, annWork))
        .append(event("e-3", 20, annCid))
        .build());

    Profile.Builder merged = survivor.toBuilder().version(2).addMergedFrom(List.of(loser.id()));
    loser.identifiers().forEach(merged::putIdentifier);
    Profile after = merged.build();
    storage.commit(Commit.builder()
        .putProfile(after, 1)
        .deleteProfile(loser.id(), 1)
        .assign(annWork, Optional.of(loser.id()), survivor.id())
        .assign(annCid, Optional.of(loser.id()), survivor.id())
        .build());

    assertThat(storage.profile(survivor.id())).contains(after);
    assertThat(storage.profile(loser.id())).isEmpty();
    assertThat(storage.profileCount()).isEqualTo(1);
    assertThat(storage.owners(List.of(annEmail, annWork, annCid)))
        .isEqualTo(Map.of(annEmail, survivor.id(), annWork, survivor.id(), annCid, survivor.id()));
    // The merge moved no event: the timeline is the events of the survivor's identifiers.
    assertThat(ids(storage.events(identifiersOf(after)))).containsExactly("e-2", "e-1", "e-3");
    assertThat(storage.eventCount()).isEqualTo(3);
  }

  @Test
  void commit_mergeWithChangedLoser_appliesNothing() {
    Identifier annEmail = email("ann");
    Identifier annWork = email("ann.work");
    Profile survivor = profile("p-survivor", 1, annEmail);
    Profile loser = profile("p-loser", 1, annWork);
    storage.commit(create(survivor));
    storage.commit(create(loser));
    // Someone else updates the loser after the merge read it.
    storage.commit(Commit.builder().putProfile(next(loser), 1).build());
    List<Identifier> all = List.of(annEmail, annWork);
    Snapshot before = snapshot(all, List.of());

    Commit merge = Commit.builder()
        .putProfile(survivor.toBuilder().version(2).addMergedFrom(List.of(loser.id())).build(), 1)
        .deleteProfile(loser.id(), 1)
        .assign(annWork, Optional.of(loser.id()), survivor.id())
        .build();

    assertThatThrownBy(() -> storage.commit(merge)).isInstanceOf(CommitConflictException.class);
    assertThat(snapshot(all, List.of())).isEqualTo(before);
  }

  // ---------------------------------------------------------------------------------------------
  // Merge log

  private static MergeRecord mergeRecord(String id, MergeRecord.Kind kind, ProfileId into, ProfileId absorbed, Identifier... held) {
    return new MergeRecord(id, kind, StorageFixtures.T0.plusSeconds(id.hashCode() & 0xff), into,
        List.of(new MergeRecord.Side(absorbed, Set.of(held), List.of())),
        kind == MergeRecord.Kind.MERGE ? Optional.of("e-" + id) : Optional.empty(),
        kind == MergeRecord.Kind.FORCED_MERGE ? List.of() : List.of(held[0]),
        Optional.empty(), "test");
  }

  @Test
  void mergeLog_recordsAreReadByEveryProfileTheyName_inCommitOrder() {
    ProfileId a = new ProfileId("p-a");
    ProfileId b = new ProfileId("p-b");
    ProfileId c = new ProfileId("p-c");
    MergeRecord first = mergeRecord("m-2", MergeRecord.Kind.MERGE, a, b, email("bob"));
    MergeRecord second = mergeRecord("m-1", MergeRecord.Kind.FORCED_MERGE, c, a, email("ann"), email("bob"));
    storage.commit(Commit.builder().logMerge(first).build());
    storage.commit(Commit.builder().logMerge(second).build());

    assertThat(storage.mergeRecords(a)).containsExactly(first, second);
    assertThat(storage.mergeRecords(b)).containsExactly(first);
    assertThat(storage.mergeRecords(c)).containsExactly(second);
    assertThat(storage.mergeRecords(new ProfileId("p-none"))).isEmpty();
    assertThat(storage.mergeRecord("m-1")).contains(second);
    assertThat(storage.mergeRecord("m-3")).isEmpty();
    List<MergeRecord> all = new ArrayList<>();
    storage.forEachMergeRecord(all::add);
    assertThat(all).containsExactly(first, second);
  }

  @Test
  void mergeLog_recordIsWrittenWithItsMergeOrNotAtAll() {
    Profile survivor = profile("p-survivor", 1, email("ann"));
    Profile loser = profile("p-loser", 1, email("ann.work"));
    storage.commit(create(survivor));
    storage.commit(create(loser));
    MergeRecord record = mergeRecord("m-1", MergeRecord.Kind.MERGE, survivor.id(), loser.id(), email("ann.work"));

    Commit stale = Commit.builder()
        .putProfile(next(survivor), 1)
        .deleteProfile(loser.id(), 9)
        .logMerge(record)
        .build();
    assertThatThrownBy(() -> storage.commit(stale)).isInstanceOf(CommitConflictException.class);
    assertThat(storage.mergeRecord("m-1")).isEmpty();
    assertThat(storage.mergeRecords(survivor.id())).isEmpty();

    storage.commit(Commit.builder()
        .putProfile(next(survivor), 1)
        .deleteProfile(loser.id(), 1)
        .assign(email("ann.work"), Optional.of(loser.id()), survivor.id())
        .logMerge(record)
        .build());
    assertThat(storage.mergeRecords(survivor.id())).containsExactly(record);
  }

  @Test
  void mergeLog_existingRecordId_isAConflictAndAppliesNothing() {
    ProfileId a = new ProfileId("p-a");
    storage.commit(Commit.builder().logMerge(mergeRecord("m-1", MergeRecord.Kind.MERGE, a, new ProfileId("p-b"), email("bob"))).build());
    Profile p = profile("p-x", 1, email("xavier"));

    Commit again = Commit.builder()
        .putProfile(p, 0)
        .logMerge(mergeRecord("m-1", MergeRecord.Kind.MERGE, a, new ProfileId("p-c"), email("cy")))
        .build();

    assertThatThrownBy(() -> storage.commit(again)).isInstanceOf(CommitConflictException.class);
    assertThat(storage.profile(p.id())).isEmpty();
    assertThat(storage.mergeRecords(new ProfileId("p-c"))).isEmpty();
  }

  @Test
  void mergeLog_splitsNaming_findsSplitsHoldingAnyIdentifier_onSidesOrKept() {
    ProfileId a = new ProfileId("p-a");
    ProfileId b = new ProfileId("p-b");
    MergeRecord merge = mergeRecord("m-1", MergeRecord.Kind.MERGE, a, b, email("bob"));
    MergeRecord split = new MergeRecord("s-1", MergeRecord.Kind.SPLIT, StorageFixtures.T0, a,
        List.of(new MergeRecord.Side(b, Set.of(email("bob")), List.of())),
        Optional.empty(), List.of(email("ann")), Optional.of("m-1"), "operator");
    storage.commit(Commit.builder().logMerge(merge).build());
    storage.commit(Commit.builder().logMerge(split).build());

    assertThat(storage.splitsNaming(List.of(email("bob")))).containsExactly(split);
    assertThat(storage.splitsNaming(List.of(email("ann"), email("bob")))).containsExactly(split);
    assertThat(storage.splitsNaming(List.of(email("cy")))).isEmpty();
    assertThat(storage.splitsNaming(List.of())).isEmpty();
  }

  /**
   * {@code splitsNaming} of many identifiers (1200, more than one query's worth for a chunking
   * backend) returns each split once, however many of its identifiers were asked about, in commit
   * order.
   */
  @Test
  void mergeLog_splitsNaming_manyIdentifiers_eachSplitOnce_inCommitOrder() {
    List<Identifier> keys = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      keys.add(customerId(String.format(java.util.Locale.ROOT, "k-%04d", i)));
    }
    ProfileId a = ProfileId.of("p-a");
    ProfileId b = ProfileId.of("p-b");
    MergeRecord later = new MergeRecord("a-split", MergeRecord.Kind.SPLIT, StorageFixtures.T0, a,
        List.of(new MergeRecord.Side(b, Set.of(keys.get(0), keys.get(1199)), List.of())),
        Optional.empty(), List.of(keys.get(600)), Optional.empty(), "operator");
    MergeRecord first = new MergeRecord("z-split", MergeRecord.Kind.SPLIT, StorageFixtures.T0.plusSeconds(1), a,
        List.of(new MergeRecord.Side(b, Set.of(keys.get(1), keys.get(1198)), List.of())),
        Optional.empty(), List.of(keys.get(599)), Optional.empty(), "operator");
    storage.commit(Commit.builder().logMerge(first).build());
    storage.commit(Commit.builder().logMerge(later).build());

    assertThat(storage.splitsNaming(keys)).containsExactly(first, later);
    List<Identifier> reversed = new ArrayList<>(keys);
    java.util.Collections.reverse(reversed);
    assertThat(storage.splitsNaming(reversed)).containsExactly(first, later);
  }

  @Test
  void mergeLog_erasure_removesEveryRecordNamingTheProfile_andKeepsOthers() {
    ProfileId a = new ProfileId("p-a");
    ProfileId b = new ProfileId("p-b");
    ProfileId c = new ProfileId("p-c");
    MergeRecord ab = mergeRecord("m-1", MergeRecord.Kind.MERGE, a, b, email("bob"));
    MergeRecord split = new MergeRecord("s-1", MergeRecord.Kind.SPLIT, StorageFixtures.T0, a,
        List.of(new MergeRecord.Side(b, Set.of(email("bob")), List.of())),
        Optional.empty(), List.of(email("ann")), Optional.of("m-1"), "operator");
    MergeRecord other = mergeRecord("m-2", MergeRecord.Kind.MERGE, c, new ProfileId("p-d"), email("dee"));
    storage.commit(Commit.builder().logMerge(ab).logMerge(split).logMerge(other).build());

    storage.commit(Commit.builder().eraseMergeRecords(b).build());

    assertThat(storage.mergeRecords(a)).isEmpty();
    assertThat(storage.mergeRecords(b)).isEmpty();
    assertThat(storage.mergeRecord("m-1")).isEmpty();
    assertThat(storage.splitsNaming(List.of(email("bob"), email("ann")))).isEmpty();
    List<MergeRecord> left = new ArrayList<>();
    storage.forEachMergeRecord(left::add);
    assertThat(left).containsExactly(other);
  }

  @Test
  void mergeLog_erasureAndNewRecordNamingTheSameProfile_inOneCommit_erasesFirstAndKeepsTheNewRecord() {
    // Commit.mergeRecordErasures() is applied before Commit.mergeRecords(): a record the same
    // commit logs survives the erasure even if it names the erased profile.
    ProfileId a = new ProfileId("p-a");
    ProfileId b = new ProfileId("p-b");
    MergeRecord old = mergeRecord("m-1", MergeRecord.Kind.MERGE, a, b, email("bob"));
    storage.commit(Commit.builder().logMerge(old).build());
    MergeRecord fresh = mergeRecord("m-2", MergeRecord.Kind.FORCED_MERGE, new ProfileId("p-c"), b, email("bob"));

    storage.commit(Commit.builder().eraseMergeRecords(b).logMerge(fresh).build());

    assertThat(storage.mergeRecord("m-1")).isEmpty();
    assertThat(storage.mergeRecord("m-2")).contains(fresh);
    assertThat(storage.mergeRecords(b)).containsExactly(fresh);
    List<MergeRecord> all = new ArrayList<>();
    storage.forEachMergeRecord(all::add);
    assertThat(all).containsExactly(fresh);
  }

  /**
   * Records come back exactly as logged (several sides, their {@code mergedFrom}, the order of the
   * links, an instant's nanoseconds, the event id, {@code undoes} and the note), and are read in
   * commit order, within one commit and across commits, which is neither id order nor time order;
   * {@code splitsNaming} keeps that order and returns only splits.
   */
  @Test
  void mergeLog_recordsAreReadBackExactly_inCommitOrder_notIdOrTimeOrder() {
    ProfileId a = new ProfileId("p-a");
    ProfileId b = new ProfileId("p-b");
    ProfileId c = new ProfileId("p-c");
    java.time.Instant t = StorageFixtures.T0.plusNanos(987_654_321);
    Identifier bob = email("bob");
    Identifier work = email("bob.work");
    MergeRecord zMerge = new MergeRecord("z-merge", MergeRecord.Kind.MERGE, t.plusSeconds(30), a,
        List.of(new MergeRecord.Side(b, Set.of(bob, work), List.of(ProfileId.of("p-old-2"), ProfileId.of("p-old-1"))),
            new MergeRecord.Side(c, Set.of(), List.of())),
        Optional.of("e-ü-7"), List.of(work, bob), Optional.empty(), "same email — rule «e»");
    MergeRecord forced = new MergeRecord("a-forced", MergeRecord.Kind.FORCED_MERGE, t.plusSeconds(20), c,
        List.of(new MergeRecord.Side(ProfileId.of("p-d"), Set.of(email("dee")), List.of())),
        Optional.empty(), List.of(), Optional.empty(), "operator: duplicate");
    MergeRecord split1 = new MergeRecord("s-split", MergeRecord.Kind.SPLIT, t.plusSeconds(10), a,
        List.of(new MergeRecord.Side(b, Set.of(bob), List.of(ProfileId.of("p-old-1")))),
        Optional.empty(), List.of(email("ann")), Optional.of("z-merge"), "operator");
    MergeRecord split2 = new MergeRecord("b-split", MergeRecord.Kind.SPLIT, t, a,
        List.of(new MergeRecord.Side(c, Set.of(work), List.of())),
        Optional.empty(), List.of(email("ann")), Optional.of("z-merge"), "operator");

    storage.commit(Commit.builder().logMerge(zMerge).logMerge(forced).build());
    storage.commit(Commit.builder().logMerge(split1).build());
    storage.commit(Commit.builder().logMerge(split2).build());

    List<MergeRecord> all = new ArrayList<>();
    storage.forEachMergeRecord(all::add);
    assertThat(all).containsExactly(zMerge, forced, split1, split2);
    for (MergeRecord r : all) {
      assertThat(storage.mergeRecord(r.id())).contains(r);
    }
    assertThat(storage.mergeRecord("z-merge").orElseThrow().links()).containsExactly(work, bob);
    assertThat(storage.mergeRecords(a)).containsExactly(zMerge, split1, split2);
    assertThat(storage.mergeRecords(c)).containsExactly(zMerge, forced, split2);
    assertThat(storage.splitsNaming(List.of(bob, work))).containsExactly(split1, split2);
    assertThat(storage.splitsNaming(List.of(work, bob))).containsExactly(split1, split2);
    assertThat(storage.splitsNaming(List.of(work))).containsExactly(split2);
    assertThat(storage.splitsNaming(List.of(email("dee")))).as("a merge holding it is no split").isEmpty();
  }

  @Test
  void mergeLog_redaction_replacesTheRecordInPlace_inTheLogByProfileAndAmongSplits() {
    ProfileId a = new ProfileId("p-a");
    ProfileId b = new ProfileId("p-b");
    ProfileId c = new ProfileId("p-c");
    MergeRecord ab = new MergeRecord("m-1", MergeRecord.Kind.MERGE, StorageFixtures.T0, a,
        List.of(new MergeRecord.Side(b, Set.of(email("bob"), email("bob.work")), List.of())),
        Optional.of("e-1"), List.of(email("bob"), email("bob.work")), Optional.empty(), "test");
    MergeRecord split = new MergeRecord("s-1", MergeRecord.Kind.SPLIT, StorageFixtures.T0, a,
        List.of(new MergeRecord.Side(b, Set.of(email("bob"), email("bob.work")), List.of())),
        Optional.empty(), List.of(email("ann")), Optional.of("m-1"), "operator");
    MergeRecord other = mergeRecord("m-2", MergeRecord.Kind.MERGE, c, new ProfileId("p-d"), email("dee"));
    MergeRecord later = mergeRecord("m-3", MergeRecord.Kind.MERGE, a, new ProfileId("p-e"), email("eve"));
    storage.commit(Commit.builder().logMerge(ab).logMerge(split).build());
    storage.commit(Commit.builder().logMerge(other).build());
    storage.commit(Commit.builder().logMerge(later).build());
    MergeRecord abRedacted = ab.without(List.of(email("bob")));
    MergeRecord splitRedacted = split.without(List.of(email("bob")));

    storage.commit(Commit.builder().redactMergeRecord(splitRedacted).redactMergeRecord(abRedacted).build());

    List<MergeRecord> all = new ArrayList<>();
    storage.forEachMergeRecord(all::add);
    assertThat(all).containsExactly(abRedacted, splitRedacted, other, later);
    assertThat(storage.mergeRecords(a)).containsExactly(abRedacted, splitRedacted, later);
    assertThat(storage.mergeRecords(b)).containsExactly(abRedacted, splitRedacted);
    assertThat(storage.mergeRecord("s-1")).contains(splitRedacted);
    assertThat(storage.mergeRecord("m-1")).contains(abRedacted);
    assertThat(storage.splitsNaming(List.of(email("bob")))).isEmpty();
    assertThat(storage.splitsNaming(List.of(email("bob.work")))).containsExactly(splitRedacted);
    assertThat(storage.splitsNaming(List.of(email("ann"), email("bob")))).containsExactly(splitRedacted);

    // The redacted records are appended after no more than before, and erased like any other.
    MergeRecord last = mergeRecord("m-4", MergeRecord.Kind.MERGE, b, new ProfileId("p-f"), email("fay"));
    storage.commit(Commit.builder().logMerge(last).build());
    assertThat(storage.mergeRecords(b)).containsExactly(abRedacted, splitRedacted, last);
    storage.commit(Commit.builder().eraseMergeRecords(b).build());
    all.clear();
    storage.forEachMergeRecord(all::add);
    assertThat(all).containsExactly(other, later);
    assertThat(storage.splitsNaming(List.of(email("bob.work"), email("ann")))).isEmpty();
  }

  @Test
  void mergeLog_redaction_isAppliedWithTheRestOfTheCommitOrNotAtAll() {
    ProfileId a = new ProfileId("p-a");
    Profile x = profile("p-x", 1, email("xavier"));
    storage.commit(create(x));
    MergeRecord ab = mergeRecord("m-1", MergeRecord.Kind.MERGE, a, new ProfileId("p-b"), email("bob"), email("bob.work"));
    storage.commit(Commit.builder().logMerge(ab).build());
    MergeRecord redacted = ab.without(List.of(email("bob.work")));

    Commit stale = Commit.builder().redactMergeRecord(redacted).deleteProfile(x.id(), 7).unassign(email("xavier"), x.id()).build();
    assertThatThrownBy(() -> storage.commit(stale)).isInstanceOf(CommitConflictException.class);
    assertThat(storage.mergeRecord("m-1")).contains(ab);

    MergeRecord added = mergeRecord("m-2", MergeRecord.Kind.MERGE, a, new ProfileId("p-c"), email("cy"));
    storage.commit(Commit.builder()
        .deleteProfile(x.id(), 1)
        .unassign(email("xavier"), x.id())
        .eraseMergeRecords(x.id())
        .redactMergeRecord(redacted)
        .logMerge(added)
        .build());
    assertThat(storage.profile(x.id())).isEmpty();
    assertThat(storage.mergeRecords(a)).containsExactly(redacted, added);
  }

  @Test
  void mergeLog_redactionOfAMissingErasedOrChangedRecord_isAConflictAndAppliesNothing() {
    ProfileId a = new ProfileId("p-a");
    ProfileId b = new ProfileId("p-b");
    MergeRecord ab = mergeRecord("m-1", MergeRecord.Kind.MERGE, a, b, email("bob"), email("bob.work"));
    storage.commit(Commit.builder().logMerge(ab).build());
    Profile x = profile("p-x", 1, email("xavier"));

    // never logged
    Commit missing = Commit.builder().putProfile(x, 0).redactMergeRecord(
        mergeRecord("m-9", MergeRecord.Kind.MERGE, a, b, email("bob"))).build();
    assertThatThrownBy(() -> storage.commit(missing)).isInstanceOf(CommitConflictException.class);
    assertThat(storage.profile(x.id())).isEmpty();

    // erased by the same commit (its erasures come first)
    Commit erased = Commit.builder().eraseMergeRecords(b).redactMergeRecord(ab.without(List.of(email("bob")))).build();
    assertThatThrownBy(() -> storage.commit(erased)).isInstanceOf(CommitConflictException.class);
    assertThat(storage.mergeRecord("m-1")).contains(ab);

    // not a redaction of what is stored: another erasure redacted it after this one was made
    MergeRecord withoutBob = ab.without(List.of(email("bob")));
    MergeRecord withoutWork = ab.without(List.of(email("bob.work")));
    storage.commit(Commit.builder().redactMergeRecord(withoutBob).build());
    Commit changed = Commit.builder().putProfile(x, 0).redactMergeRecord(withoutWork).build();
    assertThatThrownBy(() -> storage.commit(changed)).isInstanceOf(CommitConflictException.class);
    assertThat(storage.profile(x.id())).isEmpty();
    assertThat(storage.mergeRecord("m-1")).contains(withoutBob);
    storage.commit(Commit.builder().redactMergeRecord(withoutBob.without(List.of(email("bob.work")))).build());
    assertThat(storage.mergeRecord("m-1")).contains(ab.without(List.of(email("bob"), email("bob.work"))));
  }

  /**
   * A backend must say that it applies merge-record redactions: erasure refuses to run on one
   * that answers {@code false} (the default of {@link Storage#redactsMergeRecordsInPlace()}),
   * where it would have to redact. The redaction tests above check that it does.
   */
  @Test
  void redactsMergeRecordsInPlace_isDeclared() {
    assertThat(storage.redactsMergeRecordsInPlace())
        .as("Storage.redactsMergeRecordsInPlace() of %s (override it to answer true once commit applies"
            + " Commit.mergeRecordRedactions())", storage.getClass().getName())
        .isTrue();
  }

  /**
   * Two erasures redact the same records at the same time, each removing its own identifier: for
   * each record both read it, then both commit their redaction of what they read. The second to
   * commit must get a {@link CommitConflictException} (the stored record is no longer the one its
   * replacement redacts) and, reading the record again, redacts that (as erasure does): both take
   * effect in every record, which keeps its place in the log. A backend that let the second
   * redaction overwrite the first would put back an identifier the first erased.
   */
  @Test
  @Timeout(60)
  void mergeLog_concurrentRedactionsOfTheSameRecord_bothTakeEffect_theSecondAfterAConflict() throws Exception {
    int records = 100;
    ProfileId a = new ProfileId("p-a");
    ProfileId b = new ProfileId("p-b");
    List<String> ids = new ArrayList<>();
    List<Identifier> erased = List.of(email("bob"), email("cy"));
    for (int k = 0; k < records; k++) {
      MergeRecord r = mergeRecord("m-r-" + k, MergeRecord.Kind.MERGE, a, b, email("bob"), email("cy"), email("dee"));
      storage.commit(Commit.builder().logMerge(r).build());
      ids.add(r.id());
    }
    AtomicLong conflicts = new AtomicLong();
    java.util.concurrent.CyclicBarrier bothRead = new java.util.concurrent.CyclicBarrier(2);

    runConcurrently(2, t -> {
      Identifier mine = erased.get(t);
      for (String id : ids) {
        for (int attempt = 0; ; attempt++) {
          assertThat(attempt).as("retries of one redaction").isLessThan(100);
          MergeRecord stored = storage.mergeRecord(id).orElseThrow();
          if (attempt == 0) {
            bothRead.await(10, TimeUnit.SECONDS);
          }
          try {
            storage.commit(Commit.builder().redactMergeRecord(stored.without(List.of(mine))).build());
            break;
          } catch (CommitConflictException conflict) {
            conflicts.incrementAndGet();
          }
        }
      }
    });

    List<MergeRecord> all = new ArrayList<>();
    storage.forEachMergeRecord(all::add);
    assertThat(all).extracting(MergeRecord::id).containsExactlyElementsOf(ids);
    for (MergeRecord r : all) {
      assertThat(r.holds(email("bob"))).as("%s still holds the first erasure's identifier", r.id()).isFalse();
      assertThat(r.holds(email("cy"))).as("%s still holds the second erasure's identifier", r.id()).isFalse();
      assertThat(r.holds(email("dee"))).as("%s lost an identifier no erasure removed", r.id()).isTrue();
    }
    assertThat(conflicts.get()).as("conflicts: one per record, for the second redaction to commit").isEqualTo(records);
    assertThat(storage.mergeRecords(a)).containsExactlyElementsOf(all);
    assertThat(storage.splitsNaming(erased)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Paging

  @Test
  void profiles_paging_visitsEveryProfileOnceInIdOrder() {
    List<ProfileId> ids = new ArrayList<>();
    for (int i = 0; i < 37; i++) {
      ProfileId id = ProfileId.random();
      ids.add(id);
      storage.commit(Commit.builder().putProfile(profile(id.value(), 1), 0).build());
    }
    List<ProfileId> sorted = ids.stream().sorted().collect(Collectors.toList());

    for (int limit : new int[] {1, 5, 36, 37, 100}) {
      List<Integer> sizes = new ArrayList<>();
      assertThat(pageThrough(limit, page -> sizes.add(page.size()))).as("limit %s", limit).isEqualTo(sorted);
      // Only the last page may be short: callers stop at a short page.
      assertThat(sizes.subList(0, sizes.size() - 1)).as("pages before the last, limit %s", limit).allMatch(n -> n == limit);
    }
    assertThat(storage.profileCount()).isEqualTo(37);
  }

  @Test
  void profiles_limitAboveAnyPageSizeABackendMightPrefer_isAFullPage_soForEachProfileVisitsAll() {
    // A page shorter than the limit is the last one (forEachProfile reads 1024 at a time): a
    // backend that capped its pages below that would end every scan early without an error.
    int n = 1100;
    Commit.Builder b = Commit.builder();
    for (int i = 0; i < n; i++) {
      b.putProfile(profile(String.format(java.util.Locale.ROOT, "p-%04d", i), 1), 0);
    }
    storage.commit(b.build());

    assertThat(storage.profiles(Optional.empty(), n)).hasSize(n);
    assertThat(storage.profiles(Optional.of(ProfileId.of("p-0050")), 1024)).hasSize(1024);
    AtomicLong visited = new AtomicLong();
    storage.forEachProfile(p -> visited.incrementAndGet());
    assertThat(visited.get()).isEqualTo(n);
  }

  @Test
  void profiles_afterAbsentId_startsAfterIt() {
    for (String id : List.of("p-b", "p-d", "p-f")) {
      storage.commit(Commit.builder().putProfile(profile(id, 1), 0).build());
    }

    assertThat(storage.profiles(Optional.of(ProfileId.of("p-c")), 10))
        .extracting(Profile::id)
        .containsExactly(ProfileId.of("p-d"), ProfileId.of("p-f"));
    assertThat(storage.profiles(Optional.of(ProfileId.of("p-d")), 1))
        .extracting(Profile::id)
        .containsExactly(ProfileId.of("p-f"));
    assertThat(storage.profiles(Optional.of(ProfileId.of("p-f")), 10)).isEmpty();
  }

  @Test
  void profiles_limitBelowOne_throws() {
    assertThatIllegalArgumentException().isThrownBy(() -> storage.profiles(Optional.empty(), 0))
        .withMessageContaining("limit");
    assertThatIllegalArgumentException().isThrownBy(() -> storage.profiles(Optional.empty(), -1))
        .withMessageContaining("limit");
  }

  @Test
  void profiles_commitsBetweenPages_visitStableProfilesExactlyOnce() {
    // "s" profiles exist throughout the scan; "v" profiles come and go between pages.
    List<ProfileId> stable = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ProfileId id = ProfileId.of(String.format(java.util.Locale.ROOT, "p-%02d-s", i));
      stable.add(id);
      storage.commit(Commit.builder().putProfile(profile(id.value(), 1), 0).build());
      if (i % 3 == 0) {
        storage.commit(Commit.builder().putProfile(profile(volatileId(i).value(), 1), 0).build());
      }
    }
    int[] page = {0};

    List<ProfileId> seen = pageThrough(4, p -> {
      int n = page[0]++;
      // Update stable profiles ahead of and behind the cursor, create and delete others.
      for (int i = n % 5; i < 30; i += 5) {
        Profile current = storage.profile(stable.get(i)).orElseThrow();
        storage.commit(Commit.builder().putProfile(next(current), current.version()).build());
      }
      for (int i = 0; i < 30; i++) {
        ProfileId v = volatileId(i);
        Optional<Profile> current = storage.profile(v);
        if (current.isPresent() && (i + n) % 2 == 0) {
          storage.commit(Commit.builder().deleteProfile(v, current.get().version()).build());
        } else if (current.isEmpty() && (i + n) % 3 == 0) {
          storage.commit(Commit.builder().putProfile(profile(v.value(), 1), 0).build());
        }
      }
    });

    assertThat(seen).doesNotHaveDuplicates().isSorted();
    assertThat(seen.stream().filter(stable::contains)).containsExactlyElementsOf(stable);
  }

  /** forEachProfile visits every profile once, in id order, whatever order they were created in. */
  @Test
  void forEachProfile_visitsEveryProfileOnceInIdOrder() {
    List<String> ids = List.of("p-m", "p-b", "p-z", "p-a", "p-k");
    for (String id : ids) {
      storage.commit(Commit.builder().putProfile(profile(id, 1), 0).build());
    }
    List<String> visited = new ArrayList<>();

    storage.forEachProfile(p -> visited.add(p.id().value()));

    assertThat(visited).containsExactly("p-a", "p-b", "p-k", "p-m", "p-z");
  }

  @Test
  void profileCount_followsCreatesAndDeletes() {
    storage.commit(Commit.builder().putProfile(profile("p-1", 1), 0).putProfile(profile("p-2", 1), 0).build());
    assertThat(storage.profileCount()).isEqualTo(2);

    storage.commit(Commit.builder().putProfile(profile("p-3", 1), 0).deleteProfile(ProfileId.of("p-1"), 1).build());
    assertThat(storage.profileCount()).isEqualTo(2);

    storage.commit(Commit.builder().deleteProfile(ProfileId.of("p-2"), 1).build());
    assertThat(storage.profileCount()).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------------
  // Read-ahead: a hint that changes no read

  @Test
  void readAhead_ofPresentAbsentRemovedAndErasedKeys_changesNoRead() {
    World w = world();
    Identifier gone = customerId("c-gone");
    Identifier erased = email("erased");
    Profile g = profile("p-g", 1, gone);
    storage.commit(create(g));
    storage.commit(Commit.builder().append(event("e-g", 40, gone)).append(event("e-x", 41, erased)).build());
    storage.commit(Commit.builder().deleteProfile(g.id(), 1).unassign(gone, g.id()).eraseEvents(gone).eraseEvents(erased).build());
    List<Identifier> keys = List.of(w.annEmail, w.annCid, w.bobEmail, w.newEmail, email("carl"), gone, erased, w.annEmail);
    List<String> eventIds = List.of("e-a1", "e-b1", "e-new", "e-g", "e-x", "e-never", "e-a1");
    Snapshot before = snapshot(keys, eventIds);
    OwnedProfiles ownedBefore = storage.ownedProfiles(keys);

    storage.readAhead(keys, eventIds);
    storage.readAhead(new java.util.LinkedHashSet<>(keys), new java.util.ArrayDeque<>(eventIds)); // not lists
    storage.readAhead(List.of(), List.of());

    assertThat(snapshot(keys, eventIds)).isEqualTo(before);
    OwnedProfiles ownedAfter = storage.ownedProfiles(keys);
    assertThat(ownedAfter.owners()).isEqualTo(ownedBefore.owners());
    assertThat(ownedAfter.profiles()).isEqualTo(ownedBefore.profiles());
    // Commits after a read-ahead (the bulk ingestion's order) apply as without it.
    storage.readAhead(List.of(w.newEmail, w.annEmail), List.of("e-new", "e-a2"));
    assertConflictAppliesNothing(w.validParts().append(event("e-a1", 50, w.annEmail)).build(), w, w.snapshot());
    storage.readAhead(keys, eventIds);
    storage.commit(Commit.builder().append(event("e-a2", 60, w.annEmail)).build());
    assertThat(storage.containsEvent("e-a2")).isTrue();
    assertThat(storage.events(List.of(w.annEmail))).extracting(e -> e.event().id()).containsExactly("e-a1", "e-a2");
  }

  // ---------------------------------------------------------------------------------------------
  // Arguments and returned values

  /**
   * Reads after a read-ahead answer as of the read, not as of the read-ahead: commits after it
   * (a new owner, a moved and a removed entry, a changed and a new profile, an event appended and
   * one erased) show. The collections are the caller's: emptied and reused after the call (as
   * bulk ingestion does for its next group), they change nothing.
   */
  @Test
  void readAhead_thenCommits_laterReadsShowTheCommits_andTheCallersCollectionsMayBeReused() {
    World w = world();
    List<Identifier> keys = new ArrayList<>(List.of(w.annEmail, w.annCid, w.bobEmail, w.newEmail));
    List<String> eventIds = new ArrayList<>(List.of("e-a1", "e-b1", "e-new"));
    storage.readAhead(keys, eventIds);
    keys.clear();
    eventIds.clear();
    keys.add(email("carl"));
    eventIds.add("e-carl");

    storage.commit(w.validParts().build());
    storage.commit(Commit.builder().eraseEvents(w.bobEmail).build());

    ProfileId c = ProfileId.of("p-c");
    OwnedProfiles read = storage.ownedProfiles(List.of(w.annEmail, w.annCid, w.bobEmail, w.newEmail));
    assertThat(read.owners()).isEqualTo(Map.of(w.annEmail, w.a.id(), w.annCid, w.b.id(), w.newEmail, c));
    assertThat(read.profiles()).isEqualTo(Map.of(w.a.id(), w.a, w.b.id(), next(w.b).toBuilder().addTag("changed").build(),
        c, profile("p-c", 1, w.newEmail)));
    assertThat(storage.owner(w.bobEmail)).isEmpty();
    assertThat(storage.containsEvent("e-new")).isTrue();
    assertThat(storage.containsEvent("e-b1")).isFalse();
    assertThat(storage.containedEvents(List.of("e-a1", "e-b1", "e-new"))).containsExactlyInAnyOrder("e-a1", "e-new");
    assertThat(storage.containsEventAt("e-new", w.newEmail)).isTrue();
    assertThat(storage.containsEventAt("e-b1", w.bobEmail)).isFalse();
  }

  /**
   * Commits may run while a read-ahead does: one writer moves two identifiers between two profiles
   * and appends an event in each commit while the readers read ahead and then read; the read-ahead
   * throws nothing and every read shows whole commits.
   */
  @Test
  @Timeout(30)
  void readAhead_concurrentWithCommits_throwsNothing_andReadsShowWholeCommits() throws Exception {
    Identifier x = email("x");
    Identifier y = customerId("y");
    Profile a = profile("p-a", 1, x, y);
    Profile b = profile("p-b", 1);
    storage.commit(create(a));
    storage.commit(create(b));
    AtomicLong committed = new AtomicLong();

    assertNoReaderSeesPartialCommit(
        moves -> {
          ProfileId from = moves % 2 == 0 ? a.id() : b.id();
          ProfileId to = moves % 2 == 0 ? b.id() : a.id();
          storage.commit(Commit.builder()
              .assign(x, Optional.of(from), to)
              .assign(y, Optional.of(from), to)
              .append(event("e-ra-" + moves, moves, x))
              .build());
          committed.set(moves + 1);
        },
        reads -> {
          long before = committed.get();
          List<String> asked = List.of("e-ra-" + before, "e-ra-" + (before + 1));
          storage.readAhead(List.of(x, y), asked);
          Map<Identifier, ProfileId> owners = storage.owners(List.of(y, x));
          if (owners.size() != 2 || !owners.get(x).equals(owners.get(y))) {
            return "owners after a read-ahead " + owners;
          }
          if (before > 0 && !storage.containsEvent("e-ra-" + (before - 1))) {
            return "an event committed before the read-ahead is missing after it";
          }
          return null;
        });
  }

  /** No read returns null, on an empty store and on one with data (the Null arguments contract). */
  @Test
  void reads_neverReturnNull() {
    for (int round = 0; round < 2; round++) {
      if (round == 1) {
        world();
        storage.commit(Commit.builder().logMerge(mergeRecord("m-1", MergeRecord.Kind.MERGE, ProfileId.of("p-a"),
            ProfileId.of("p-z"), email("zed"))).build());
      }
      List<Identifier> keys = List.of(email("ann"), email("nobody"));
      assertThat(storage.profile(ProfileId.of("p-a"))).isNotNull();
      assertThat(storage.profile(ProfileId.of("p-nobody"))).isNotNull();
      assertThat(storage.profiles(Optional.empty(), 5)).isNotNull();
      assertThat(storage.owner(email("ann"))).isNotNull();
      assertThat(storage.owner(email("nobody"))).isNotNull();
      assertThat(storage.owners(keys)).isNotNull();
      OwnedProfiles owned = storage.ownedProfiles(keys);
      assertThat(owned).isNotNull();
      assertThat(owned.owners()).isNotNull();
      assertThat(owned.profiles()).isNotNull();
      assertThat(storage.events(keys)).isNotNull();
      assertThat(storage.containedEvents(List.of("e-a1", "e-nobody"))).isNotNull();
      try (Stream<StoredEvent> all = storage.allEvents()) {
        assertThat(all).isNotNull();
      }
      assertThat(storage.mergeRecords(ProfileId.of("p-a"))).isNotNull();
      assertThat(storage.mergeRecords(ProfileId.of("p-nobody"))).isNotNull();
      assertThat(storage.mergeRecord("m-1")).isNotNull();
      assertThat(storage.mergeRecord("m-nobody")).isNotNull();
      assertThat(storage.splitsNaming(keys)).isNotNull();
    }
  }

  @Test
  void methods_nullArguments_throwNullPointerException() {
    assertThatNullPointerException().isThrownBy(() -> storage.commit(null));
    assertThatNullPointerException().isThrownBy(() -> storage.profile(null));
    assertThatNullPointerException().isThrownBy(() -> storage.profiles(null, 1));
    assertThatNullPointerException().isThrownBy(() -> storage.owner(null));
    assertThatNullPointerException().isThrownBy(() -> storage.owners(null));
    assertThatNullPointerException().isThrownBy(() -> storage.ownedProfiles(null));
    assertThatNullPointerException().isThrownBy(() -> storage.ownedProfiles(java.util.Arrays.asList(email("ann"), null)));
    assertThatNullPointerException().isThrownBy(() -> storage.events(null));
    assertThatNullPointerException().isThrownBy(() -> storage.containsEvent(null));
    assertThatNullPointerException().isThrownBy(() -> storage.containedEvents(null));
    assertThatNullPointerException().isThrownBy(() -> storage.isTombstoned(null));
    assertThatNullPointerException().isThrownBy(() -> storage.mergeRecords(null));
    assertThatNullPointerException().isThrownBy(() -> storage.mergeRecord(null));
    assertThatNullPointerException().isThrownBy(() -> storage.splitsNaming(null));
    assertThatNullPointerException().isThrownBy(() -> storage.forEachMergeRecord(null));
    assertThatNullPointerException().isThrownBy(() -> storage.forEachProfile(null));
    assertThatNullPointerException().isThrownBy(() -> storage.readAhead(null, List.of()))
        .withMessageContaining("identifiers");
    assertThatNullPointerException().isThrownBy(() -> storage.readAhead(List.of(), null))
        .withMessageContaining("eventIds");
  }

  /**
   * A null inside a collection argument is refused as a null argument is, with a message naming
   * the argument: answering "absent" for it would hide the caller's bug as much as for a null
   * key alone.
   */
  @Test
  void reads_nullElements_throwNullPointerExceptionNamingTheArgument() {
    List<Identifier> withNull = java.util.Arrays.asList(email("ann"), null);
    assertThatNullPointerException().isThrownBy(() -> storage.owners(withNull)).withMessageContaining("identifiers");
    assertThatNullPointerException().isThrownBy(() -> storage.ownedProfiles(withNull)).withMessageContaining("identifiers");
    assertThatNullPointerException().isThrownBy(() -> storage.events(withNull)).withMessageContaining("anchors");
    assertThatNullPointerException().isThrownBy(() -> storage.splitsNaming(withNull)).withMessageContaining("identifiers");
    assertThatNullPointerException().isThrownBy(() -> storage.containedEvents(java.util.Arrays.asList("e-1", null)))
        .withMessageContaining("eventIds");
  }

  @Test
  void reads_returnedCollections_doNotExposeStoredState() {
    World w = world();
    Snapshot before = w.snapshot();

    tryToClear(storage.profiles(Optional.empty(), 10));
    tryToClear(storage.owners(List.of(w.annEmail, w.bobEmail)).keySet());
    OwnedProfiles owned = storage.ownedProfiles(List.of(w.annEmail, w.bobEmail));
    tryToClear(owned.owners().keySet());
    tryToClear(owned.profiles().values());
    tryToClear(storage.events(List.of(w.annEmail, w.bobEmail)));

    assertThat(w.snapshot()).isEqualTo(before);
  }

  // ---------------------------------------------------------------------------------------------
  // Concurrency

  @Test
  @Timeout(30)
  void commit_concurrentReadModifyWrite_losesNoUpdate() throws Exception {
    int profiles = 3;
    int opsPerThread = operationsPerThread();
    List<ProfileId> ids = new ArrayList<>();
    List<Identifier> anchors = new ArrayList<>();
    for (int k = 0; k < profiles; k++) {
      Profile p = profile("p-" + k, 1, customerId("c-" + k));
      ids.add(p.id());
      anchors.add(customerId("c-" + k));
      storage.commit(create(p));
    }
    AtomicLongArray successes = new AtomicLongArray(profiles);
    AtomicLong conflicts = new AtomicLong();

    runConcurrently(THREADS, t -> {
      for (int op = 0; op < opsPerThread; op++) {
        int k = (op + t) % profiles;
        StoredEvent e = event("e-" + t + "-" + op, op, anchors.get(k));
        for (int attempt = 0; ; attempt++) {
          assertThat(attempt).as("retries of one increment").isLessThan(100_000);
          Profile current = storage.profile(ids.get(k)).orElseThrow();
          try {
            storage.commit(Commit.builder().putProfile(next(current), current.version()).append(e).build());
            successes.incrementAndGet(k);
            break;
          } catch (CommitConflictException conflict) {
            conflicts.incrementAndGet();
          }
        }
      }
    });

    long total = 0;
    for (int k = 0; k < profiles; k++) {
      Profile p = storage.profile(ids.get(k)).orElseThrow();
      assertThat(p.version()).as("version of %s", p.id()).isEqualTo(1 + successes.get(k));
      assertThat(p.eventCount()).as("counter of %s", p.id()).isEqualTo(successes.get(k));
      assertThat(storage.events(List.of(anchors.get(k)))).hasSize((int) successes.get(k));
      total += successes.get(k);
    }
    assertThat(total).isEqualTo((long) THREADS * opsPerThread);
    assertThat(storage.eventCount()).isEqualTo(total);
  }

  @Test
  @Timeout(60)
  void commit_parallelMergesOverOverlappingIdentifiers_keepIndexAndProfilesInAgreement() throws Exception {
    // 24 one-identifier profiles; every thread repeatedly picks three identifiers (threads pick
    // overlapping ones) and merges whatever profiles own them into one, appending an event.
    int n = 24;
    List<Identifier> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Identifier id = customerId(String.format(java.util.Locale.ROOT, "m-%02d", i));
      all.add(id);
      storage.commit(create(profile(String.format(java.util.Locale.ROOT, "p-%02d", i), 1, id)));
    }
    AtomicLong merges = new AtomicLong();
    AtomicLong appended = new AtomicLong();
    int opsPerThread = 40;

    runConcurrently(THREADS, t -> {
      java.util.Random random = new java.util.Random(31L * t + 7);
      for (int op = 0; op < opsPerThread; op++) {
        List<Identifier> picked = List.of(all.get(random.nextInt(n)), all.get(random.nextInt(n)), all.get(random.nextInt(n)));
        StoredEvent e = event("e-m-" + t + "-" + op, op, picked.get(0));
        for (int attempt = 0; ; attempt++) {
          assertThat(attempt).as("retries of one merge").isLessThan(10_000);
          try {
            if (mergeOwners(picked, e)) {
              merges.incrementAndGet();
            }
            appended.incrementAndGet();
            break;
          } catch (CommitConflictException conflict) {
            Thread.yield();
          }
        }
      }
    });

    // Every identifier has exactly one owner, which exists and lists it; every profile's
    // identifiers are owned by it; no event was lost; the counters add up.
    Map<Identifier, ProfileId> owners = storage.owners(all);
    assertThat(owners).hasSize(n);
    List<Profile> profiles = storage.profiles(Optional.empty(), Integer.MAX_VALUE);
    assertThat(profiles).hasSize((int) storage.profileCount());
    long counted = 0;
    Set<Identifier> held = new java.util.HashSet<>();
    for (Profile p : profiles) {
      assertThat(p.identifiers()).as("identifiers of %s", p.id()).isNotEmpty();
      for (Identifier id : identifiersOf(p)) {
        assertThat(owners.get(id)).as("owner of an identifier %s holds", p.id()).isEqualTo(p.id());
        assertThat(held.add(id)).as("identifier on two profiles").isTrue();
      }
      assertThat(p.mergedFrom()).doesNotContain(p.id());
      counted += p.eventCount();
    }
    assertThat(held).containsExactlyInAnyOrderElementsOf(all);
    assertThat(owners.values()).allSatisfy(owner -> assertThat(storage.profile(owner)).isPresent());
    assertThat(counted).isEqualTo(appended.get());
    assertThat(storage.eventCount()).isEqualTo(appended.get()).isEqualTo((long) THREADS * opsPerThread);
    // Every merge removed at least one profile, and nothing else did.
    assertThat((long) profiles.size()).isLessThanOrEqualTo(n - merges.get());
    long timeline = profiles.stream().mapToLong(p -> storage.events(identifiersOf(p)).size()).sum();
    assertThat(timeline).isEqualTo(appended.get());
  }

  /**
   * Reads the owners of {@code identifiers} and commits one merge of them into the profile
   * with the smallest id, appending {@code e}; returns whether profiles were merged.
   */
  private boolean mergeOwners(List<Identifier> identifiers, StoredEvent e) {
    Map<Identifier, ProfileId> owners = storage.owners(identifiers);
    java.util.TreeSet<ProfileId> ids = new java.util.TreeSet<>(owners.values());
    List<Profile> profiles = new ArrayList<>();
    for (ProfileId id : ids) {
      profiles.add(storage.profile(id).orElseThrow(() -> new CommitConflictException("owner vanished")));
    }
    Profile survivor = profiles.get(0);
    Profile.Builder merged = survivor.toBuilder().version(survivor.version() + 1)
        .eventCount(profiles.stream().mapToLong(Profile::eventCount).sum() + 1);
    Commit.Builder commit = Commit.builder();
    for (Profile loser : profiles.subList(1, profiles.size())) {
      loser.identifiers().forEach(merged::putIdentifier);
      merged.addMergedFrom(List.of(loser.id())).addMergedFrom(loser.mergedFrom());
      commit.deleteProfile(loser.id(), loser.version());
      for (Identifier id : identifiersOf(loser)) {
        commit.assign(id, Optional.of(loser.id()), survivor.id());
      }
    }
    storage.commit(commit.putProfile(merged.build(), survivor.version()).append(e).build());
    return profiles.size() > 1;
  }

  @Test
  @Timeout(30)
  void owners_pairMovedTogether_neverSeenMixed() throws Exception {
    Identifier x = email("x");
    Identifier y = customerId("y");
    Profile a = profile("p-a", 1, x, y);
    Profile b = profile("p-b", 1);
    storage.commit(create(a));
    storage.commit(create(b));

    assertNoReaderSeesPartialCommit(
        moves -> {
          ProfileId from = moves % 2 == 0 ? a.id() : b.id();
          ProfileId to = moves % 2 == 0 ? b.id() : a.id();
          storage.commit(Commit.builder()
              .assign(x, Optional.of(from), to)
              .assign(y, Optional.of(from), to)
              .build());
        },
        reads -> {
          Map<Identifier, ProfileId> owners = storage.owners(reads % 2 == 0 ? List.of(x, y) : List.of(y, x));
          return owners.size() == 2 && owners.get(x).equals(owners.get(y)) ? null : "owners " + owners;
        });
  }

  /**
   * The one-consistent-state promises of {@code owners}, {@code ownedProfiles} and {@code events}
   * hold for reads of many keys too (1200 here, which a backend may split into several queries, as
   * {@code containedEvents_manyIdsAtOnce_onlyTheStoredOnes} expects): one writer moves two
   * identifiers, the first and the last asked about, between two profiles and appends an event
   * under each in every commit; no read may show one moved without the other, or one event
   * without the other.
   */
  @Test
  @Timeout(30)
  void owners_ownedProfiles_events_manyKeys_neverSeenMixed() throws Exception {
    Identifier x = email("x");
    Identifier y = customerId("y");
    Profile a = profile("p-a", 1, x, y);
    Profile b = profile("p-b", 1);
    storage.commit(create(a));
    storage.commit(create(b));
    List<Identifier> keys = new ArrayList<>();
    keys.add(x);
    for (int i = 0; i < 1198; i++) {
      keys.add(customerId(String.format(java.util.Locale.ROOT, "filler-%04d", i)));
    }
    keys.add(y);

    assertNoReaderSeesPartialCommit(
        moves -> {
          ProfileId from = moves % 2 == 0 ? a.id() : b.id();
          ProfileId to = moves % 2 == 0 ? b.id() : a.id();
          storage.commit(Commit.builder()
              .assign(x, Optional.of(from), to)
              .assign(y, Optional.of(from), to)
              .append(event("e-bx-" + moves, moves, x))
              .append(event("e-by-" + moves, moves, y))
              .build());
        },
        reads -> {
          switch ((int) (reads % 3)) {
            case 0 -> {
              Map<Identifier, ProfileId> owners = storage.owners(keys);
              return owners.size() == 2 && owners.get(x).equals(owners.get(y)) ? null : "owners " + owners;
            }
            case 1 -> {
              OwnedProfiles read = storage.ownedProfiles(keys);
              ProfileId owner = read.owners().get(x);
              return read.owners().size() == 2 && owner.equals(read.owners().get(y)) && read.profile(owner).isPresent()
                  ? null : "ownedProfiles " + read;
            }
            default -> {
              int seen = storage.events(keys).size();
              return seen % 2 == 0 ? null : "events " + seen;
            }
          }
        });
  }

  @Test
  @Timeout(30)
  void ownedProfiles_overridden_mergesBackAndForth_neverSeenMixed() throws Exception {
    // Only a backend that overrides ownedProfiles promises one consistent state (see its
    // Javadoc); the default reads owners and profiles one after the other.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        overridesOwnedProfiles(), "the backend keeps the default ownedProfiles: two reads, not one state");
    Identifier x = email("x");
    Identifier y = customerId("y");
    // Two states, each one commit away from the other: p-a exists and owns x and y, or p-a is
    // deleted and p-b (created again) owns them. A read must find the owners' profile, tagged
    // with the version of the state it belongs to.
    ProfileId aId = ProfileId.of("p-a");
    ProfileId bId = ProfileId.of("p-b");
    storage.commit(create(profile("p-a", 1, x, y).toBuilder().addTag("s0").build()));

    assertNoReaderSeesPartialCommit(
        moves -> {
          ProfileId from = moves % 2 == 0 ? aId : bId;
          ProfileId to = moves % 2 == 0 ? bId : aId;
          storage.commit(Commit.builder()
              .deleteProfile(from, 1)
              .putProfile(profile(to.value(), 1, x, y).toBuilder().addTag("s" + (moves + 1)).build(), 0)
              .assign(x, Optional.of(from), to)
              .assign(y, Optional.of(from), to)
              .build());
        },
        reads -> {
          OwnedProfiles read = storage.ownedProfiles(reads % 2 == 0 ? List.of(x, y) : List.of(y, x));
          ProfileId owner = read.owners().get(x);
          Profile p = owner == null ? null : read.profiles().get(owner);
          boolean whole = read.owners().size() == 2 && owner.equals(read.owners().get(y)) && p != null
              && read.profiles().size() == 1 && identifiersOf(p).containsAll(List.of(x, y));
          return whole ? null : read.toString();
        });
  }

  private boolean overridesOwnedProfiles() {
    try {
      return storage.getClass().getMethod("ownedProfiles", Collection.class).getDeclaringClass() != Storage.class;
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @Timeout(30)
  void profiles_concurrentCommits_pageShowsWholeCommits() throws Exception {
    // Two states, each one commit away from the other: "a" tagged single and no "b", or "a"
    // tagged pair and "b" present. A page must show one of them, never a mix.
    Profile a = profile("p-a", 1).toBuilder().addTag("single").build();
    storage.commit(Commit.builder().putProfile(a, 0).build());
    ProfileId aId = a.id();
    ProfileId bId = ProfileId.of("p-b");

    assertNoReaderSeesPartialCommit(
        moves -> {
          Profile current = storage.profile(aId).orElseThrow();
          Profile.Builder changed = current.toBuilder().version(current.version() + 1);
          Commit.Builder commit = Commit.builder();
          if (moves % 2 == 0) {
            commit.putProfile(changed.removeTag("single").addTag("pair").build(), current.version())
                .putProfile(profile(bId.value(), 1), 0);
          } else {
            commit.putProfile(changed.removeTag("pair").addTag("single").build(), current.version())
                .deleteProfile(bId, 1);
          }
          storage.commit(commit.build());
        },
        reads -> {
          List<Profile> page = storage.profiles(Optional.empty(), 10);
          boolean hasB = page.stream().anyMatch(p -> p.id().equals(bId));
          Profile pa = page.stream().filter(p -> p.id().equals(aId)).findFirst().orElse(null);
          if (pa == null || pa.tags().contains("pair") != hasB) {
            return "page " + page.stream().map(p -> p.id() + "" + p.tags()).collect(Collectors.toList());
          }
          return null;
        });
  }

  @Test
  @Timeout(30)
  void events_concurrentCommits_readsShowWholeCommits() throws Exception {
    Identifier x = email("x");
    Identifier y = customerId("y");

    assertNoReaderSeesPartialCommit(
        moves -> storage.commit(Commit.builder()
            .append(event("e-x-" + moves, moves, x))
            .append(event("e-y-" + moves, moves, y))
            .build()),
        reads -> {
          int seen = storage.events(reads % 2 == 0 ? List.of(x, y) : List.of(y, x)).size();
          long count = storage.eventCount();
          return seen % 2 == 0 && count % 2 == 0 ? null : "events " + seen + ", eventCount " + count;
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Two instances on the same data (skipped unless the backend supplies sharingStorage())

  /**
   * {@code hasTombstones} reads a {@code false} from the store on every call: after another
   * instance commits the first tombstone, this one answers {@code true}, and finds it.
   */
  @Test
  void hasTombstones_tombstoneWrittenByAnotherInstance_isSeen() {
    Storage node = other();
    assertThat(storage.hasTombstones()).isFalse();
    assertThat(node.hasTombstones()).isFalse();

    node.commit(Commit.builder().tombstone("h-other").build());

    assertThat(storage.hasTombstones()).isTrue();
    assertThat(storage.isTombstoned("h-other")).isTrue();
    assertThat(storage.tombstoneCount()).isEqualTo(1);
  }

  /**
   * Every read of one instance shows what another committed, including after a read-ahead of the
   * same keys (a backend may cache for a read-ahead, but must answer each later read as of that
   * read), and an erasure committed by the other leaves no trace here either.
   */
  @Test
  void reads_showCommitsOfAnotherInstance_evenAfterAReadAhead() {
    Storage node = other();
    World w = world();
    List<Identifier> keys = List.of(w.annEmail, w.annCid, w.bobEmail, w.newEmail);
    List<String> eventIds = List.of("e-a1", "e-b1", "e-new");
    storage.readAhead(keys, eventIds);
    assertThat(storage.ownedProfiles(keys).profiles()).containsOnlyKeys(w.a.id(), w.b.id());

    node.commit(w.validParts().build());
    node.commit(Commit.builder().eraseEvents(w.annEmail).logMerge(mergeRecord("m-1", MergeRecord.Kind.MERGE, w.a.id(),
        ProfileId.of("p-z"), email("zed"))).build());

    ProfileId c = ProfileId.of("p-c");
    assertThat(storage.profile(c)).contains(profile("p-c", 1, w.newEmail));
    assertThat(storage.profile(w.b.id()).orElseThrow().version()).isEqualTo(2);
    assertThat(storage.owner(w.newEmail)).contains(c);
    assertThat(storage.owner(w.bobEmail)).isEmpty();
    OwnedProfiles read = storage.ownedProfiles(keys);
    assertThat(read.owners()).isEqualTo(Map.of(w.annEmail, w.a.id(), w.annCid, w.b.id(), w.newEmail, c));
    assertThat(read.profile(w.b.id()).orElseThrow().version()).isEqualTo(2);
    assertThat(storage.containsEvent("e-new")).isTrue();
    assertThat(storage.containsEvent("e-a1")).isFalse();
    assertThat(storage.containedEvents(eventIds)).containsExactlyInAnyOrder("e-b1", "e-new");
    assertThat(storage.events(List.of(w.annEmail))).isEmpty();
    assertThat(storage.eventCount()).isEqualTo(2);
    assertThat(storage.profileCount()).isEqualTo(3);
    assertThat(storage.mergeRecords(w.a.id())).extracting(MergeRecord::id).containsExactly("m-1");
  }

  /**
   * Version and owner checks hold across instances, for versions that jump too: a merge committed
   * by another instance makes this one's write from its earlier read conflict, and a write
   * expecting the version the other wrote succeeds.
   */
  @Test
  void commit_expectationsHoldAcrossInstances_forVersionsThatJump() {
    Storage node = other();
    Identifier ann = email("ann");
    Identifier bob = email("bob");
    Profile a = profile("p-a", 1, ann);
    Profile b = profile("p-b", 3, bob); // created at 3, as a split restores an id
    storage.commit(create(a));
    storage.commit(Commit.builder().putProfile(b, 0).assign(bob, Optional.empty(), b.id()).build());
    Profile readHere = storage.profile(a.id()).orElseThrow();
    Profile merged = a.toBuilder().version(b.version() + 1).putIdentifier(b.identifiers().get(0)).build();

    node.commit(Commit.builder().putProfile(merged, 1).deleteProfile(b.id(), 3).assign(bob, Optional.of(b.id()), a.id()).build());

    assertThatThrownBy(() -> storage.commit(Commit.builder().putProfile(next(readHere), readHere.version()).build()))
        .isInstanceOf(CommitConflictException.class);
    assertThatThrownBy(() -> storage.commit(Commit.builder().assign(bob, Optional.of(b.id()), a.id()).build()))
        .isInstanceOf(CommitConflictException.class);
    assertThat(storage.profile(a.id())).contains(merged);
    storage.commit(Commit.builder().putProfile(next(merged), merged.version()).build());
    assertThat(node.profile(a.id())).contains(next(merged));
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** A store with two profiles, their index entries and one event each. */
  private World world() {
    World w = new World();
    storage.commit(create(w.a));
    storage.commit(create(w.b));
    storage.commit(Commit.builder().append(event("e-a1", 10, w.annEmail)).append(event("e-b1", 20, w.bobEmail)).build());
    return w;
  }

  private final class World {
    final Identifier annEmail = email("ann");
    final Identifier annCid = customerId("c-ann");
    final Identifier bobEmail = email("bob");
    final Identifier newEmail = email("new");
    final Profile a = profile("p-a", 1, annEmail, annCid);
    final Profile b = profile("p-b", 1, bobEmail);

    /**
     * Parts that would each succeed: a new profile, an update of b, a new index entry, a moved
     * index entry, a removed index entry and a new event.
     */
    Commit.Builder validParts() {
      Profile c = profile("p-c", 1, newEmail);
      return Commit.builder()
          .putProfile(c, 0)
          .putProfile(next(b).toBuilder().addTag("changed").build(), 1)
          .assign(newEmail, Optional.empty(), c.id())
          .assign(annCid, Optional.of(a.id()), b.id())
          .unassign(bobEmail, b.id())
          .append(event("e-new", 30, newEmail));
    }

    Snapshot snapshot() {
      return StorageContract.this.snapshot(List.of(annEmail, annCid, bobEmail, newEmail, email("carl")), List.of("e-new"));
    }
  }

  /** Everything a reader can see about the given identifiers and event ids, plus all profiles. */
  record Snapshot(
      List<Profile> profiles,
      long profileCount,
      Map<Identifier, ProfileId> owners,
      Map<Identifier, Optional<ProfileId>> owner,
      List<StoredEvent> events,
      Set<StoredEvent> allEvents,
      long eventCount,
      Map<String, Boolean> contains) {}

  private Snapshot snapshot(Collection<Identifier> identifiers, Collection<String> extraEventIds) {
    Map<Identifier, Optional<ProfileId>> owner = new LinkedHashMap<>();
    identifiers.forEach(i -> owner.put(i, storage.owner(i)));
    Set<StoredEvent> all;
    try (Stream<StoredEvent> s = storage.allEvents()) {
      all = s.collect(Collectors.toSet());
    }
    Map<String, Boolean> contains = new LinkedHashMap<>();
    all.forEach(e -> contains.put(e.event().id(), storage.containsEvent(e.event().id())));
    extraEventIds.forEach(id -> contains.put(id, storage.containsEvent(id)));
    return new Snapshot(
        storage.profiles(Optional.empty(), Integer.MAX_VALUE),
        storage.profileCount(),
        Map.copyOf(storage.owners(identifiers)),
        owner,
        storage.events(identifiers),
        all,
        storage.eventCount(),
        contains);
  }

  private void assertConflictAppliesNothing(Commit commit, World w, Snapshot before) {
    assertThatThrownBy(() -> storage.commit(commit)).isInstanceOf(CommitConflictException.class);
    assertThat(w.snapshot()).isEqualTo(before);
    // The store still works and the valid parts apply on their own.
    storage.commit(w.validParts().build());
    assertThat(storage.profile(ProfileId.of("p-c"))).isPresent();
    assertThat(storage.owner(w.newEmail)).contains(ProfileId.of("p-c"));
    assertThat(storage.containsEvent("e-new")).isTrue();
  }

  private List<ProfileId> pageThrough(int limit, Consumer<List<Profile>> betweenPages) {
    List<ProfileId> seen = new ArrayList<>();
    Optional<ProfileId> after = Optional.empty();
    for (int pages = 0; pages < 10_000; pages++) {
      List<Profile> page = storage.profiles(after, limit);
      assertThat(page.size()).isLessThanOrEqualTo(limit);
      if (page.isEmpty()) {
        return seen;
      }
      page.forEach(p -> seen.add(p.id()));
      after = Optional.of(page.get(page.size() - 1).id());
      betweenPages.accept(page);
    }
    throw new AssertionError("paging did not end");
  }

  private static ProfileId volatileId(int i) {
    return ProfileId.of(String.format(java.util.Locale.ROOT, "p-%02d-v", i));
  }

  private static List<String> ids(List<StoredEvent> events) {
    return events.stream().map(e -> e.event().id()).collect(Collectors.toList());
  }

  private static List<Identifier> identifiersOf(Profile p) {
    return p.identifiers().stream().map(IdentifierState::identifier).collect(Collectors.toList());
  }

  private static void tryToClear(Collection<?> c) {
    try {
      c.clear();
    } catch (UnsupportedOperationException immutable) {
      // fine: nothing to expose
    }
  }

  /** A unit of work of a concurrency test, given its thread number. */
  @FunctionalInterface
  protected interface Work {
    /** Does this thread's part; {@code thread} counts from 0. */
    void run(int thread) throws Exception;
  }

  /** A reader's check: {@code null} when the state it read is whole, else a description. */
  @FunctionalInterface
  protected interface Check {
    /** Reads once ({@code readNumber} counts from 0); {@code null} if what it read was whole, else what was wrong. */
    String read(long readNumber);
  }

  /** A writer step, given how many steps ran before it. */
  @FunctionalInterface
  protected interface Step {
    /** Writes once; {@code step} is how many steps ran before this one. */
    void run(int step) throws Exception;
  }

  /** Runs {@code work} on {@code threads} threads started together and rethrows the first failure. */
  protected static void runConcurrently(int threads, Work work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Void>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<Void> task = () -> {
          start.await();
          work.run(thread);
          return null;
        };
        futures.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Void> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).as("threads stopped").isTrue();
    }
  }

  /**
   * One writer runs {@code step} at least 2000 times (and until the readers made 2000 reads; at
   * most about two seconds) while the other threads read with {@code check}; fails if any read
   * saw part of a commit.
   */
  protected static void assertNoReaderSeesPartialCommit(Step step, Check check) throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicReference<String> violation = new AtomicReference<>();
    AtomicLong reads = new AtomicLong();
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    runConcurrently(THREADS, t -> {
      if (t == 0) {
        try {
          // At least 2000 commits, and on until the readers have had a fair share of the CPU.
          for (int i = 0; (i < 2000 || reads.get() < 2000) && System.nanoTime() < deadline && violation.get() == null;
              i++) {
            step.run(i);
          }
        } finally {
          writing.set(false);
        }
      } else {
        while (writing.get() && violation.get() == null) {
          String bad = check.read(reads.getAndIncrement());
          if (bad != null) {
            violation.compareAndSet(null, bad);
          }
        }
      }
    });
    assertThat(violation.get()).as("a reader saw part of a commit").isNull();
    assertThat(reads.get()).as("reads done while writing").isPositive();
  }
}
