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
import org.junit.jupiter.api.Test;

/**
 * {@link MergeRecord#without} and {@link MergeRecord#redacts}, and the redactions of a {@link
 * Commit}: a redaction drops exactly the given identifiers and nothing else, and a record redacts
 * another exactly when it is that record with some identifiers dropped.
 */
class MergeRecordRedactionTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Identifier id(int n) {
    return Identifier.of(IdentifierType.ANONYMOUS_ID, "a-" + n);
  }

  /** A record over identifiers a-0 … a-9 (links and two sides), random but reproducible from {@code seed}. */
  private static MergeRecord record(Random random, MergeRecord.Kind kind) {
    List<MergeRecord.Side> sides = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      Set<Identifier> ids = new LinkedHashSet<>();
      for (int i = 0; i < 10; i++) {
        if (random.nextInt(3) == 0) {
          ids.add(id(i));
        }
      }
      sides.add(new MergeRecord.Side(ProfileId.of("p-side-" + s), ids, s == 0 ? List.of() : List.of(ProfileId.of("p-old"))));
    }
    List<Identifier> links = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      if (random.nextInt(3) == 0) {
        links.add(id(i));
      }
    }
    return new MergeRecord("m-1", kind, T0, ProfileId.of("p-0"), sides,
        kind == MergeRecord.Kind.MERGE ? Optional.of("e-1") : Optional.empty(), links,
        kind == MergeRecord.Kind.SPLIT ? Optional.of("m-0") : Optional.empty(), "rule");
  }

  @Property(tries = 300)
  void without_anyIdentifiers_dropsExactlyThoseAndRedactsTheOriginal(@ForAll long seed) {
    Random random = new Random(seed);
    MergeRecord r = record(random, MergeRecord.Kind.values()[random.nextInt(3)]);
    Set<Identifier> drop = new LinkedHashSet<>();
    for (int i = 0; i < 10; i++) {
      if (random.nextBoolean()) {
        drop.add(id(i));
      }
    }

    MergeRecord w = r.without(drop);

    assertThat(w.redacts(r)).isTrue();
    assertThat(drop).noneMatch(w::holds);
    for (int i = 0; i < 10; i++) {
      assertThat(w.holds(id(i))).isEqualTo(r.holds(id(i)) && !drop.contains(id(i)));
    }
    assertThat(w.links()).isEqualTo(r.links().stream().filter(i -> !drop.contains(i)).toList());
    assertThat(w.sides()).extracting(MergeRecord.Side::id).isEqualTo(r.sides().stream().map(MergeRecord.Side::id).toList());
    assertThat(w.sides()).extracting(MergeRecord.Side::mergedFrom)
        .isEqualTo(r.sides().stream().map(MergeRecord.Side::mergedFrom).toList());
    assertThat(List.of(w.id(), w.kind(), w.at(), w.profile(), w.eventId(), w.undoes(), w.note()))
        .isEqualTo(List.of(r.id(), r.kind(), r.at(), r.profile(), r.eventId(), r.undoes(), r.note()));
    if (drop.stream().noneMatch(r::holds)) {
      assertThat(w).isSameAs(r);
    }
    // The other way round only if nothing was dropped: a record that gains identifiers is no redaction.
    assertThat(r.redacts(w)).isEqualTo(r.equals(w));
  }

  @Test
  void redacts_aRecordThatDiffersInAnythingButIdentifiers_isFalse() {
    MergeRecord r = record(new Random(7), MergeRecord.Kind.MERGE);
    assertThat(new MergeRecord("m-2", r.kind(), r.at(), r.profile(), r.sides(), r.eventId(), r.links(), r.undoes(), r.note())
        .redacts(r)).isFalse();
    assertThat(new MergeRecord(r.id(), MergeRecord.Kind.FORCED_MERGE, r.at(), r.profile(), r.sides(), r.eventId(), r.links(),
        r.undoes(), r.note()).redacts(r)).isFalse();
    assertThat(new MergeRecord(r.id(), r.kind(), r.at().plusSeconds(1), r.profile(), r.sides(), r.eventId(), r.links(),
        r.undoes(), r.note()).redacts(r)).isFalse();
    assertThat(new MergeRecord(r.id(), r.kind(), r.at(), r.profile(), r.sides(), Optional.empty(), r.links(), r.undoes(),
        r.note()).redacts(r)).isFalse();
    assertThat(new MergeRecord(r.id(), r.kind(), r.at(), r.profile(), r.sides(), r.eventId(), r.links(), r.undoes(), "other")
        .redacts(r)).isFalse();
    assertThat(new MergeRecord(r.id(), r.kind(), r.at(), r.profile(), r.sides().subList(0, 1), r.eventId(), r.links(),
        r.undoes(), r.note()).redacts(r)).isFalse();
    assertThat(new MergeRecord(r.id(), r.kind(), r.at(), r.profile(), List.of(r.sides().get(1), r.sides().get(0)), r.eventId(),
        r.links(), r.undoes(), r.note()).redacts(r)).isFalse();
    List<Identifier> reordered = new ArrayList<>(List.of(id(1), id(2)));
    MergeRecord two = new MergeRecord(r.id(), r.kind(), r.at(), r.profile(), r.sides(), r.eventId(), reordered, r.undoes(), r.note());
    MergeRecord swapped =
        new MergeRecord(r.id(), r.kind(), r.at(), r.profile(), r.sides(), r.eventId(), List.of(id(2), id(1)), r.undoes(), r.note());
    assertThat(swapped.redacts(two)).as("links out of order").isFalse();
  }

  @Test
  void redactMergeRecord_anIdAlreadyInTheCommit_isRefused() {
    MergeRecord r = record(new Random(3), MergeRecord.Kind.MERGE);
    assertThatThrownBy(() -> Commit.builder().redactMergeRecord(r).redactMergeRecord(r))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> Commit.builder().logMerge(r).redactMergeRecord(r))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> Commit.builder().redactMergeRecord(r).logMerge(r))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
  }

  @Test
  void build_withARedactionOnly_isNotEmptyAndHoldsIt() {
    MergeRecord r = record(new Random(5), MergeRecord.Kind.SPLIT);
    Commit c = Commit.builder().redactMergeRecord(r.without(List.of(id(1)))).build();
    assertThat(c.isEmpty()).isFalse();
    assertThat(c.mergeRecordRedactions()).containsExactly(r.without(List.of(id(1))));
    assertThat(c.mergeRecords()).isEmpty();
    assertThat(Commit.builder().build().mergeRecordRedactions()).isEmpty();
  }
}
