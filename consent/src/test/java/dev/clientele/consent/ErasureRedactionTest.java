package dev.clientele.consent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Erasure} redacts, in place, the merge-log records that hold an erased identifier but
 * name neither the erased profile nor one merged into it, and retries when another erasure
 * redacted the same record first (its redaction is not one of the stored record any more).
 */
class ErasureRedactionTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Identifier ANN = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  private static final Identifier BOB = Identifier.of(IdentifierType.EMAIL, "bob@example.com");
  private static final Identifier CY = Identifier.of(IdentifierType.EMAIL, "cy@example.com");
  private static final ProfileId A = ProfileId.of("p-a");
  private static final ProfileId B = ProfileId.of("p-b");
  private static final ProfileId C = ProfileId.of("p-c");
  private static final ProfileId K = ProfileId.of("p-k");

  /**
   * K (Ann and Bob, wrongly merged) was absorbed by C in a later merge; then the merge of Ann
   * and Bob into K was split, restoring A and B. The later record names C and K only.
   */
  private static final MergeRecord FIRST = new MergeRecord("m-1", MergeRecord.Kind.MERGE, T0, K,
      List.of(new MergeRecord.Side(B, Set.of(BOB), List.of())), Optional.of("e-1"), List.of(BOB), Optional.empty(), "rule");
  private static final MergeRecord LATER = new MergeRecord("m-2", MergeRecord.Kind.MERGE, T0.plusSeconds(60), C,
      List.of(new MergeRecord.Side(K, Set.of(ANN, BOB), List.of(B))), Optional.of("e-2"), List.of(ANN), Optional.empty(),
      "rule");
  private static final MergeRecord SPLIT = new MergeRecord("s-1", MergeRecord.Kind.SPLIT, T0.plusSeconds(120), C,
      List.of(new MergeRecord.Side(A, Set.of(ANN), List.of()), new MergeRecord.Side(B, Set.of(BOB), List.of())),
      Optional.empty(), List.of(CY), Optional.of("m-2"), "split by an operator");
  private static final MergeRecord UNRELATED = new MergeRecord("m-3", MergeRecord.Kind.MERGE, T0.plusSeconds(180), C,
      List.of(new MergeRecord.Side(ProfileId.of("p-d"), Set.of(Identifier.of(IdentifierType.EMAIL, "dee@example.com")),
          List.of())), Optional.of("e-3"), List.of(), Optional.empty(), "rule");

  private static InMemoryStorage world() {
    InMemoryStorage storage = new InMemoryStorage();
    for (Profile p : List.of(profile(A, ANN), profile(B, BOB), profile(C, CY))) {
      Commit.Builder b = Commit.builder().putProfile(p, 0);
      p.identifiers().forEach(s -> b.assign(s.identifier(), Optional.empty(), p.id()));
      storage.commit(b.build());
    }
    storage.commit(Commit.builder().logMerge(FIRST).logMerge(LATER).logMerge(SPLIT).logMerge(UNRELATED).build());
    return storage;
  }

  private static Profile profile(ProfileId id, Identifier identifier) {
    return Profile.builder(id, T0).version(1).putIdentifier(IdentifierState.firstSeen(identifier, T0, true, "test")).build();
  }

  private static List<MergeRecord> log(Storage storage) {
    List<MergeRecord> out = new ArrayList<>();
    storage.forEachMergeRecord(out::add);
    return out;
  }

  @Test
  void erase_ofARestoredSide_redactsTheLaterRecordInPlace() {
    InMemoryStorage storage = world();

    ErasureReport report = new Erasure(storage, ErasurePolicy.defaults()).erase(A);

    // The split names A: erased. The later merge names C and K: kept where it was, without Ann.
    // The split also separated B from C, who both remain: a split record between them (without A
    // and Ann) takes its place, so that what it carried over between them stays found. It keeps
    // undoing m-2 (still stored), but not the operator's note, which is free text.
    List<MergeRecord> log = log(storage);
    assertThat(log).hasSize(4);
    assertThat(log.subList(0, 3)).containsExactly(FIRST, LATER.without(List.of(ANN)), UNRELATED);
    MergeRecord kept = log.get(3);
    assertThat(kept.id()).isNotEqualTo(SPLIT.id());
    assertThat(kept).usingRecursiveComparison().ignoringFields("id").isEqualTo(new MergeRecord("x", MergeRecord.Kind.SPLIT,
        SPLIT.at(), C, List.of(new MergeRecord.Side(B, Set.of(BOB), List.of())), Optional.empty(), List.of(CY),
        Optional.of("m-2"), Erasure.KEPT_SPLIT_NOTE));
    assertThat(kept.names(A) || kept.holds(ANN)).isFalse();
    assertThat(storage.mergeRecords(K)).containsExactly(FIRST, LATER.without(List.of(ANN)));
    assertThat(storage.mergeRecord("m-2").orElseThrow().holds(ANN)).isFalse();
    assertThat(storage.mergeRecord("m-2").orElseThrow().holds(BOB)).isTrue();
    assertThat(report.mergeRecords()).isEqualTo(1);
    assertThat(report.mergeRecordsRedacted()).isEqualTo(1);
    assertThat(report.keptSplitRecords()).containsExactly(kept.id());
  }

  /**
   * Erasing B first erases the split (it names B), the only record linking A to the later merge:
   * A's erasure must still find that record (erasure reads the whole log, not only the records
   * reachable from A).
   */
  @Test
  void erase_ofBothRestoredSidesOneAfterTheOther_leavesNeitherValueInTheLaterRecord() {
    InMemoryStorage storage = world();

    new Erasure(storage, ErasurePolicy.defaults()).erase(B);
    new Erasure(storage, ErasurePolicy.defaults()).erase(A);

    assertThat(log(storage)).containsExactly(LATER.without(List.of(ANN, BOB)), UNRELATED);
  }

  @Test
  void erase_whileAnotherErasureRedactsTheSameRecord_retriesAndKeepsBothRedactions() {
    InMemoryStorage inner = world();
    AtomicBoolean raced = new AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger scans = new java.util.concurrent.atomic.AtomicInteger();
    // Before Ann's erasure commits (once), Bob's erasure commits: it redacts the later record too.
    Storage racing = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
        (proxy, method, args) -> {
          if (method.getName().equals("commit") && raced.compareAndSet(false, true)) {
            new Erasure(inner, ErasurePolicy.defaults()).erase(B);
          }
          if (method.getName().equals("forEachMergeRecord")) {
            scans.incrementAndGet();
          }
          try {
            return method.invoke(inner, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });

    new Erasure(racing, ErasurePolicy.defaults()).erase(A);

    assertThat(raced).isTrue();
    assertThat(inner.profile(A)).isEmpty();
    assertThat(inner.profile(B)).isEmpty();
    // Bob's erasure erased the records naming B (the first merge and the split); the later merge
    // lost both values, in place.
    assertThat(log(inner)).containsExactly(LATER.without(List.of(ANN, BOB)), UNRELATED);
    // Ann's retry read the later record again by id, not the whole log (review finding 5).
    assertThat(scans).hasValue(1);
  }

  /**
   * C was split into A, B and C (one split record). Erasing A keeps a split record between B and
   * C; when B is erased while A's erasure is about to commit, that record would name B, an erased
   * profile: A's erasure checks the versions of the profiles its kept record names, so it retries
   * and keeps nothing naming B (nor A).
   */
  @Test
  void erase_whileAnotherSideOfTheSameSplitIsErased_keepsNoRecordNamingEither() {
    InMemoryStorage inner = new InMemoryStorage();
    for (Profile p : List.of(profile(A, ANN), profile(B, BOB), profile(C, CY))) {
      Commit.Builder b = Commit.builder().putProfile(p, 0);
      p.identifiers().forEach(st -> b.assign(st.identifier(), Optional.empty(), p.id()));
      inner.commit(b.build());
    }
    inner.commit(Commit.builder().logMerge(SPLIT).build());
    AtomicBoolean raced = new AtomicBoolean();
    Storage racing = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
        (proxy, method, args) -> {
          if (method.getName().equals("commit") && raced.compareAndSet(false, true)) {
            new Erasure(inner, ErasurePolicy.defaults()).erase(B);
          }
          try {
            return method.invoke(inner, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });

    new Erasure(racing, ErasurePolicy.defaults()).erase(A);

    assertThat(raced).isTrue();
    assertThat(inner.profile(A)).isEmpty();
    assertThat(inner.profile(B)).isEmpty();
    assertThat(log(inner)).noneMatch(r -> r.names(A) || r.names(B) || r.holds(ANN) || r.holds(BOB));
  }
  /**
   * A host backend written before merge-record redactions: its {@code commit} applies every other
   * part of a commit and ignores {@link Commit#mergeRecordRedactions()}; it answers {@code
   * declares} to {@link Storage#redactsMergeRecordsInPlace()} (an old backend answers the
   * default, false).
   */
  private static Storage ignoringRedactions(InMemoryStorage inner, boolean declares) {
    return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
        (proxy, method, args) -> {
          if (method.getName().equals("redactsMergeRecordsInPlace")) {
            return declares;
          }
          if (method.getName().equals("commit")) {
            inner.commit(withoutRedactions((Commit) args[0]));
            return null;
          }
          try {
            return method.invoke(inner, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static Commit withoutRedactions(Commit c) {
    Commit.Builder b = Commit.builder();
    c.profileWrites().forEach(w -> b.putProfile(w.profile(), w.expectedVersion()));
    c.profileDeletes().forEach(d -> b.deleteProfile(d.id(), d.expectedVersion()));
    for (Commit.IndexWrite w : c.indexWrites()) {
      if (w.newOwner().isPresent()) {
        b.assign(w.identifier(), w.expectedOwner(), w.newOwner().get());
      } else {
        b.unassign(w.identifier(), w.expectedOwner().orElseThrow());
      }
    }
    c.eventErasures().forEach(b::eraseEvents);
    c.appends().forEach(b::append);
    c.tombstones().forEach(b::tombstone);
    c.mergeRecordErasures().forEach(b::eraseMergeRecords);
    c.mergeRecords().forEach(b::logMerge);
    return b.build();
  }

  /**
   * Review finding 3: on a backend that does not apply redactions, an erasure that needs one is
   * refused before anything is written, instead of reporting success while Ann stays in the later
   * merge record of C and K.
   */
  @Test
  void erase_onABackendThatDoesNotApplyRedactions_isRefusedAndErasesNothing() {
    InMemoryStorage inner = world();
    List<MergeRecord> before = log(inner);
    Storage old = ignoringRedactions(inner, false);

    assertThatThrownBy(() -> new Erasure(old, ErasurePolicy.defaults()).erase(A))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("redactsMergeRecordsInPlace")
        .hasMessageNotContaining("ann");

    assertThat(inner.profile(A)).isPresent();
    assertThat(inner.owner(ANN)).contains(A);
    assertThat(log(inner)).isEqualTo(before);
  }

  /** An erasure that redacts nothing runs on such a backend as before. */
  @Test
  void erase_onABackendThatDoesNotApplyRedactions_stillErasesWhenNoRecordNeedsOne() {
    InMemoryStorage inner = world();
    Storage old = ignoringRedactions(inner, false);

    ErasureReport report = new Erasure(old, ErasurePolicy.defaults()).erase(C);

    assertThat(inner.profile(C)).isEmpty();
    assertThat(report.mergeRecordsRedacted()).isZero();
    assertThat(log(inner)).noneMatch(r -> r.names(C) || r.holds(CY));
  }

  /**
   * A backend that says it applies redactions but ignores them: the erasure is committed (the
   * caller's caches are purged), then the redacted records are read back and the erasure fails
   * loudly rather than report success.
   */
  @Test
  void erase_onABackendThatSaysItRedactsButDoesNot_failsAfterTheCommit() {
    InMemoryStorage inner = world();
    Storage lying = ignoringRedactions(inner, true);
    List<List<Identifier>> purged = new ArrayList<>();

    assertThatThrownBy(() -> new Erasure(lying, ErasurePolicy.defaults()).erase(A, purged::add))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("left its identifiers in 1 of the 1 merge-log record(s)");

    assertThat(inner.profile(A)).isEmpty();
    assertThat(purged).containsExactly(List.of(ANN));
  }
}
