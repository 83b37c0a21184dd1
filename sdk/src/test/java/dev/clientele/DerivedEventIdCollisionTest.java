package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.phone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A consent event whose messaging identifier belongs to another person (link refused) is
 * applied there as a derived event {@code <id>#<n>} (IngestPipeline.derived). Host event ids may
 * contain {@code #}, so a derived id can be a host's real id: the host's event is then taken for
 * a duplicate and lost, or, the other way round, the consent event can never be stored (each
 * attempt conflicts on the id until the pipeline gives up). IngestPipeline is not this review's
 * to edit: see the review report for the proposed fix.
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
  @Disabled("bug in IngestPipeline.derived (not this review's to edit): derived ids share the host's id space")
  void hostEventWithTheIdOfADerivedOne_isApplied() {
    try (Clientele c = withAnnAndC2()) {
      IngestResult consent = c.ingest(consentNamingAnn("x"));
      assertThat(consent.problems()).anyMatch(p -> p.contains("x#1"));

      IngestResult host = c.ingest(Fixtures.event("x#1", "pageview", 20).identifier(customerId("c-1")).build());

      assertThat(host.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    }
  }

  @Test
  @Disabled("bug in IngestPipeline.derived (not this review's to edit): derived ids share the host's id space")
  void consentWhoseDerivedIdIsAHostsEventId_isApplied() {
    try (Clientele c = withAnnAndC2()) {
      c.ingest(Fixtures.event("x#1", "pageview", 5).identifier(customerId("c-3")).build());

      IngestResult consent = c.ingest(consentNamingAnn("x"));

      assertThat(consent.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    }
  }
}
