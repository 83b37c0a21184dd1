package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link Commit.Builder} keeps the first profile write, the first two index writes and the
 * first append in fields and allocates its lists only after them. For any sequence of calls the built commit
 * must hold every accepted entry in call order, and a call must be refused exactly when its key
 * (profile id, identifier, event id) is already in the commit, whichever of the two forms holds it.
 */
class CommitBuilderPropertiesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static final ProfileId[] OWNERS = {ProfileId.of("p-0"), ProfileId.of("p-1"), ProfileId.of("p-2")};

  @Property(tries = 500)
  void build_anySequence_holdsTheAcceptedEntriesInOrder(@ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int calls) {
    Random random = new Random(seed);
    Commit.Builder b = Commit.builder();
    List<Commit.ProfileWrite> writes = new ArrayList<>();
    List<Commit.ProfileDelete> deletes = new ArrayList<>();
    List<Commit.IndexWrite> index = new ArrayList<>();
    List<StoredEvent> appends = new ArrayList<>();
    Set<ProfileId> profiles = new HashSet<>();
    Set<Identifier> identifiers = new HashSet<>();
    Set<String> events = new HashSet<>();
    // Small key pools (more than the builder's scan limit of 8 for identifiers), so keys repeat.
    Commit early = null; // built half-way: later builder calls must not change it
    List<List<?>> earlyModel = null;
    for (int i = 0; i < calls; i++) {
      if (i == calls / 2) {
        early = b.build();
        earlyModel = List.of(List.copyOf(writes), List.copyOf(deletes), List.copyOf(index), List.copyOf(appends));
      }
      switch (random.nextInt(5)) {
        case 0 -> {
          ProfileId id = ProfileId.of("p-" + random.nextInt(6));
          Profile p = Profile.builder(id, T0).version(1).build();
          if (profiles.add(id)) {
            b.putProfile(p, 0);
            writes.add(new Commit.ProfileWrite(p, 0));
          } else {
            assertThatThrownBy(() -> b.putProfile(p, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
          }
        }
        case 1 -> {
          ProfileId id = ProfileId.of("p-" + random.nextInt(6));
          if (profiles.add(id)) {
            b.deleteProfile(id, 1);
            deletes.add(new Commit.ProfileDelete(id, 1));
          } else {
            assertThatThrownBy(() -> b.deleteProfile(id, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
          }
        }
        case 2, 3 -> {
          Identifier id = Identifier.of(IdentifierType.ANONYMOUS_ID, "a-" + random.nextInt(14));
          // Owners vary, and repeat as the same instances (the builder shares one Optional while the
          // owner instance stays the same), so a shared Optional of the owner must follow the owner.
          ProfileId owner = OWNERS[random.nextInt(OWNERS.length)];
          boolean assign = random.nextInt(3) > 0;
          Commit.IndexWrite expected = assign
              ? new Commit.IndexWrite(id, Optional.empty(), Optional.of(owner))
              : new Commit.IndexWrite(id, Optional.of(owner), Optional.empty());
          if (identifiers.add(id)) {
            if (assign) {
              b.assign(id, Optional.empty(), owner);
            } else {
              b.unassign(id, owner);
            }
            index.add(expected);
          } else {
            assertThatThrownBy(() -> b.assign(id, Optional.empty(), owner))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
          }
        }
        default -> {
          String eventId = "e-" + random.nextInt(10);
          Identifier anchor = Identifier.of(IdentifierType.ANONYMOUS_ID, "a-1");
          StoredEvent e = new StoredEvent(Event.builder(eventId, "login", T0).identifier(anchor).build(), anchor);
          if (events.add(eventId)) {
            b.append(e);
            appends.add(e);
          } else {
            assertThatThrownBy(() -> b.append(e)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
          }
        }
      }
    }

    Commit c = b.build();

    assertThat(c.profileWrites()).containsExactlyElementsOf(writes);
    assertThat(c.profileDeletes()).containsExactlyElementsOf(deletes);
    assertThat(c.indexWrites()).containsExactlyElementsOf(index);
    assertThat(c.appends()).containsExactlyElementsOf(appends);
    assertThat(c.isEmpty()).isEqualTo(writes.isEmpty() && deletes.isEmpty() && index.isEmpty() && appends.isEmpty());
    // What the store reads: one entry is held without a list; by index it is the same.
    assertThat(indexed(c.profileWriteCount(), c::profileWriteAt)).isEqualTo(writes);
    assertThat(indexed(c.indexWriteCount(), c::indexWriteAt)).isEqualTo(index);
    assertThat(indexed(c.appendCount(), c::appendAt)).isEqualTo(appends);
    assertThatThrownBy(() -> c.appendAt(appends.size())).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> c.profileWriteAt(writes.size())).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> c.indexWriteAt(index.size())).isInstanceOf(IndexOutOfBoundsException.class);
    if (early != null) {
      assertThat(List.of(early.profileWrites(), early.profileDeletes(), early.indexWrites(), early.appends()))
          .isEqualTo(earlyModel);
    }
  }

  private static <T> List<T> indexed(int count, java.util.function.IntFunction<T> at) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(at.apply(i));
    }
    return out;
  }
}
