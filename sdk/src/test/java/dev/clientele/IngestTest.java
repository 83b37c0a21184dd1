package dev.clientele;

import static dev.clientele.Fixtures.anonymousId;
import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static dev.clientele.Fixtures.phone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.clientele.IngestResult.Outcome;
import dev.clientele.core.Event;
import dev.clientele.core.Profile;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IngestTest {
  private final Clientele clientele = Fixtures.clientele();

  @AfterEach
  void close() {
    clientele.close();
  }

  @Test
  void ingest_newIdentifier_createsAProfile() {
    IngestResult r = clientele.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).build());

    assertThat(r.eventId()).isEqualTo("e-1");
    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(r.createdProfile()).isTrue();
    assertThat(r.mergedProfiles()).isEmpty();
    assertThat(r.problems()).isEmpty();
    Profile p = clientele.profile(r.profile().orElseThrow()).orElseThrow();
    assertThat(p.eventCount()).isEqualTo(1);
    assertThat(p.createdAt()).isEqualTo(Fixtures.at(0));
    assertThat(clientele.storage().eventCount()).isEqualTo(1);
  }

  @Test
  void ingest_knownIdentifier_updatesTheSameProfile() {
    IngestResult first = clientele.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).build());
    IngestResult second = clientele.ingest(event("e-2", "login", 5).identifier(email("ann@example.com")).build());

    assertThat(second.createdProfile()).isFalse();
    assertThat(second.profile()).isEqualTo(first.profile());
    assertThat(clientele.profile(first.profile().orElseThrow()).orElseThrow().eventCount()).isEqualTo(2);
    assertThat(clientele.storage().profileCount()).isEqualTo(1);
  }

  @Test
  void ingest_sameIdTwice_secondIsDuplicateAndChangesNothing() {
    Event e = event("e-1", "pageview", 0).identifier(email("ann@example.com")).build();
    IngestResult first = clientele.ingest(e);
    Profile before = clientele.profile(first.profile().orElseThrow()).orElseThrow();

    IngestResult second = clientele.ingest(e);

    assertThat(second.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(second.eventId()).isEqualTo("e-1");
    assertThat(second.profile()).isEmpty();
    assertThat(second.createdProfile()).isFalse();
    assertThat(clientele.stats().duplicates()).isEqualTo(1);
    assertThat(clientele.stats().applied()).isEqualTo(1);
    assertThat(clientele.stats().received()).isEqualTo(2);
    assertThat(clientele.storage().eventCount()).isEqualTo(1);
    assertThat(clientele.profile(before.id())).contains(before);
  }

  @Test
  void ingest_sameIdWithOtherContent_isStillADuplicate() {
    clientele.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).build());

    IngestResult r = clientele.ingest(event("e-1", "identify", 9).identifier(customerId("c-1"))
        .data("first_name", "Ann").build());

    assertThat(r.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(clientele.storage().profileCount()).isEqualTo(1);
    assertThat(clientele.profile(customerId("c-1"))).isEmpty();
  }

  @Test
  void ingest_onlyBlockedIdentifier_rejectedNamingTheEventAndNothingStored() {
    IngestResult r = clientele.ingest(event("e-77", "pageview", 0).identifier(email("test@test.com")).build());

    assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(r.profile()).isEmpty();
    assertThat(r.createdProfile()).isFalse();
    assertThat(r.problems()).isNotEmpty();
    assertThat(r.problems().get(0)).contains("e-77").contains("blocked");
    assertThat(String.join("\n", r.problems())).doesNotContain("test@test.com");
    assertThat(clientele.stats().rejected()).isEqualTo(1);
    assertThat(clientele.stats().applied()).isZero();
    assertThat(clientele.storage().eventCount()).isZero();
    assertThat(clientele.storage().profileCount()).isZero();
    assertThat(clientele.storage().containsEvent("e-77")).isFalse();
  }

  @Test
  void ingest_everyIdentifierBlocked_rejected() {
    clientele.ingest(event("e-0", "pageview", 0).identifier(email("ann@example.com")).build());

    IngestResult r = clientele.ingest(event("e-1", "pageview", 1)
        .identifier(customerId(" NULL "))
        .identifier(anonymousId("undefined"))
        .identifier(phone("000-000-0000"))
        .identifier(email("TEST@test.com"))
        .build());

    assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(r.problems().get(0)).contains("e-1");
    assertThat(clientele.storage().eventCount()).isEqualTo(1);
    assertThat(clientele.storage().profileCount()).isEqualTo(1);
    assertThat(clientele.stats().rejected()).isEqualTo(1);
  }

  @Test
  void ingest_rejectedThenSentAgainWithAGoodIdentifier_isApplied() {
    clientele.ingest(event("e-1", "pageview", 0).identifier(anonymousId("anonymous")).build());

    IngestResult r = clientele.ingest(event("e-1", "pageview", 0).identifier(anonymousId("a-1")).build());

    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(clientele.stats().rejected()).isEqualTo(1);
    assertThat(clientele.stats().applied()).isEqualTo(1);
  }

  @Test
  void ingest_blockedIdentifierBesideAGoodOne_appliedWithAProblem() {
    IngestResult r = clientele.ingest(event("e-1", "pageview", 0)
        .identifier(customerId("c-1")).identifier(email("test@test.com")).build());

    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(r.problems()).singleElement().asString().contains("email").contains("blocked");
    assertThat(clientele.stats().problems()).isEqualTo(1);
  }

  @Test
  void ingest_null_refused() {
    assertThatNullPointerException().isThrownBy(() -> clientele.ingest(null)).withMessage("event");
    assertThatNullPointerException().isThrownBy(() -> clientele.ingestAll(null)).withMessage("events");
  }

  @Test
  void ingestAll_mixedBatch_countsThisBatchAndTheTotal() {
    clientele.ingest(event("e-0", "pageview", 0).identifier(email("ann@example.com")).build());

    IngestStats batch = clientele.ingestAll(List.of(
        event("e-1", "pageview", 1).identifier(email("ann@example.com")).build(),
        event("e-1", "pageview", 1).identifier(email("ann@example.com")).build(),
        event("e-2", "pageview", 2).identifier(email("test@test.com")).build(),
        event("e-3", "order", 3).identifier(customerId("c-9")).data("total", "lots").build(),
        event("e-4", "login", 4).identifier(email("bob@example.com")).build()));

    assertThat(batch.received()).isEqualTo(5);
    assertThat(batch.applied()).isEqualTo(3);
    assertThat(batch.duplicates()).isEqualTo(1);
    assertThat(batch.rejected()).isEqualTo(1);
    assertThat(batch.problems()).isGreaterThanOrEqualTo(2); // the blocked email (and why e-2 was refused), the bad total
    assertThat(batch.profilesCreated()).isEqualTo(2);
    assertThat(batch.profilesMerged()).isZero();
    IngestStats total = clientele.stats();
    assertThat(total.received()).isEqualTo(6);
    assertThat(total.applied()).isEqualTo(4);
    assertThat(total.profilesCreated()).isEqualTo(3);
  }

  @Test
  void ingestAll_gdprDeleteInTheBatch_countsTheErasedProfile() {
    IngestStats batch = clientele.ingestAll(List.of(
        event("e-1", "login", 0).identifier(customerId("c-1")).build(),
        event("e-2", "compliance", 1).action("gdpr_delete").identifier(customerId("c-1")).build()));

    assertThat(clientele.stats().profilesErased()).isEqualTo(1);
    assertThat(batch.profilesErased()).isEqualTo(1);
  }

  @Test
  void stats_fresh_isZero() {
    assertThat(clientele.stats()).isEqualTo(IngestStats.ZERO);
  }
}
