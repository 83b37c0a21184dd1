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

  /** Two equal maps whose keys iterate in different orders (SDKs send JSON keys in any order) are one value in a union. */
  @Test
  void union_keepsEqualMapsWithKeysInAnotherOrder_once() {
    java.util.Map<String, Object> idName = new java.util.LinkedHashMap<>();
    idName.put("id", 1L);
    idName.put("name", "golf");
    java.util.Map<String, Object> nameId = new java.util.LinkedHashMap<>();
    nameId.put("name", "golf");
    nameId.put("id", 1L);
    Attribute x = tags(List.of(java.util.Collections.unmodifiableMap(idName)));
    Attribute y = tags(List.of(java.util.Collections.unmodifiableMap(nameId), "tennis"));
    List<Object> united = List.copyOf((List<?>) Survivorship.combine(x, y, AttributeMerge.UNION).value());
    assertThat(united).hasSize(2).contains("tennis").contains(idName);
    assertThat(Survivorship.combine(y, x, AttributeMerge.UNION)).isEqualTo(Survivorship.combine(x, y, AttributeMerge.UNION));
  }

  /** Merging two malformed states keeps the earlier "malformed since", as ingestion does (the earliest event carrying the value). */
  @Test
  void malformedOnBothSides_keepsTheEarlierSince() {
    dev.clientele.core.Identifier email = dev.clientele.core.Identifier.of(dev.clientele.core.IdentifierType.EMAIL, "not-an-email");
    dev.clientele.core.Deliverability early = dev.clientele.core.Deliverability.undeliverable(dev.clientele.core.UndeliverableReason.MALFORMED, AT);
    dev.clientele.core.Deliverability late = dev.clientele.core.Deliverability.undeliverable(
        dev.clientele.core.UndeliverableReason.MALFORMED, AT.plusSeconds(60));
    dev.clientele.core.IdentifierState a = dev.clientele.core.IdentifierState.firstSeen(email, AT, true, "web").withDeliverability(early);
    dev.clientele.core.IdentifierState b = dev.clientele.core.IdentifierState.firstSeen(email, AT, true, "web").withDeliverability(late);
    dev.clientele.core.Profile p = dev.clientele.core.Profile.builder(dev.clientele.core.ProfileId.of("p-1"), AT).putIdentifier(a).version(1).build();
    dev.clientele.core.Profile q = dev.clientele.core.Profile.builder(dev.clientele.core.ProfileId.of("p-2"), AT).putIdentifier(b).version(1).build();
    for (List<dev.clientele.core.Profile> order : List.of(List.of(p, q), List.of(q, p))) {
      assertThat(Survivorship.merge(order).build().identifier(email).orElseThrow().deliverability()).isEqualTo(early);
    }
  }
}
