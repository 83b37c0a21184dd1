package dev.clientele;

import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.consent.ErasureReport;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ErasureTest {
  static final String ANN_EMAIL = "ann.secret@example.com";

  static List<Event> annEvents() {
    return List.of(
        event("a-1", "pageview", 1).identifier(IdentifierType.ANONYMOUS_ID, "dev-ann").build(),
        event("a-2", "identify", 2).identifier(IdentifierType.ANONYMOUS_ID, "dev-ann")
            .identifier(IdentifierType.EMAIL, "Ann.Secret@Example.com").identifier(IdentifierType.CUSTOMER_ID, "c-ann")
            .data("first_name", "Annabel").build(),
        event("a-3", "order", 3).identifier(IdentifierType.CUSTOMER_ID, "c-ann").data("total", 10).build());
  }

  static List<Event> bobEvents() {
    return List.of(
        event("b-1", "login", 1).action("login").identifier(IdentifierType.EMAIL, "bob@example.com").build(),
        event("b-2", "identify", 2).identifier(IdentifierType.EMAIL, "bob@example.com").data("first_name", "Bob").build());
  }

  static Clientele loaded(ErasurePolicy policy) {
    Clientele c = Clientele.builder().profileIds(Fixtures.sequentialIds()).erasurePolicy(policy).build();
    c.ingestAll(annEvents());
    c.ingestAll(bobEvents());
    return c;
  }

  static ProfileId ann(Clientele c) {
    return c.profile(Identifier.of(IdentifierType.EMAIL, ANN_EMAIL)).orElseThrow().id();
  }

  /** Every string a scan of the stores can see: profile contents, index answers, event ids and contents, the merge log. */
  static List<String> everything(Clientele c, List<Identifier> probes) {
    List<String> seen = new ArrayList<>();
    c.storage().forEachProfile(p -> {
      seen.add(p.id().value());
      p.identifiers().forEach(s -> seen.add(s.identifier().value()));
      p.attributes().values().forEach(a -> seen.add(a.text()));
    });
    for (Identifier probe : probes) {
      c.storage().owner(probe).ifPresent(o -> seen.add("owner-of:" + probe.value()));
    }
    try (Stream<StoredEvent> all = c.storage().allEvents()) {
      all.forEach(e -> {
        seen.add(e.event().id());
        e.event().identifiers().forEach(i -> seen.add(i.value()));
        e.event().data().values().forEach(v -> seen.add(String.valueOf(v)));
      });
    }
    c.storage().forEachMergeRecord(r -> {
      seen.add(r.profile().value());
      r.links().forEach(i -> seen.add(i.value()));
      r.sides().forEach(side -> {
        seen.add(side.id().value());
        side.identifiers().forEach(i -> seen.add(i.value()));
      });
    });
    return seen;
  }

  @Test
  void delete_erasesEveryTrace_andReportsWhatItErased() {
    Clientele c = loaded(ErasurePolicy.defaults());
    ProfileId ann = ann(c);
    List<Identifier> annIds = List.of(Identifier.of(IdentifierType.EMAIL, ANN_EMAIL),
        Identifier.of(IdentifierType.CUSTOMER_ID, "c-ann"), Identifier.of(IdentifierType.ANONYMOUS_ID, "dev-ann"));

    ErasureReport report = c.delete(ann);

    assertThat(report.profile()).isEqualTo(ann);
    assertThat(report.identifiersByType()).containsEntry("email", 1).containsEntry("customer_id", 1).containsEntry("anonymous_id", 1);
    assertThat(report.events()).isEqualTo(3);
    assertThat(report.tombstones()).isEqualTo(3);
    assertThat(report.cachesCleared()).contains("identifier normalisation");
    assertThat(report.toString()).doesNotContain("secret").doesNotContain("c-ann").doesNotContain("dev-ann");

    List<String> seen = everything(c, annIds);
    assertThat(seen).noneMatch(s -> s.contains("secret") || s.contains("c-ann") || s.contains("dev-ann")
        || s.contains("Annabel") || s.startsWith("a-") || s.equals(ann.value()));
    assertThat(seen).contains("bob@example.com", "Bob", "b-1", "b-2");
    assertThat(c.profile(ann)).isEmpty();
    assertThat(c.storage().eventCount()).isEqualTo(2);
    assertThat(c.stats().profilesErased()).isEqualTo(1);
  }

  @Test
  void delete_ofAMergedProfile_erasesItsMergeLog_andKeepsOtherPeoplesRecords() {
    Clientele c = loaded(ErasurePolicy.defaults());
    c.ingestAll(List.of(
        event("a-4", "pageview", 4).identifier(IdentifierType.ANONYMOUS_ID, "dev-ann-2").build(),
        event("a-5", "login", 5).identifier(IdentifierType.ANONYMOUS_ID, "dev-ann-2")
            .identifier(IdentifierType.CUSTOMER_ID, "c-ann").build(),
        event("b-3", "pageview", 4).identifier(IdentifierType.ANONYMOUS_ID, "dev-bob").build(),
        event("b-4", "login", 5).identifier(IdentifierType.ANONYMOUS_ID, "dev-bob")
            .identifier(IdentifierType.EMAIL, "bob@example.com").build()));
    ProfileId ann = ann(c);
    assertThat(c.mergeLog(ann)).hasSize(1);

    ErasureReport report = c.delete(ann);

    assertThat(report.mergeRecords()).isEqualTo(1);
    List<String> seen = everything(c, List.of(Identifier.of(IdentifierType.ANONYMOUS_ID, "dev-ann-2")));
    assertThat(seen).noneMatch(s -> s.contains("secret") || s.contains("c-ann") || s.contains("dev-ann")
        || s.equals(ann.value()) || report.mergedFrom().stream().anyMatch(m -> s.equals(m.value())));
    assertThat(seen).contains("dev-bob", "bob@example.com");
    List<dev.clientele.core.spi.MergeRecord> left = new ArrayList<>();
    c.storage().forEachMergeRecord(left::add);
    assertThat(left).hasSize(1);
  }

  @Test
  void delete_leavesNoCopyInEventsOfOtherPeople_thatCarriedTheValueInARefusedLink() {
    Clientele c = loaded(ErasurePolicy.defaults());
    c.ingest(event("b-5", "login", 5).identifier(IdentifierType.CUSTOMER_ID, "c-bob")
        .identifier(IdentifierType.EMAIL, "bob@example.com").build());
    // Bob's customer id next to Ann's email: the link is refused (two customer ids); the event is Bob's.
    IngestResult mixed = c.ingest(event("x-1", "pageview", 6).identifier(IdentifierType.CUSTOMER_ID, "c-bob")
        .identifier(IdentifierType.EMAIL, ANN_EMAIL).build());
    assertThat(mixed.refusals()).isNotEmpty();
    ProfileId ann = ann(c);

    c.delete(ann);

    assertThat(everything(c, List.of())).noneMatch(s -> s.contains("secret")).contains("x-1", "c-bob");
  }

  @Test
  void delete_thenReplayOfOldEvents_isBlockedByDefault() {
    Clientele c = loaded(ErasurePolicy.defaults());
    c.delete(ann(c));
    long profiles = c.profileCount();

    List<IngestResult> replay = annEvents().stream().map(c::ingest).toList();

    assertThat(replay).allMatch(r -> r.outcome() == IngestResult.Outcome.REJECTED);
    assertThat(replay.get(0).problems().get(0)).contains("erased person").doesNotContain("dev-ann");
    assertThat(c.profileCount()).isEqualTo(profiles);
    assertThat(c.storage().eventCount()).isEqualTo(2);
  }

  @Test
  void delete_thenReplayWithRecreatePolicy_createsANewProfile() {
    Clientele c = loaded(ErasurePolicy.builder().replay(ErasurePolicy.Replay.RECREATE).build());
    ProfileId old = ann(c);
    c.delete(old);

    c.ingestAll(annEvents());

    Profile again = c.profile(Identifier.of(IdentifierType.EMAIL, ANN_EMAIL)).orElseThrow();
    assertThat(again.id()).isNotEqualTo(old);
    assertThat(again.eventCount()).isEqualTo(3);
  }

  @Test
  void ingest_gdprDeleteEvent_erasesTheProfileWithoutStoringTheEvent() {
    Clientele c = loaded(ErasurePolicy.defaults());
    ProfileId ann = ann(c);

    IngestResult r = c.ingest(event("gdpr-1", "compliance", 10).action("gdpr_delete")
        .identifier(IdentifierType.EMAIL, " ANN.secret@example.com").build());

    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.ERASED);
    assertThat(r.profile()).contains(ann);
    assertThat(c.profile(ann)).isEmpty();
    assertThat(c.storage().containsEvent("gdpr-1")).isFalse();
    assertThat(c.stats().profilesErased()).isEqualTo(1);
    assertThat(String.join(" ", r.problems())).doesNotContain("secret");
  }

  @Test
  void ingest_gdprDeleteRefusedByErasureEvents_rejectedAndNothingErased() {
    Clientele c = Clientele.builder().profileIds(Fixtures.sequentialIds())
        .erasureEvents(e -> e.source().equals("privacy-desk")).build();
    c.ingestAll(annEvents());
    ProfileId ann = ann(c);

    IngestResult fromClient = c.ingest(event("gdpr-3", "compliance", 10).action("gdpr_delete")
        .identifier(IdentifierType.EMAIL, ANN_EMAIL).build());
    IngestStats batch = c.ingestAll(List.of(event("gdpr-4", "compliance", 11).action("gdpr_delete")
        .identifier(IdentifierType.EMAIL, ANN_EMAIL).build()));

    assertThat(fromClient.outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
    assertThat(fromClient.problems()).singleElement().asString()
        .contains("rejected: this instance does not accept erasure by this event").doesNotContain("ann");
    assertThat(batch.rejected()).isEqualTo(1);
    assertThat(c.profile(ann)).isPresent();
    assertThat(c.storage().containsEvent("gdpr-3")).isFalse();
    assertThat(c.stats().profilesErased()).isZero();

    IngestResult fromDesk = c.ingest(event("gdpr-5", "compliance", 12).action("gdpr_delete").source("privacy-desk")
        .identifier(IdentifierType.EMAIL, ANN_EMAIL).build());
    assertThat(fromDesk.outcome()).isEqualTo(IngestResult.Outcome.ERASED);
    assertThat(c.profile(ann)).isEmpty();
  }

  @Test
  void ingest_gdprDeleteForUnknownPerson_isRejectedAndCounted() {
    Clientele c = loaded(ErasurePolicy.defaults());

    IngestResult r = c.ingest(event("gdpr-2", "compliance", 10).action("gdpr_delete")
        .identifier(IdentifierType.EMAIL, "nobody@example.com").build());

    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
    assertThat(c.stats().rejected()).isEqualTo(1);
    assertThat(c.profileCount()).isEqualTo(2);
  }

  @Test
  void delete_unknownProfile_throws() {
    Clientele c = loaded(ErasurePolicy.defaults());
    assertThatThrownBy(() -> c.delete(ProfileId.of("p-none"))).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void erasurePolicy_shortSalt_throwsNamingTheRule() {
    assertThatThrownBy(() -> ErasurePolicy.builder().salt(new byte[8]))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("salt must be at least 16 bytes: 8");
  }

  @Test
  void tombstones_sameSaltSameHash_otherSaltOtherHash() {
    byte[] salt = "0123456789abcdef0123".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Identifier id = Identifier.of(IdentifierType.EMAIL, ANN_EMAIL);
    String h1 = ErasurePolicy.builder().salt(salt).build().tombstoneOf(id);
    String h2 = ErasurePolicy.builder().salt(salt).build().tombstoneOf(id);
    assertThat(h1).isEqualTo(h2).hasSize(64).doesNotContain("ann");
    assertThat(ErasurePolicy.defaults().tombstoneOf(id)).isNotEqualTo(h1);
  }
}
