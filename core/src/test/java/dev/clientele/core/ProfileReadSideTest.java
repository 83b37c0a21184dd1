package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The read side for single passes ({@link Profile#identifierAt}, {@link Profile#attributeAt},
 * {@link Profile#lastSeenOrder()}) must read what {@link Profile#identifiers()},
 * {@link Profile#attributes()} and {@link Profile#lastSeen} read.
 */
class ProfileReadSideTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<IdentifierType> TYPES =
      List.of(IdentifierType.EMAIL, IdentifierType.PHONE, IdentifierType.CUSTOMER_ID, IdentifierType.of("loyalty_card"));

  @Property(tries = 300)
  void indexedReads_equalTheListAndMap_andLastSeenOrderPicksLastSeen(@ForAll long seed) {
    Random random = new Random(seed);
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), T0);
    int ids = random.nextInt(7);
    for (int i = 0; i < ids; i++) {
      Identifier id = Identifier.of(TYPES.get(random.nextInt(TYPES.size())), "v" + random.nextInt(5));
      // seen at one of few times, or never in an active event: ties and absent times are common
      b.putIdentifier(IdentifierState.firstSeen(id, T0.plusSeconds(random.nextInt(3)), random.nextInt(4) > 0, "t"));
    }
    int attributes = random.nextInt(5);
    for (int i = 0; i < attributes; i++) {
      b.putAttribute(new Attribute("a" + random.nextInt(9), "x" + i, "t", T0));
    }
    Profile p = b.build();

    List<IdentifierState> read = new ArrayList<>();
    for (int i = 0; i < p.identifierCount(); i++) {
      read.add(p.identifierAt(i));
    }
    List<Attribute> readAttributes = new ArrayList<>();
    for (int i = 0; i < p.attributeCount(); i++) {
      readAttributes.add(p.attributeAt(i));
    }
    assertThat(read).isEqualTo(p.identifiers());
    assertThat(readAttributes).isEqualTo(List.copyOf(p.attributes().values()));
    for (IdentifierType t : TYPES) {
      Optional<IdentifierState> greatest = p.identifiers(t).stream().max(Profile.lastSeenOrder());
      assertThat(greatest).isEqualTo(p.lastSeen(t));
    }
  }

  @Test
  void identifierAt_outOfRange_throws() {
    Profile p = Profile.builder(ProfileId.of("p-1"), T0)
        .putIdentifier(IdentifierState.firstSeen(Identifier.of(IdentifierType.EMAIL, "a@b.c"), T0, true, "t")).build();
    assertThat(p.identifierAt(0).identifier().value()).isEqualTo("a@b.c");
    assertThatThrownBy(() -> p.identifierAt(1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> p.identifierAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> p.attributeAt(0)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
