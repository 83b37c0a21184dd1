package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.phone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import org.junit.jupiter.api.Test;

/**
 * A consent event whose messaging identifier belongs to another person (link refused) is
 * applied there as a derived event {@code <id>#~<n>} (IngestPipeline.derived). Derived ids used
 * to be {@code <id>#<n>}, which a host's real id can be: the host's event was then taken for a
 * duplicate and lost, or the consent event could never be stored. Host ids containing {@code #~}
 * are now rejected, so the two id spaces cannot meet.
 */
class DerivedEventIdCollisionTest {
  private static Event consentNamingAnn(String id) {
    // c-2's opt-out naming Ann's email (link refused: two customer ids) and a new phone of c-2.
    return Fixtures.event(id, "consent", 10).action("opt_out").data("channel", "email")
        .identifier(customerId("c-2")).identifier(email("ann@example.com")).identifier(phone("+16502530001")).build();
  }

  private static Clientele withAnnAndC2() {
    Clientele c = Fixtures.clientele();
    c.ingest(Fixtures.event("e-ann", "identify", 1).identifier(customerId("c-1")).identifier(email("ann@example.com")).build());
    c.ingest(Fixtures.event("e-c2", "pageview", 2).identifier(customerId("c-2")).build());
    return c;
  }

  @Test
  void hostEventWithTheIdOfADerivedOne_isApplied() {
    try (Clientele c = withAnnAndC2()) {
      IngestResult consent = c.ingest(consentNamingAnn("x"));
      assertThat(consent.problems()).anyMatch(p -> p.contains("x#~1"));
      assertThat(consent.otherProfiles()).as("Ann's profile got the opt-out")
          .containsExactly(c.profile(email("ann@example.com")).orElseThrow().id());
      assertThat(consent.otherProfiles()).doesNotContain(consent.profile().orElseThrow());

      IngestResult host = c.ingest(Fixtures.event("x#1", "pageview", 20).identifier(customerId("c-1")).build());

      assertThat(host.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
      assertThat(c.storage().containsEvent("x#~1")).isTrue();
    }
  }

  @Test
  void consentWhoseDerivedIdIsAHostsEventId_isApplied() {
    try (Clientele c = withAnnAndC2()) {
      c.ingest(Fixtures.event("x#1", "pageview", 5).identifier(customerId("c-3")).build());

      IngestResult consent = c.ingest(consentNamingAnn("x"));

      assertThat(consent.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    }
  }

  @Test
  void hostEventWithTheDerivedMark_isRejectedAndCounted() {
    try (Clientele c = withAnnAndC2()) {
      IngestResult host = c.ingest(Fixtures.event("x#~1", "pageview", 20).identifier(customerId("c-1")).build());

      assertThat(host.outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
      assertThat(host.problems()).anyMatch(p -> p.contains("reserved"));
      assertThat(c.stats().rejected()).isEqualTo(1);
      assertThat(c.storage().containsEvent("x#~1")).isFalse();
    }
  }

  @Test
  void consentWithALongId_derivedIdFitsAndNamesNoHalfSurrogate() {
    try (Clientele c = withAnnAndC2()) {
      String id = "x".repeat(223) + "\ud83d\ude00" + "y".repeat(31); // 256 chars, a pair across the cut
      IngestResult consent = c.ingest(consentNamingAnn(id));

      assertThat(consent.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
      assertThat(consent.problems()).anyMatch(p -> p.contains("#~1"));
      assertThat(c.storage().eventCount()).isEqualTo(4);
    }
  }
}
