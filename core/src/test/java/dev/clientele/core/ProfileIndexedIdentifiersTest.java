package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link Profile#identifierCount()} and {@link Profile#identifierAt} read what {@link Profile#identifiers()} holds. */
class ProfileIndexedIdentifiersTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Property(tries = 200)
  void identifierAt_byIndex_equalsTheList(@ForAll long seed, @ForAll @IntRange(min = 0, max = 12) int n) {
    Random random = new Random(seed);
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), T0);
    List<IdentifierType> types = List.of(IdentifierType.EMAIL, IdentifierType.PHONE, IdentifierType.ANONYMOUS_ID, IdentifierType.of("loyalty"));
    for (int i = 0; i < n; i++) {
      b.seeIdentifier(Identifier.of(types.get(random.nextInt(types.size())), "v" + random.nextInt(8)), T0, true, "t");
    }
    Profile p = b.build();

    List<IdentifierState> byIndex = new ArrayList<>();
    for (int i = 0; i < p.identifierCount(); i++) {
      byIndex.add(p.identifierAt(i));
    }

    assertThat(byIndex).containsExactlyElementsOf(p.identifiers());
  }

  @Test
  void identifierAt_outOfRange_throws() {
    Profile p = Profile.builder(ProfileId.of("p-1"), T0).build();

    assertThat(p.identifierCount()).isZero();
    assertThatThrownBy(() -> p.identifierAt(0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> p.identifierAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
