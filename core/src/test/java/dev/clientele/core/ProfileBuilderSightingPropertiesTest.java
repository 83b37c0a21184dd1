package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link Profile.Builder#seeIdentifier} and {@link Profile.Builder#seeActivity} share one
 * {@code Optional} per event time between the sightings of an event. That shortcut must give
 * exactly what the general path gives: reading the state, {@link IdentifierState#seenAt} (or
 * {@link IdentifierState#firstSeen}) and {@link Profile.Builder#putIdentifier}, and widening the
 * span by hand with {@link Profile.Builder#activity}.
 */
class ProfileBuilderSightingPropertiesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Property(tries = 300)
  void seeIdentifierAndSeeActivity_equalTheGeneralPath(@ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int events) {
    Random random = new Random(seed);
    Profile.Builder fast = Profile.builder(ProfileId.of("p-1"), T0);
    Profile.Builder general = Profile.builder(ProfileId.of("p-1"), T0);
    for (int e = 0; e < events; e++) {
      // The same Instant instance for the sightings of one event (as ingestion passes it), and
      // sometimes an equal instance of another event: the shared Optional must follow the value.
      Instant at = T0.plusSeconds(random.nextInt(50) - 10);
      boolean active = random.nextBoolean();
      String source = random.nextBoolean() ? "web" : "app";
      int sightings = 1 + random.nextInt(3);
      for (int s = 0; s < sightings; s++) {
        Identifier id = Identifier.of(random.nextBoolean() ? IdentifierType.EMAIL : IdentifierType.ANONYMOUS_ID,
            "v" + random.nextInt(4));
        IdentifierState seen = fast.seeIdentifier(id, at, active, source);
        Optional<IdentifierState> current = general.identifier(id);
        IdentifierState expected = current.isPresent()
            ? current.get().seenAt(at, active, source)
            : IdentifierState.firstSeen(id, at, active, source);
        general.putIdentifier(expected);
        assertThat(seen).isEqualTo(expected);
      }
      if (active) {
        fast.seeActivity(at);
        Optional<Instant> first = general.firstActive();
        Optional<Instant> last = general.lastActive();
        general.activity(
            first.isEmpty() || at.isBefore(first.get()) ? Optional.of(at) : first,
            last.isEmpty() || at.isAfter(last.get()) ? Optional.of(at) : last);
      }
      assertThat(fast.firstActive()).isEqualTo(general.firstActive());
      assertThat(fast.lastActive()).isEqualTo(general.lastActive());
    }
    assertThat(fast.build()).isEqualTo(general.build());
  }

  @Property(tries = 100)
  void seeActivity_insideTheSpan_keepsTheSameOptionals(@ForAll @IntRange(min = 0, max = 20) int offset) {
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), T0)
        .activity(Optional.of(T0), Optional.of(T0.plusSeconds(20)));
    Optional<Instant> first = b.firstActive();
    Optional<Instant> last = b.lastActive();

    b.seeActivity(T0.plusSeconds(offset));

    assertThat(b.firstActive()).isSameAs(first);
    assertThat(b.lastActive()).isSameAs(last);
  }
}
