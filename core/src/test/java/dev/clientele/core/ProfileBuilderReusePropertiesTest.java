package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Ingestion reuses one {@link Profile.Builder} per thread ({@link Profile.Builder#reset}) and
 * observes attributes with {@link Profile.Builder#seeAttribute}. Both are shortcuts of a general
 * path that must give exactly the same profiles: a reset builder is the builder
 * {@link Profile#toBuilder()} (or {@link Profile#builder}) would be, whatever it held and built
 * before, and the profiles it built before never change; an observation is kept exactly when
 * reading the current value, comparing by {@link Attribute#OBSERVATION_ORDER} and putting it
 * would replace it.
 */
class ProfileBuilderReusePropertiesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Property(tries = 300)
  void reset_thenChanges_equalAFreshBuilderWithTheSameChanges(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int versions) {
    Random random = new Random(seed);
    Profile.Builder reused = Profile.builder(ProfileId.of("p-0"), T0);
    List<Profile> built = new ArrayList<>();
    List<Profile> copies = new ArrayList<>(); // equal values made without the reused builder
    Profile previous = null;
    for (int v = 0; v < versions; v++) {
      if (previous != null && random.nextInt(4) == 0) {
        // An attempt given up half-way (a commit conflict): changes, no build, then a reset.
        reused.reset(random.nextBoolean() ? previous : built.get(random.nextInt(built.size())));
        for (int c = random.nextInt(6); c >= 0; c--) {
          randomChange(random).accept(reused);
        }
      }
      Profile.Builder fresh;
      int pick = random.nextInt(4);
      if (pick == 0 || previous == null) { // a new profile
        ProfileId id = ProfileId.of("p-" + random.nextInt(50));
        Instant created = T0.plusSeconds(random.nextInt(100) - 50);
        reused.reset(id, created);
        fresh = Profile.builder(id, created);
      } else {
        // The next version of the last profile (as ingestion does) or of an earlier one.
        Profile from = pick == 1 ? previous : built.get(random.nextInt(built.size()));
        reused.reset(from);
        fresh = from.toBuilder();
      }
      if (random.nextBoolean()) {
        assertThat(reused.build()).isEqualTo(fresh.build()); // before any change: the same values
      }
      int changes = random.nextInt(10);
      for (int c = 0; c < changes; c++) {
        Consumer<Profile.Builder> change = randomChange(random);
        change.accept(reused);
        change.accept(fresh);
      }
      if (random.nextInt(4) == 0) { // views read before a build, changes after it
        assertThat(reused.identifiers()).containsExactlyElementsOf(fresh.identifiers());
        assertThat(reused.attributes()).isEqualTo(fresh.attributes());
        assertThat(reused.tags()).isEqualTo(fresh.tags());
        assertThat(reused.lists()).isEqualTo(fresh.lists());
      }
      Profile next = reused.build();
      Profile expected = fresh.build();
      assertThat(next).isEqualTo(expected);
      assertThat(next.identifierKeys()).isEqualTo(IdentifierKeys.of(next.identifiers().toArray(new IdentifierState[0])));
      assertThat(next.lists()).isEqualTo(expected.lists());
      assertThat(next.tags()).isEqualTo(expected.tags());
      assertThat(next.mergedFrom()).isEqualTo(expected.mergedFrom());
      assertThat(next.orders()).isEqualTo(expected.orders());
      assertThat(next.ccpaOptOutAt()).isEqualTo(expected.ccpaOptOutAt());
      built.add(next);
      copies.add(expected);
      previous = next;
    }
    // Reusing the builder never reached into what it had built.
    for (int i = 0; i < built.size(); i++) {
      Profile p = built.get(i);
      Profile c = copies.get(i);
      assertThat(p).isEqualTo(c);
      assertThat(p.lists()).isEqualTo(c.lists());
      assertThat(p.tags()).isEqualTo(c.tags());
      assertThat(p.mergedFrom()).isEqualTo(c.mergedFrom());
      assertThat(p.attributes()).isEqualTo(c.attributes());
    }
  }

  @Property(tries = 300)
  void seeAttribute_equalsReadCompareAndPut(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int observations) {
    Random random = new Random(seed);
    Profile.Builder fast = Profile.builder(ProfileId.of("p-1"), T0);
    Profile.Builder general = Profile.builder(ProfileId.of("p-1"), T0);
    for (int o = 0; o < observations; o++) {
      if (random.nextInt(6) == 0) { // go on from a built profile: arrays owned by it must be copied
        fast = fast.build().toBuilder();
        general = general.build().toBuilder();
      }
      Attribute observed = randomAttribute(random);
      Attribute current = general.attributes().get(observed.name());
      boolean expected = current == null || Attribute.OBSERVATION_ORDER.compare(observed, current) > 0;
      if (expected) {
        general.putAttribute(observed);
      }
      assertThat(fast.seeAttribute(observed)).isEqualTo(expected);
      assertThat(fast.attributes()).isEqualTo(general.attributes());
    }
    assertThat(fast.build()).isEqualTo(general.build());
  }

  @Test
  void reset_leavesTheProfileBuiltBeforeAlone() {
    Identifier email = Identifier.of(IdentifierType.EMAIL, "a@example.com");
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), T0)
        .putIdentifier(IdentifierState.firstSeen(email, T0, true, "t"))
        .putAttribute(new Attribute("city", "Oslo", "t", T0))
        .addTag("vip")
        .putList(ListSubscription.apply(Optional.empty(), "news", true, T0));
    Profile first = b.build();
    Profile other = Profile.builder(ProfileId.of("p-2"), T0).build();

    b.reset(other).putAttribute(new Attribute("city", "Lima", "t", T0)).addTag("new")
        .putList(ListSubscription.apply(Optional.empty(), "deals", true, T0));
    Profile second = b.build();
    b.reset(first).seeIdentifier(email, T0.plusSeconds(5), true, "t");
    Profile third = b.build();

    assertThat(first.attribute("city").map(Attribute::text)).contains("Oslo");
    assertThat(first.tags()).containsExactly("vip");
    assertThat(first.lists()).containsOnlyKeys("news");
    assertThat(first.identifier(email).flatMap(IdentifierState::lastSeen)).contains(T0);
    assertThat(second.id()).isEqualTo(ProfileId.of("p-2"));
    assertThat(second.identifiers()).isEmpty();
    assertThat(second.tags()).containsExactly("new");
    assertThat(second.lists()).containsOnlyKeys("deals");
    assertThat(third.identifier(email).flatMap(IdentifierState::lastSeen)).contains(T0.plusSeconds(5));
    assertThat(third.tags()).containsExactly("vip");
    assertThat(third.lists()).containsOnlyKeys("news");
  }

  private static Identifier identifier(Random random) {
    IdentifierType type = random.nextBoolean() ? IdentifierType.EMAIL : IdentifierType.ANONYMOUS_ID;
    return Identifier.of(type, "v" + random.nextInt(6));
  }

  private static Attribute randomAttribute(Random random) {
    Object value = random.nextBoolean() ? (Object) ("x" + random.nextInt(3)) : (Object) (long) random.nextInt(3);
    return new Attribute("a" + random.nextInt(4), value, random.nextBoolean() ? "s" : "t", T0.plusSeconds(random.nextInt(5)));
  }

  /** One change of the kinds ingestion, merges and hosts make, applied the same way to any builder. */
  private static Consumer<Profile.Builder> randomChange(Random random) {
    Instant at = T0.plusSeconds(random.nextInt(200) - 100);
    boolean active = random.nextBoolean();
    String source = random.nextBoolean() ? "s" : "t";
    return switch (random.nextInt(14)) {
      case 0 -> {
        IdentifierState s = IdentifierState.firstSeen(identifier(random), at, active, source);
        yield b -> b.putIdentifier(s);
      }
      case 1 -> {
        Identifier id = identifier(random);
        yield b -> b.removeIdentifier(id);
      }
      case 2 -> {
        Identifier id = identifier(random);
        yield b -> b.seeIdentifier(id, at, active, source);
      }
      case 3 -> b -> b.seeEvent(at, active);
      case 4 -> {
        Attribute a = randomAttribute(random);
        yield b -> b.putAttribute(a);
      }
      case 5 -> {
        Attribute a = randomAttribute(random);
        yield b -> b.seeAttribute(a);
      }
      case 6 -> {
        String name = "a" + random.nextInt(4);
        yield b -> b.removeAttribute(name);
      }
      case 7 -> {
        String tag = "t" + random.nextInt(4);
        yield random.nextBoolean() ? b -> b.addTag(tag) : b -> b.removeTag(tag);
      }
      case 8 -> {
        String list = "l" + random.nextInt(3);
        boolean subscribe = random.nextBoolean();
        yield b -> b.putList(ListSubscription.apply(Optional.ofNullable(b.lists().get(list)), list, subscribe, at));
      }
      case 9 -> {
        ProfileId id = ProfileId.of("m-" + random.nextInt(5));
        yield b -> b.addMergedFrom(List.of(id));
      }
      case 10 -> b -> b.ccpa(Optional.of(at), b.ccpaOptInAt());
      case 11 -> {
        BigDecimal total = BigDecimal.valueOf(1 + random.nextInt(100));
        yield b -> b.orders(b.orders().plus(total, at));
      }
      case 12 -> b -> b.eventCount(b.eventCount() + 1).version(b.version() + 1);
      default -> b -> b.seeActivity(at);
    };
  }

  @Test
  void aResetThatThrows_leavesTheBuilderAsItWas() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    Identifier email = Identifier.of(IdentifierType.EMAIL, "a@example.com");
    Profile p = Profile.builder(ProfileId.of("p-1"), t0).version(7)
        .putIdentifier(IdentifierState.firstSeen(email, t0, true, "t")).build();
    Profile.Builder b = p.toBuilder();
    assertThatThrownBy(() -> b.reset(ProfileId.of("p-2"), null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.reset(null, t0)).isInstanceOf(NullPointerException.class);
    assertThat(b.build()).isEqualTo(p);
  }
}
