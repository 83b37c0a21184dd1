package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link IdentifierKeys}, the ints a profile keeps beside its identifiers, must answer exactly
 * what the identifiers themselves answer: a lookup what a binary search finds (also when keys
 * collide and when types are not built in), a type count what filtering finds, a sighting what
 * {@link IdentifierState#seenAt} gives; and every profile's keys equal keys computed afresh,
 * whatever the builder did (the keys are shared between versions, never changed in place).
 */
class IdentifierKeysPropertiesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  /**
   * Types that sort before, between and after the built-in ones, and built-in names as instances
   * other than the shared constants.
   */
  private static final List<IdentifierType> TYPES = List.of(
      IdentifierType.EMAIL, IdentifierType.PHONE, IdentifierType.ANONYMOUS_ID, IdentifierType.CUSTOMER_ID,
      IdentifierType.PUSH_TOKEN, new IdentifierType("email"), new IdentifierType("anonymous_id"),
      IdentifierType.of("aaa_card"), IdentifierType.of("loyalty"), IdentifierType.of("zz_device"));

  /**
   * A value from a small alphabet of blocks with equal {@link String#hashCode()} ("Aa" and "BB"):
   * many distinct values share a hash, so their keys collide.
   */
  private static String value(Random random) {
    StringBuilder s = new StringBuilder();
    int blocks = 1 + random.nextInt(3);
    for (int b = 0; b < blocks; b++) {
      s.append(random.nextBoolean() ? "Aa" : "BB");
    }
    if (random.nextInt(4) == 0) {
      s.append(random.nextInt(3));
    }
    return s.toString();
  }

  private static Identifier identifier(Random random, List<IdentifierType> types) {
    return Identifier.of(types.get(random.nextInt(types.size())), value(random));
  }

  /** A random profile (its identifiers' types from {@code types}) and the identifiers tried on it. */
  private static Profile profile(Random random, int n, List<IdentifierType> types) {
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), T0);
    for (int i = 0; i < n; i++) {
      b.seeIdentifier(identifier(random, types), T0.plusSeconds(random.nextInt(100)), random.nextBoolean(), "t");
    }
    return b.build();
  }

  @Property(tries = 500)
  void indexOf_equalsBinarySearch(@ForAll long seed, @ForAll @IntRange(min = 0, max = 24) int n, @ForAll boolean builtInOnly) {
    Random random = new Random(seed);
    List<IdentifierType> types = builtInOnly ? TYPES.subList(0, 7) : TYPES;
    Profile p = profile(random, n, types);
    IdentifierState[] states = p.identifiers().toArray(new IdentifierState[0]);
    int[] keys = p.identifierKeys();

    for (int t = 0; t < 40; t++) {
      Identifier probe = identifier(random, TYPES);
      int expected = IdentifierKeys.binarySearch(states, 0, states.length, probe);

      assertThat(IdentifierKeys.indexOf(states, keys, probe)).as("%s", probe).isEqualTo(expected);
      assertThat(p.identifier(probe)).isEqualTo(p.identifiers().stream().filter(s -> s.identifier().equals(probe)).findFirst());
    }
  }

  @Test
  void indexOf_collidingKeys_findsTheRightOne() {
    // "Aa" and "BB" have the same String hash, so the same key: the scan must check the state.
    assertThat(IdentifierKeys.key(Identifier.of(IdentifierType.EMAIL, "Aa")))
        .isEqualTo(IdentifierKeys.key(Identifier.of(IdentifierType.EMAIL, "BB")));
    Profile p = Profile.builder(ProfileId.of("p-1"), T0)
        .putIdentifier(IdentifierState.firstSeen(Identifier.of(IdentifierType.EMAIL, "BB"), T0, true, "t"))
        .putIdentifier(IdentifierState.firstSeen(Identifier.of(IdentifierType.EMAIL, "Aa"), T0, true, "t"))
        .build();

    assertThat(p.identifier(Identifier.of(IdentifierType.EMAIL, "BB")).orElseThrow().identifier().value()).isEqualTo("BB");
    assertThat(p.identifier(Identifier.of(IdentifierType.EMAIL, "Aa")).orElseThrow().identifier().value()).isEqualTo("Aa");
    assertThat(p.identifier(Identifier.of(IdentifierType.PHONE, "Aa"))).isEmpty();
  }

  @Test
  void build_withoutAddingOrRemoving_sharesTheKeys() {
    Identifier email = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
    Profile p = Profile.builder(ProfileId.of("p-1"), T0)
        .putIdentifier(IdentifierState.firstSeen(email, T0, true, "t"))
        .putIdentifier(IdentifierState.firstSeen(Identifier.of(IdentifierType.ANONYMOUS_ID, "d-1"), T0, true, "t"))
        .build();

    Profile.Builder b = p.toBuilder();
    b.seeIdentifier(email, T0.plusSeconds(60), true, "t");
    Profile seen = b.build();
    b.seeIdentifier(Identifier.of(IdentifierType.PHONE, "+15550100"), T0, true, "t");
    Profile added = b.build();

    assertThat(seen.identifierKeys()).isSameAs(p.identifierKeys());
    assertThat(added.identifierKeys()).isNotSameAs(p.identifierKeys()).hasSize(3);
    assertThat(p.identifierKeys()).isEqualTo(IdentifierKeys.of(p.identifiers().toArray(new IdentifierState[0])));
  }

  @Test
  void indexOf_largeProfile_binarySearches() {
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), T0);
    int n = IdentifierKeys.SCAN_LIMIT + 10;
    for (int i = 0; i < n; i++) {
      b.seeIdentifier(Identifier.of(IdentifierType.ANONYMOUS_ID, "d" + i), T0, true, "t");
    }
    Profile p = b.build();

    assertThat(p.identifierCount()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(p.identifier(Identifier.of(IdentifierType.ANONYMOUS_ID, "d" + i))).isPresent();
    }
    assertThat(p.identifier(Identifier.of(IdentifierType.ANONYMOUS_ID, "e0"))).isEmpty();
  }

  @Property(tries = 300)
  void typeReads_equalFilteringTheIdentifiers(@ForAll long seed, @ForAll @IntRange(min = 0, max = 16) int n) {
    Random random = new Random(seed);
    Profile p = profile(random, n, TYPES);

    for (IdentifierType type : TYPES) {
      List<IdentifierState> ofType = p.identifiers().stream().filter(s -> s.type().equals(type)).toList();
      assertThat(p.identifierCount(type)).isEqualTo(ofType.size());
      assertThat(p.identifiers(type)).containsExactlyElementsOf(ofType);
      assertThat(p.lastSeen(type)).isEqualTo(ofType.stream().max(Profile.lastSeenOrder()));
    }
    assertThat(p.isAnonymous()).isEqualTo(p.identifiers().stream().allMatch(s -> s.type().isAnonymous()));
    assertThat(p.identifiers(null)).isEmpty();
    assertThat(p.lastSeen(null)).isEmpty();
    assertThat(p.identifierCount(null)).isZero();
  }

  @Test
  void typeCode_followsTheNameOrderOfTheBuiltInTypes() {
    List<IdentifierType> builtIn = new ArrayList<>(List.of(
        IdentifierType.EMAIL, IdentifierType.PHONE, IdentifierType.PUSH_TOKEN, IdentifierType.CUSTOMER_ID, IdentifierType.ANONYMOUS_ID));
    builtIn.sort(null);
    for (int i = 0; i < builtIn.size(); i++) {
      assertThat(IdentifierKeys.typeCode(builtIn.get(i))).isEqualTo(i);
      assertThat(IdentifierKeys.typeCode(new IdentifierType(builtIn.get(i).name()))).isEqualTo(i);
    }
    assertThat(IdentifierKeys.typeCode(IdentifierType.of("loyalty"))).isEqualTo(IdentifierKeys.OTHER);
  }

  /** Times near, long before and long after the present, with and without nanoseconds. */
  private static Instant time(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> Instant.ofEpochSecond(-5_000_000_000L + random.nextInt(3), random.nextInt(3)); // out of range: UNKNOWN
      case 1 -> Instant.ofEpochSecond(4_294_967_295L + random.nextInt(3), random.nextInt(2)); // at and past the end
      case 2 -> Instant.ofEpochSecond(random.nextInt(3), random.nextInt(2)); // at and near the start
      default -> T0.plusSeconds(random.nextInt(8)).plusNanos(random.nextInt(3) * 400_000_000L);
    };
  }

  @Property(tries = 300)
  void seeIdentifier_equalsSeenAt_overWideTimes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int events) {
    Random random = new Random(seed);
    Profile.Builder fast = Profile.builder(ProfileId.of("p-1"), T0);
    TreeMap<Identifier, IdentifierState> general = new TreeMap<>();
    for (int e = 0; e < events; e++) {
      Instant at = time(random);
      boolean active = random.nextBoolean();
      String source = random.nextBoolean() ? "web" : "app";
      Identifier id = identifier(random, TYPES.subList(0, 3));
      IdentifierState current = general.get(id);
      IdentifierState expected = current != null ? current.seenAt(at, active, source) : IdentifierState.firstSeen(id, at, active, source);
      general.put(id, expected);

      IdentifierState seen = fast.seeIdentifier(id, at, active, source);

      assertThat(seen).isEqualTo(expected);
      if (current != null && expected.equals(current)) {
        assertThat(seen).as("unchanged: the same state").isSameAs(fast.identifier(id).orElseThrow());
      }
    }
    Profile built = fast.build();
    assertThat(built.identifiers()).containsExactlyElementsOf(general.values());
    assertThat(built.identifierKeys()).isEqualTo(IdentifierKeys.of(general.values().toArray(new IdentifierState[0])));
  }

  @Property(tries = 300)
  void builderChanges_keepTheKeysInStep(@ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int steps) {
    Random random = new Random(seed);
    Profile base = profile(random, random.nextInt(6), TYPES);
    Profile.Builder b = base.toBuilder();
    for (int s = 0; s < steps; s++) {
      Identifier id = identifier(random, TYPES);
      Instant at = time(random);
      switch (random.nextInt(5)) {
        case 0 -> b.removeIdentifier(id);
        case 1 -> b.putIdentifier(IdentifierState.firstSeen(id, at, random.nextBoolean(), "s"));
        case 2 -> b.identifier(id).ifPresent(st -> b.putIdentifier(st.withConsent(Consent.OPT_IN, at)));
        default -> b.seeIdentifier(id, at, random.nextBoolean(), "s");
      }
      if (random.nextInt(8) == 0) {
        Profile mid = b.build(); // the builder goes on after a build: the profile keeps its arrays
        assertThat(mid.identifierKeys()).isEqualTo(IdentifierKeys.of(mid.identifiers().toArray(new IdentifierState[0])));
      }
    }
    Profile p = b.build();

    assertThat(p.identifierKeys()).isEqualTo(IdentifierKeys.of(p.identifiers().toArray(new IdentifierState[0])));
    assertThat(base.identifierKeys()).as("the base profile is unchanged")
        .isEqualTo(IdentifierKeys.of(base.identifiers().toArray(new IdentifierState[0])));
    List<IdentifierState> sorted = new ArrayList<>(p.identifiers());
    sorted.sort((x, y) -> x.identifier().compareTo(y.identifier()));
    assertThat(p.identifiers()).containsExactlyElementsOf(sorted);
  }
}
