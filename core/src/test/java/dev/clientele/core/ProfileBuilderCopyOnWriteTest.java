package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link Profile.Builder} shares a profile's collections until it changes them: the source
 * profile must never change, the built profile must hold exactly what a plain sorted model
 * holds, and the builder's views must always show its current state.
 */
class ProfileBuilderCopyOnWriteTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Property(tries = 200)
  void toBuilder_randomChanges_matchASortedModelAndLeaveTheSourceAlone(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int changes) {
    Random random = new Random(seed);
    Profile source = randomProfile(random);
    Profile before = source.toBuilder().build();
    Profile.Builder b = source.toBuilder();
    TreeMap<Identifier, IdentifierState> ids = new TreeMap<>();
    source.identifiers().forEach(s -> ids.put(s.identifier(), s));
    TreeMap<String, Attribute> attributes = new TreeMap<>(source.attributes());
    TreeSet<String> tags = new TreeSet<>(source.tags());
    TreeSet<ProfileId> merged = new TreeSet<>(source.mergedFrom());
    for (int i = 0; i < changes; i++) {
      switch (random.nextInt(8)) {
        case 0 -> {
          IdentifierState s = IdentifierState.firstSeen(identifier(random), T0.plusSeconds(random.nextInt(100)), true, "t");
          b.putIdentifier(s);
          ids.put(s.identifier(), s);
        }
        case 1 -> {
          Identifier id = identifier(random);
          b.removeIdentifier(id);
          ids.remove(id);
        }
        case 2 -> {
          Attribute a = new Attribute("a" + random.nextInt(6), "v" + random.nextInt(3), "t", T0);
          b.putAttribute(a);
          attributes.put(a.name(), a);
        }
        case 3 -> {
          String name = "a" + random.nextInt(6);
          b.removeAttribute(name);
          attributes.remove(name);
        }
        case 4 -> {
          String tag = "t" + random.nextInt(5);
          b.addTag(tag);
          tags.add(tag);
        }
        case 5 -> {
          String tag = "t" + random.nextInt(5);
          b.removeTag(tag);
          tags.remove(tag);
        }
        case 6 -> {
          // A sighting: the model reads the state and puts what seenAt/firstSeen give.
          Identifier id = identifier(random);
          Instant at = T0.plusSeconds(random.nextInt(100));
          boolean active = random.nextBoolean();
          String src = random.nextBoolean() ? "s" : "t";
          IdentifierState current = ids.get(id);
          IdentifierState expected = current == null ? IdentifierState.firstSeen(id, at, active, src) : current.seenAt(at, active, src);
          assertThat(b.seeIdentifier(id, at, active, src)).isEqualTo(expected);
          ids.put(id, expected);
        }
        default -> {
          ProfileId id = ProfileId.of("m-" + random.nextInt(5));
          b.addMergedFrom(List.of(id));
          merged.add(id);
        }
      }
      assertThat(b.identifiers()).containsExactlyElementsOf(ids.values());
      assertThat(b.attributes()).isEqualTo(attributes);
      assertThat(b.tags()).containsExactlyElementsOf(tags);
    }
    Profile built = b.build();
    assertThat(built.identifiers()).containsExactlyElementsOf(ids.values());
    assertThat(built.attributes()).containsExactlyEntriesOf(attributes);
    assertThat(built.tags()).containsExactlyElementsOf(tags);
    assertThat(built.mergedFrom()).containsExactlyElementsOf(merged);
    assertThat(source).isEqualTo(before);
  }

  @Test
  void views_takenBeforeAChange_showTheChange() {
    Profile source = Profile.builder(ProfileId.of("p-1"), T0).build();
    Profile.Builder b = source.toBuilder();
    Collection<IdentifierState> identifiers = b.identifiers();
    SortedMap<String, Attribute> attributes = b.attributes();
    SortedSet<String> tags = b.tags();
    IdentifierState s = IdentifierState.firstSeen(Identifier.of(IdentifierType.EMAIL, "a@example.com"), T0, true, "t");
    b.putIdentifier(s).putAttribute(new Attribute("city", "Oslo", "t", T0)).addTag("vip");
    assertThat(identifiers).containsExactly(s);
    assertThat(attributes).containsOnlyKeys("city");
    assertThat(tags).containsExactly("vip");
    assertThat(source.identifiers()).isEmpty();
    assertThat(source.attributes()).isEmpty();
    assertThat(source.tags()).isEmpty();
  }

  @Test
  void build_thenChangeTheBuilderAgain_leavesTheBuiltProfileAlone() {
    Identifier email = Identifier.of(IdentifierType.EMAIL, "a@example.com");
    IdentifierState seen = IdentifierState.firstSeen(email, T0, true, "t");
    Attribute oslo = new Attribute("city", "Oslo", "t", T0);
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), T0).putIdentifier(seen).putAttribute(oslo);
    Profile first = b.build();

    // Replacing in place is what the builder does with arrays it owns: after build() it must copy.
    IdentifierState later = seen.seenAt(T0.plusSeconds(60), true, "t");
    Attribute bergen = new Attribute("city", "Bergen", "t", T0.plusSeconds(60));
    b.putIdentifier(later).putAttribute(bergen);
    Profile second = b.build();
    b.putAttribute(new Attribute("city", "Lima", "t", T0.plusSeconds(90)));

    assertThat(first.identifiers()).containsExactly(seen);
    assertThat(first.identifier(email)).contains(seen);
    assertThat(first.attribute("city")).contains(oslo);
    assertThat(first.attributes()).containsExactly(java.util.Map.entry("city", oslo));
    assertThat(second.identifier(email)).contains(later);
    assertThat(second.attribute("city")).contains(bergen);
    assertThat(second.toBuilder().attribute("city")).contains(bergen);
    assertThat(second.toBuilder().attribute("country")).isEmpty();
  }

  private static Identifier identifier(Random random) {
    IdentifierType type = random.nextBoolean() ? IdentifierType.EMAIL : IdentifierType.ANONYMOUS_ID;
    return Identifier.of(type, "v" + random.nextInt(8));
  }

  private static Profile randomProfile(Random random) {
    Profile.Builder b = Profile.builder(ProfileId.of("p-" + random.nextInt(100)), T0);
    List<Integer> n = new ArrayList<>(List.of(random.nextInt(4), random.nextInt(3), random.nextInt(3)));
    for (int i = 0; i < n.get(0); i++) {
      b.putIdentifier(IdentifierState.firstSeen(identifier(random), T0, false, "s"));
    }
    for (int i = 0; i < n.get(1); i++) {
      b.putAttribute(new Attribute("a" + random.nextInt(6), "x", "s", T0));
    }
    for (int i = 0; i < n.get(2); i++) {
      b.addTag("t" + random.nextInt(5));
    }
    if (random.nextBoolean()) {
      b.addMergedFrom(List.of(ProfileId.of("m-" + random.nextInt(5))));
    }
    return b.build();
  }
}
