package dev.clientele.tck;

import static dev.clientele.tck.StorageFixtures.create;
import static dev.clientele.tck.StorageFixtures.customerId;
import static dev.clientele.tck.StorageFixtures.email;
import static dev.clientele.tck.StorageFixtures.event;
import static dev.clientele.tck.StorageFixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StorageException;
import dev.clientele.core.spi.StoredEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The failure contract of the storage SPI: a backend that fails in the middle of a commit
 * throws {@link StorageException}, leaves the state of before the commit or after it (never
 * between), keeps working, and a retry of the same commit completes.
 *
 * <p>A backend takes part by being able to fail on command: {@link #failAtStep(int)} makes
 * its {@code step}-th backend operation from now on fail the way a dropped connection does
 * (for JDBC, an operation is a statement or the final {@code COMMIT}). The tests walk the
 * failure through every step of a merge and of an erasure until the commit needs fewer steps.
 *
 * <pre>{@code
 * final class MyStorageFaultTest extends StorageFaultContract {
 *   private final FlakyDataSource db = new FlakyDataSource(freshDatabase());
 *   @Override protected Storage newStorage() { return MyStorage.open(db); }
 *   @Override protected void failAtStep(int step) { db.dropConnectionAt(step); }
 *   @Override protected void noFaults() { db.heal(); }
 * }
 * }</pre>
 *
 * <p>A store with nothing that can fail mid-operation (the in-memory one) has no reason to run
 * this class.
 */
public abstract class StorageFaultContract {
  /** The most steps a commit of these tests is walked through. */
  protected static final int MAX_STEPS = 60;

  /** The storage under test, fresh for each test. */
  protected Storage storage;

  /** Returns a new, empty storage; called once per test. */
  protected abstract Storage newStorage();

  /**
   * Arms a fault: the {@code step}-th backend operation from now on (1 is the next) fails as
   * a dropped connection would, and so does nothing after it until {@link #noFaults()}.
   */
  protected abstract void failAtStep(int step);

  /** Disarms any fault; operations succeed again (a retry may need a new connection). */
  protected abstract void noFaults();

  @BeforeEach
  final void openStorage() {
    storage = newStorage();
    assertThat(storage.profileCount()).as("a new storage must be empty").isZero();
  }

  @AfterEach
  final void closeStorage() throws Exception {
    noFaults();
    if (storage != null) {
      storage.close();
    }
  }

  @Test
  void commit_failureAtAnyStepOfAMerge_leavesBeforeOrAfterAndRetryCompletes() {
    int faults = walkFaults(step -> {
      String k = Integer.toString(step);
      Identifier annEmail = email("ann" + k);
      Identifier annWork = email("ann.work" + k);
      Identifier annCid = customerId("c-ann" + k);
      Profile survivor = profile("p-s" + k, 1, annEmail);
      Profile loser = profile("p-l" + k, 3, annWork, annCid); // created at 3, as a split restores an id
      storage.commit(create(survivor));
      storage.commit(Commit.builder().putProfile(loser, 0).assign(annWork, Optional.empty(), loser.id())
          .assign(annCid, Optional.empty(), loser.id()).build());
      storage.commit(Commit.builder().append(event("e-0-" + k, 1, annWork)).build());
      // The survivor jumps above every version the merge joins: from 1 to 4.
      Profile.Builder merged = survivor.toBuilder().version(loser.version() + 1).eventCount(1).addMergedFrom(List.of(loser.id()));
      loser.identifiers().forEach(merged::putIdentifier);
      Commit merge = Commit.builder()
          .putProfile(merged.build(), 1)
          .deleteProfile(loser.id(), 3)
          .assign(annWork, Optional.of(loser.id()), survivor.id())
          .assign(annCid, Optional.of(loser.id()), survivor.id())
          .append(event("e-1-" + k, 10, annEmail))
          .append(event("e-2-" + k, 11, annWork))
          .append(event("e-3-" + k, 12, annCid))
          .logMerge(new MergeRecord("m-" + k, MergeRecord.Kind.MERGE, StorageFixtures.T0, survivor.id(),
              List.of(new MergeRecord.Side(loser.id(), java.util.Set.of(annWork, annCid), List.of())),
              Optional.of("e-1-" + k), List.of(annWork), Optional.empty(), "test"))
          .build();
      return new Scenario(merge, List.of(survivor.id(), loser.id()), List.of(annEmail, annWork, annCid),
          List.of("e-0-" + k, "e-1-" + k, "e-2-" + k, "e-3-" + k), List.of());
    });
    assertThat(faults).as("faults injected inside the merge").isGreaterThanOrEqualTo(3);
  }

  /**
   * A split that restores a profile under an id it had before: the holder goes on to its next
   * version and the restored profile is created (expected version 0) above it, with its index
   * entry moved back and the split record. A failure at any step leaves the state before or after;
   * after it, the restored profile has exactly the version written.
   */
  @Test
  void commit_failureAtAnyStepOfASplitThatRestoresAnId_leavesBeforeOrAfterAndRetryCompletes() {
    int faults = walkFaults(step -> {
      String k = Integer.toString(step);
      Identifier ann = email("ann" + k);
      Identifier bob = email("bob" + k);
      Profile holder = profile("p-h" + k, 5, ann, bob);
      storage.commit(Commit.builder().putProfile(holder, 0).assign(ann, Optional.empty(), holder.id())
          .assign(bob, Optional.empty(), holder.id()).build());
      storage.commit(Commit.builder().append(event("e-1-" + k, 1, bob)).build());
      Profile kept = profile("p-h" + k, 6, ann);
      Profile restored = profile("p-r" + k, 6, bob);
      Commit split = Commit.builder()
          .putProfile(kept, holder.version())
          .putProfile(restored, 0)
          .assign(bob, Optional.of(holder.id()), restored.id())
          .logMerge(new MergeRecord("s-" + k, MergeRecord.Kind.SPLIT, StorageFixtures.T0, holder.id(),
              List.of(new MergeRecord.Side(restored.id(), java.util.Set.of(bob), List.of())),
              Optional.empty(), List.of(ann), Optional.empty(), "operator"))
          .build();
      return new Scenario(split, List.of(holder.id(), restored.id()), List.of(ann, bob), List.of("e-1-" + k), List.of(),
          List.of("s-" + k), List.of(ann, bob));
    });
    assertThat(faults).as("faults injected inside the split").isGreaterThanOrEqualTo(3);
  }

  @Test
  void commit_failureAtAnyStepOfAnErasure_leavesBeforeOrAfterAndRetryCompletes() {
    int faults = walkFaults(step -> {
      String k = Integer.toString(step);
      Identifier ann = email("ann" + k);
      Identifier cid = customerId("c-ann" + k);
      Profile a = profile("p-a" + k, 1, ann, cid);
      storage.commit(create(a));
      storage.commit(Commit.builder().append(event("e-1-" + k, 1, ann)).append(event("e-2-" + k, 2, cid)).build());
      Commit erase = Commit.builder()
          .deleteProfile(a.id(), 1)
          .unassign(ann, a.id())
          .unassign(cid, a.id())
          .eraseEvents(ann)
          .eraseEvents(cid)
          .tombstone("hash-" + k)
          .build();
      return new Scenario(erase, List.of(a.id()), List.of(ann, cid), List.of("e-1-" + k, "e-2-" + k),
          List.of("hash-" + k));
    });
    assertThat(faults).as("faults injected inside the erasure").isGreaterThanOrEqualTo(3);
  }

  @Test
  void commit_failureAtAnyStepOfAnErasureThatRedactsRecords_leavesTheOldRecordsOrTheRedactedOnes() {
    int faults = walkFaults(step -> {
      String k = Integer.toString(step);
      Identifier ann = email("ann" + k);
      Identifier bob = email("bob" + k);
      Profile a = profile("p-a" + k, 1, ann);
      ProfileId kept = ProfileId.of("p-k" + k);
      ProfileId other = ProfileId.of("p-o" + k);
      storage.commit(create(a));
      // a later merge that names neither the erased profile nor the one erasure looks at
      MergeRecord later = new MergeRecord("m-" + k, MergeRecord.Kind.MERGE, StorageFixtures.T0, other,
          List.of(new MergeRecord.Side(kept, java.util.Set.of(ann, bob), List.of())),
          Optional.of("e-" + k), List.of(ann, bob), Optional.empty(), "test");
      MergeRecord split = new MergeRecord("s-" + k, MergeRecord.Kind.SPLIT, StorageFixtures.T0, kept,
          List.of(new MergeRecord.Side(ProfileId.of("p-b" + k), java.util.Set.of(ann), List.of())),
          Optional.empty(), List.of(bob), Optional.empty(), "test");
      MergeRecord named = new MergeRecord("n-" + k, MergeRecord.Kind.MERGE, StorageFixtures.T0, a.id(),
          List.of(new MergeRecord.Side(ProfileId.of("p-z" + k), java.util.Set.of(ann), List.of())),
          Optional.of("e-" + k), List.of(ann), Optional.empty(), "test");
      storage.commit(Commit.builder().logMerge(later).logMerge(split).logMerge(named).build());
      Commit erase = Commit.builder()
          .deleteProfile(a.id(), 1)
          .unassign(ann, a.id())
          .eraseEvents(ann)
          .tombstone("hash-" + k)
          .eraseMergeRecords(a.id())
          .redactMergeRecord(later.without(List.of(ann)))
          .redactMergeRecord(split.without(List.of(ann)))
          .build();
      return new Scenario(erase, List.of(a.id()), List.of(ann), List.of(), List.of("hash-" + k),
          List.of("m-" + k, "s-" + k, "n-" + k), List.of(ann, bob));
    });
    assertThat(faults).as("faults injected inside the erasure").isGreaterThanOrEqualTo(3);
  }

  @Test
  void commit_failureInABulkAppend_appliesNoneOrAllEvents() {
    int faults = walkFaults(step -> {
      String k = Integer.toString(step);
      Commit.Builder bulk = Commit.builder();
      List<String> ids = new ArrayList<>();
      List<Identifier> anchors = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Identifier anchor = customerId("c-" + k + "-" + (i % 7));
        if (!anchors.contains(anchor)) {
          anchors.add(anchor);
        }
        bulk.append(event("e-" + k + "-" + i, i, anchor));
        ids.add("e-" + k + "-" + i);
      }
      return new Scenario(bulk.build(), List.of(), anchors, ids, List.of());
    });
    assertThat(faults).as("faults injected inside the bulk append").isGreaterThanOrEqualTo(1);
  }

  /**
   * A commit and the keys whose visible state it changes: beyond those of its own parts, the merge
   * records it erases or redacts and identifiers whose splits it changes.
   */
  private record Scenario(
      Commit commit, List<ProfileId> profiles, List<Identifier> identifiers, List<String> eventIds,
      List<String> tombstones, List<String> records, List<Identifier> splitIdentifiers) {
    Scenario(Commit commit, List<ProfileId> profiles, List<Identifier> identifiers, List<String> eventIds,
        List<String> tombstones) {
      this(commit, profiles, identifiers, eventIds, tombstones, List.of(), List.of());
    }
  }

  /** Everything a reader can see about a scenario's keys. */
  private record View(
      Map<ProfileId, Optional<Profile>> profiles,
      Map<Identifier, ProfileId> owners,
      List<StoredEvent> events,
      Map<String, Boolean> contains,
      Map<String, Boolean> tombstoned,
      Map<String, Optional<MergeRecord>> mergeRecords,
      List<MergeRecord> log,
      Map<ProfileId, List<MergeRecord>> recordsByProfile,
      List<MergeRecord> splits) {}

  private View view(Scenario s) {
    Map<ProfileId, Optional<Profile>> profiles = new LinkedHashMap<>();
    s.profiles().forEach(id -> profiles.put(id, storage.profile(id)));
    Map<String, Boolean> contains = new LinkedHashMap<>();
    s.eventIds().forEach(id -> contains.put(id, storage.containsEvent(id)));
    Map<String, Boolean> tombstoned = new LinkedHashMap<>();
    s.tombstones().forEach(h -> tombstoned.put(h, storage.isTombstoned(h)));
    Map<String, Optional<MergeRecord>> records = new LinkedHashMap<>();
    s.commit().mergeRecords().forEach(r -> records.put(r.id(), storage.mergeRecord(r.id())));
    s.records().forEach(id -> records.put(id, storage.mergeRecord(id)));
    List<MergeRecord> log = new ArrayList<>();
    storage.forEachMergeRecord(log::add);
    Map<ProfileId, List<MergeRecord>> byProfile = new LinkedHashMap<>();
    for (MergeRecord r : log) {
      byProfile.computeIfAbsent(r.profile(), storage::mergeRecords);
      r.sides().forEach(side -> byProfile.computeIfAbsent(side.id(), storage::mergeRecords));
    }
    return new View(profiles, Map.copyOf(storage.owners(s.identifiers())), storage.events(s.identifiers()), contains,
        tombstoned, records, log, byProfile, storage.splitsNaming(s.splitIdentifiers()));
  }

  /**
   * For step = 1, 2, …: sets up a fresh scenario, arms a fault at {@code step}, commits, and
   * checks the outcome, until a commit completes without reaching its fault. Returns how many
   * faults fired inside a commit.
   */
  private int walkFaults(java.util.function.IntFunction<Scenario> scenarios) {
    for (int step = 1; step <= MAX_STEPS; step++) {
      Scenario s = scenarios.apply(step);
      View before = view(s);
      failAtStep(step);
      try {
        storage.commit(s.commit());
      } catch (StorageException failure) {
        noFaults();
        View seen = view(s);
        if (seen.equals(before)) {
          storage.commit(s.commit()); // the retry completes
        } else {
          // Applied as a whole (the connection broke after the database committed): the state
          // is the one after the commit, and a retry conflicts.
          assertAfter(s, seen);
          assertThatThrownBy(() -> storage.commit(s.commit())).isInstanceOf(CommitConflictException.class);
        }
        assertAfter(s, view(s));
        continue;
      } catch (RuntimeException other) {
        noFaults();
        fail("a failed backend must throw StorageException, not " + other.getClass().getName(), other);
      }
      noFaults();
      assertAfter(s, view(s));
      return step - 1;
    }
    return fail("a commit still reached its fault after " + MAX_STEPS + " steps");
  }

  /** The view after {@code s.commit()} was applied whole. */
  private void assertAfter(Scenario s, View v) {
    Commit c = s.commit();
    for (Commit.ProfileWrite w : c.profileWrites()) {
      assertThat(v.profiles().get(w.profile().id())).as("written profile").contains(w.profile());
    }
    for (Commit.ProfileDelete d : c.profileDeletes()) {
      assertThat(v.profiles().get(d.id())).as("deleted profile").isEmpty();
    }
    for (Commit.IndexWrite w : c.indexWrites()) {
      assertThat(Optional.ofNullable(v.owners().get(w.identifier()))).as("index entry").isEqualTo(w.newOwner());
    }
    List<String> appended = c.appends().stream().map(e -> e.event().id()).collect(Collectors.toList());
    for (Map.Entry<String, Boolean> e : v.contains().entrySet()) {
      boolean erased = !c.eventErasures().isEmpty() && !appended.contains(e.getKey());
      assertThat(e.getValue()).as("event %s stored", e.getKey()).isEqualTo(!erased);
    }
    List<String> timeline = v.events().stream().map(e -> e.event().id()).collect(Collectors.toList());
    assertThat(timeline).as("timeline").containsAll(appended).doesNotHaveDuplicates();
    assertThat(v.tombstoned().values()).as("tombstones").allMatch(b -> b);
    for (MergeRecord r : c.mergeRecords()) {
      assertThat(v.mergeRecords().get(r.id())).as("merge record").contains(r);
    }
    for (MergeRecord r : c.mergeRecordRedactions()) {
      assertThat(v.mergeRecords().get(r.id())).as("redacted merge record").contains(r);
    }
    for (ProfileId erased : c.mergeRecordErasures()) {
      assertThat(v.log()).as("records naming an erased profile").noneMatch(r -> r.names(erased));
    }
    v.recordsByProfile().forEach((p, records) -> assertThat(records).as("records of %s", p)
        .isEqualTo(v.log().stream().filter(r -> r.names(p)).toList()));
    assertThat(v.splits()).as("splits holding the scenario's identifiers").isEqualTo(v.log().stream()
        .filter(r -> r.kind() == MergeRecord.Kind.SPLIT && s.splitIdentifiers().stream().anyMatch(r::holds)).toList());
    try (Stream<StoredEvent> all = storage.allEvents()) {
      assertThat(all.map(e -> e.event().id()).filter(v.contains()::containsKey).count())
          .isEqualTo(v.contains().values().stream().filter(b -> b).count());
    }
  }
}
