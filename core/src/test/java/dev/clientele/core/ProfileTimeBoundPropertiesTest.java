package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link Profile.Builder#seeEvent} decides an event after every time the profile holds on a kept
 * bound, without reading the times: it must give exactly what moving created-at, updated-at and
 * the activity span by hand gives, in any order of events, with times far outside the range the
 * bound holds exactly, and after the times were set by the other setters.
 */
class ProfileTimeBoundPropertiesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Instant time(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> Instant.ofEpochSecond(-5_000_000_000L + random.nextInt(3), random.nextInt(3)); // clamped low
      case 1 -> Instant.ofEpochSecond(4_294_967_295L + random.nextInt(3), random.nextInt(2)); // at and past the clamp
      case 2 -> random.nextBoolean() ? Instant.MIN : Instant.MAX;
      default -> T0.plusSeconds(random.nextInt(30) - 5).plusNanos(random.nextInt(3) * 400_000_000L);
    };
  }

  @Property(tries = 500)
  void seeEvent_equalsTheChangesByHand(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int events) {
    Random random = new Random(seed);
    Instant created = time(random);
    Profile.Builder fast = Profile.builder(ProfileId.of("p-1"), created);
    Profile.Builder byHand = Profile.builder(ProfileId.of("p-1"), created);
    for (int e = 0; e < events; e++) {
      Instant at = time(random);
      boolean active = random.nextBoolean();
      switch (random.nextInt(10)) {
        case 0 -> { // the other setters move the times too (a merge does)
          Instant t = time(random);
          fast.updatedAt(t);
          byHand.updatedAt(t);
        }
        case 1 -> {
          Instant t = time(random);
          fast.createdAt(t);
          byHand.createdAt(t);
        }
        case 2 -> {
          Optional<Instant> first = random.nextBoolean() ? Optional.of(time(random)) : Optional.empty();
          Optional<Instant> last = first.map(f -> random.nextBoolean() ? f : time(random));
          fast.activity(first, last);
          byHand.activity(first, last);
        }
        case 3 -> { // the builder goes on from a built profile
          fast = fast.build().toBuilder();
          byHand = byHand.build().toBuilder();
        }
        default -> {
        }
      }
      fast.seeEvent(at, active);
      if (at.isBefore(byHand.createdAt())) {
        byHand.createdAt(at);
      }
      if (at.isAfter(byHand.updatedAt())) {
        byHand.updatedAt(at);
      }
      if (active) {
        Optional<Instant> first = byHand.firstActive();
        Optional<Instant> last = byHand.lastActive();
        byHand.activity(
            first.isEmpty() || at.isBefore(first.get()) ? Optional.of(at) : first,
            last.isEmpty() || at.isAfter(last.get()) ? Optional.of(at) : last);
      }
      assertThat(fast.createdAt()).isEqualTo(byHand.createdAt());
      assertThat(fast.updatedAt()).isEqualTo(byHand.updatedAt());
      assertThat(fast.firstActive()).isEqualTo(byHand.firstActive());
      assertThat(fast.lastActive()).isEqualTo(byHand.lastActive());
    }
    Profile built = fast.build(); // the constructor asserts the bound covers every time
    assertThat(built).isEqualTo(byHand.build());
    assertThat(built.timeBound()).isGreaterThanOrEqualTo(Profile.boundSeconds(built.updatedAt()));
  }

  @Property(tries = 300)
  void boundSeconds_neverDecreases(@ForAll long seed) {
    Random random = new Random(seed);
    Instant a = time(random);
    Instant b = time(random);

    if (!a.isAfter(b)) {
      assertThat(Profile.boundSeconds(a)).isLessThanOrEqualTo(Profile.boundSeconds(b));
    }
  }

  @Test
  void seeEvent_inOrder_leavesCreatedAtAndFirstActive() {
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), T0);
    b.seeEvent(T0, true);
    Optional<Instant> first = b.firstActive();

    b.seeEvent(T0.plusSeconds(60), false);
    b.seeEvent(T0.plusSeconds(120), true);

    assertThat(b.createdAt()).isEqualTo(T0);
    assertThat(b.firstActive()).isSameAs(first);
    assertThat(b.lastActive()).contains(T0.plusSeconds(120));
    assertThat(b.updatedAt()).isEqualTo(T0.plusSeconds(120));
  }

  @Test
  void activity_oneSideOnly_throws() {
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), T0);

    assertThatThrownBy(() -> b.activity(Optional.of(T0), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set together");
  }
}
