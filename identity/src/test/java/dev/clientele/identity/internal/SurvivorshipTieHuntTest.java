package dev.clientele.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Attribute;
import dev.clientele.identity.SurvivorshipRules.AttributeMerge;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Merges of values that print alike ({@code [1]} and {@code ["1"]}: the same text and list
 * class), found by the late-arrival hunt: a tie decided by which side came first, and a union
 * that kept one of two different values.
 */
class SurvivorshipTieHuntTest {
  private static final Instant AT = Instant.parse("2026-10-01T10:00:00Z");

  private static Attribute tags(Object value) {
    return new Attribute("tags", value, "web", AT);
  }

  @Test
  void everyStrategy_ofTwoValuesThatPrintAlike_doesNotDependOnTheSideOrder() {
    Attribute number = tags(List.of(1L));
    Attribute text = tags(List.of("1"));
    for (AttributeMerge m : AttributeMerge.values()) {
      assertThat(Survivorship.combine(number, text, m)).as("%s", m).isEqualTo(Survivorship.combine(text, number, m));
    }
  }

  @Test
  void union_keepsNestedValuesThatPrintAlike_asTwoValues() {
    Attribute number = tags(List.of(List.of(1L)));
    Attribute text = tags(List.of(List.of("1")));
    List<Object> united = List.copyOf((List<?>) Survivorship.combine(number, text, AttributeMerge.UNION).value());
    assertThat(united).containsExactlyInAnyOrder(List.of(1L), List.of("1"));
    assertThat(Survivorship.combine(text, number, AttributeMerge.UNION)).isEqualTo(Survivorship.combine(number, text, AttributeMerge.UNION));
  }
}
