package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The merge log of {@link InMemoryStorage}, whose index of records by profile is filled lazily (by
 * the first read or erasure that needs it), against a model that is a plain list of records in
 * commit order: random commits logging records (merges and splits), erasing the records of a
 * profile, redacting a record in place (or failing to: a record gone, erased by the same commit,
 * or changed since the replacement was made), and failing on a duplicate record id, interleaved
 * with reads.
 */
class InMemoryStorageMergeLogTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Property(tries = 40)
  void reads_afterRandomLogsAndErasures_matchAListInCommitOrder(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int steps) {
    Random random = new Random(seed);
    InMemoryStorage storage = new InMemoryStorage();
    List<MergeRecord> model = new ArrayList<>();
    java.util.Map<String, MergeRecord> logged0 = new java.util.HashMap<>(); // each id as first logged
    int nextId = 0;
    for (int step = 0; step < steps; step++) {
      switch (random.nextInt(10)) {
        case 0, 1, 2 -> { // log one or two records
          Commit.Builder commit = Commit.builder();
          int n = 1 + random.nextInt(2);
          List<MergeRecord> logged = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            MergeRecord r = record("m-" + nextId++, random);
            commit.logMerge(r);
            logged.add(r);
          }
          storage.commit(commit.build());
          model.addAll(logged);
          logged.forEach(r -> logged0.put(r.id(), r));
        }
        case 3 -> { // a record id already stored: a conflict that logs nothing
          if (!model.isEmpty()) {
            String taken = model.get(random.nextInt(model.size())).id();
            Commit commit = Commit.builder().logMerge(record("m-" + nextId++, random)).logMerge(record(taken, random)).build();
            assertThatThrownBy(() -> storage.commit(commit)).isInstanceOf(CommitConflictException.class);
          }
        }
        case 4 -> { // erase the records of a profile, sometimes logging a new one in the same commit
          ProfileId erased = profile(random);
          Commit.Builder commit = Commit.builder().eraseMergeRecords(erased);
          MergeRecord added = random.nextBoolean() ? record("m-" + nextId++, random) : null;
          if (added != null) {
            commit.logMerge(added);
          }
          storage.commit(commit.build());
          model.removeIf(r -> profilesOf(r).contains(erased));
          if (added != null) {
            model.add(added);
            logged0.put(added.id(), added);
          }
        }
        case 5, 6 -> { // redact a record ever logged, made from its first or its current version
          if (logged0.isEmpty()) {
            continue;
          }
          List<String> ids = new ArrayList<>(new java.util.TreeSet<>(logged0.keySet()));
          String id = ids.get(random.nextInt(ids.size()));
          int at = -1;
          for (int i = 0; i < model.size(); i++) {
            if (model.get(i).id().equals(id)) {
              at = i;
            }
          }
          MergeRecord from = at >= 0 && random.nextBoolean() ? model.get(at) : logged0.get(id);
          MergeRecord replacement = from.without(Set.of(email(random.nextInt(6))));
          Commit.Builder commit = Commit.builder().redactMergeRecord(replacement);
          ProfileId erased = random.nextInt(4) == 0 ? profile(random) : null;
          if (erased != null) {
            commit.eraseMergeRecords(erased);
          }
          boolean applies = at >= 0 && replacement.redacts(model.get(at))
              && (erased == null || !profilesOf(model.get(at)).contains(erased));
          if (applies) {
            storage.commit(commit.build());
            model.set(at, replacement);
            if (erased != null) {
              model.removeIf(r -> profilesOf(r).contains(erased));
            }
          } else {
            List<MergeRecord> before = new ArrayList<>();
            storage.forEachMergeRecord(before::add);
            assertThatThrownBy(() -> storage.commit(commit.build())).isInstanceOf(CommitConflictException.class);
            List<MergeRecord> after = new ArrayList<>();
            storage.forEachMergeRecord(after::add);
            assertThat(after).as("a conflicting redaction changes nothing").isEqualTo(before);
          }
        }
        default -> { // read the records of a profile
          ProfileId p = profile(random);
          assertThat(storage.mergeRecords(p)).containsExactlyElementsOf(recordsOf(model, p));
          assertThat(storage.unindexedMergeRecords()).isZero();
        }
      }
      List<MergeRecord> all = new ArrayList<>();
      storage.forEachMergeRecord(all::add);
      assertThat(all).containsExactlyElementsOf(model);
    }
    for (int i = 0; i < 6; i++) {
      ProfileId p = new ProfileId("p-" + i);
      assertThat(storage.mergeRecords(p)).containsExactlyElementsOf(recordsOf(model, p));
    }
    List<Identifier> every = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      every.add(email(i));
    }
    assertThat(storage.splitsNaming(every)).containsExactlyElementsOf(
        model.stream().filter(r -> r.kind() == MergeRecord.Kind.SPLIT && every.stream().anyMatch(r::holds)).toList());
    for (Identifier one : every) {
      assertThat(storage.splitsNaming(List.of(one))).as("splits holding %s", one)
          .containsExactlyElementsOf(model.stream().filter(r -> r.kind() == MergeRecord.Kind.SPLIT && r.holds(one)).toList());
    }
  }

  @Test
  void log_leavesRecordsUnindexedUntilARecordsReadIndexesThem() {
    InMemoryStorage storage = new InMemoryStorage();
    ProfileId a = new ProfileId("p-a");
    ProfileId b = new ProfileId("p-b");
    MergeRecord first = merge("m-1", a, b);
    MergeRecord second = merge("m-2", b, new ProfileId("p-c"));
    storage.commit(Commit.builder().logMerge(first).build());
    storage.commit(Commit.builder().logMerge(second).build());
    assertThat(storage.unindexedMergeRecords()).isEqualTo(2);

    assertThat(storage.mergeRecords(b)).containsExactly(first, second);
    assertThat(storage.unindexedMergeRecords()).isZero();
    storage.commit(Commit.builder().logMerge(merge("m-3", a, new ProfileId("p-d"))).build());
    assertThat(storage.unindexedMergeRecords()).isEqualTo(1);
    assertThat(storage.mergeRecords(a)).extracting(MergeRecord::id).containsExactly("m-1", "m-3");
  }

  @Test
  void redactMergeRecord_ofARecordNotYetIndexed_replacesItInPlaceEverywhere() {
    InMemoryStorage storage = new InMemoryStorage();
    ProfileId a = new ProfileId("p-a");
    ProfileId b = new ProfileId("p-b");
    MergeRecord first = merge("m-1", a, b);
    MergeRecord second = merge("m-2", b, new ProfileId("p-c"));
    MergeRecord third = merge("m-3", a, new ProfileId("p-d"));
    storage.commit(Commit.builder().logMerge(first).logMerge(second).logMerge(third).build());
    assertThat(storage.unindexedMergeRecords()).isEqualTo(3);

    MergeRecord redacted = second.without(List.of(email(0)));
    storage.commit(Commit.builder().redactMergeRecord(redacted).build());

    assertThat(redacted.holds(email(0))).isFalse();
    assertThat(storage.mergeRecord("m-2")).contains(redacted);
    assertThat(storage.mergeRecords(b)).containsExactly(first, redacted);
    assertThat(storage.mergeRecords(new ProfileId("p-c"))).containsExactly(redacted);
    List<MergeRecord> all = new ArrayList<>();
    storage.forEachMergeRecord(all::add);
    assertThat(all).containsExactly(first, redacted, third);
    // made from the stored record before the redaction: it would put email(0) back
    assertThatThrownBy(() -> storage.commit(Commit.builder().redactMergeRecord(second).build()))
        .isInstanceOf(CommitConflictException.class);
    assertThatThrownBy(() -> storage.commit(Commit.builder().redactMergeRecord(merge("m-9", a, b)).build()))
        .isInstanceOf(CommitConflictException.class);
  }

  @Test
  void eraseMergeRecords_ofAProfileWhoseRecordsWereNeverRead_removesThemAll() {
    InMemoryStorage storage = new InMemoryStorage();
    ProfileId a = new ProfileId("p-a");
    storage.commit(Commit.builder().logMerge(merge("m-1", a, new ProfileId("p-b"))).build());
    storage.commit(Commit.builder().logMerge(merge("m-2", new ProfileId("p-c"), a)).build());
    storage.commit(Commit.builder().logMerge(merge("m-3", new ProfileId("p-c"), new ProfileId("p-d"))).build());

    storage.commit(Commit.builder().eraseMergeRecords(a).build());

    assertThat(storage.mergeRecord("m-1")).isEmpty();
    assertThat(storage.mergeRecord("m-2")).isEmpty();
    assertThat(storage.mergeRecords(new ProfileId("p-c"))).extracting(MergeRecord::id).containsExactly("m-3");
    assertThat(storage.mergeRecords(new ProfileId("p-b"))).isEmpty();
  }

  private static List<MergeRecord> recordsOf(List<MergeRecord> model, ProfileId p) {
    return model.stream().filter(r -> profilesOf(r).contains(p)).toList();
  }

  private static Set<ProfileId> profilesOf(MergeRecord r) {
    Set<ProfileId> out = new LinkedHashSet<>();
    out.add(r.profile());
    r.sides().forEach(s -> out.add(s.id()));
    return out;
  }

  private static ProfileId profile(Random random) {
    return new ProfileId("p-" + random.nextInt(6));
  }

  private static Identifier email(int i) {
    return Identifier.of(IdentifierType.EMAIL, "person" + i + "@example.com");
  }

  private static MergeRecord merge(String id, ProfileId into, ProfileId absorbed) {
    return new MergeRecord(id, MergeRecord.Kind.MERGE, T0, into,
        List.of(new MergeRecord.Side(absorbed, Set.of(email(0)), List.of())), Optional.of("e-" + id), List.of(email(0)),
        Optional.empty(), "test");
  }

  /** A merge (a survivor and one or two absorbed profiles, maybe one id in both sides) or a split. */
  private static MergeRecord record(String id, Random random) {
    ProfileId into = profile(random);
    List<MergeRecord.Side> sides = new ArrayList<>();
    int n = 1 + random.nextInt(2);
    for (int i = 0; i < n; i++) {
      ProfileId side = profile(random);
      if (side.equals(into)) {
        side = new ProfileId("p-" + (Integer.parseInt(into.value().substring(2)) + 1) % 6);
      }
      sides.add(new MergeRecord.Side(side, Set.of(email(random.nextInt(6))), List.of()));
    }
    boolean split = random.nextInt(4) == 0;
    Identifier link = email(random.nextInt(6));
    return new MergeRecord(id, split ? MergeRecord.Kind.SPLIT : MergeRecord.Kind.MERGE, T0.plusSeconds(random.nextInt(100)),
        into, sides, split ? Optional.empty() : Optional.of("e-" + id), List.of(link), Optional.empty(), "test");
  }
}
