package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static dev.clientele.Fixtures.identifiersOf;
import static dev.clientele.Fixtures.phone;
import static dev.clientele.Fixtures.timelineIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.IngestResult.Outcome;
import dev.clientele.consent.ErasureReport;
import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.identity.Explanation;
import dev.clientele.identity.LinkPlan;
import java.math.BigDecimal;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MergeLogTest {
  private final Clientele clientele = Fixtures.clientele();

  @AfterEach
  void close() {
    clientele.close();
  }

  private IngestResult ingest(String id, String type, long minute, Identifier... identifiers) {
    var b = event(id, type, minute);
    for (Identifier i : identifiers) {
      b.identifier(i);
    }
    IngestResult r = clientele.ingest(b.build());
    assertThat(r.outcome()).as("outcome of %s", id).isEqualTo(Outcome.APPLIED);
    return r;
  }

  private Profile profile(ProfileId id) {
    return clientele.profile(id).orElseThrow();
  }

  /** Ann (email, phone, an order) and Bob (email, a name) wrongly merged by one event carrying both emails. */
  private MergeRecord wrongMerge() {
    ingest("ann-1", "pageview", 0, email("ann@example.com"), phone("+16502530000"));
    clientele.ingest(event("ann-2", "order", 5).identifier(email("ann@example.com")).data("total", new BigDecimal("40")).build());
    ingest("bob-1", "pageview", 10, email("bob@example.com"));
    clientele.ingest(event("bob-2", "identify", 11).identifier(email("bob@example.com")).data("first_name", "Bob").build());
    IngestResult glue = ingest("glue", "pageview", 20, email("ann@example.com"), email("bob@example.com"));
    assertThat(glue.mergedProfiles()).hasSize(1);
    List<MergeRecord> log = clientele.mergeLog(glue.profile().orElseThrow());
    assertThat(log).hasSize(1);
    return log.get(0);
  }

  @Test
  void merge_isLoggedWithItsEventLinksAndTheAbsorbedSide() {
    MergeRecord r = wrongMerge();
    ProfileId survivor = clientele.profile(email("ann@example.com")).orElseThrow().id();

    assertThat(r.kind()).isEqualTo(MergeRecord.Kind.MERGE);
    assertThat(r.profile()).isEqualTo(survivor);
    assertThat(r.eventId()).contains("glue");
    assertThat(r.links()).containsExactlyInAnyOrder(email("ann@example.com"), email("bob@example.com"));
    assertThat(r.sides()).hasSize(1);
    MergeRecord.Side side = r.sides().get(0);
    assertThat(Set.of(survivor, side.id())).containsExactlyInAnyOrder(ProfileId.of("p-0001"), ProfileId.of("p-0002"));
    assertThat(clientele.mergeLog(side.id())).containsExactly(r);
    assertThat(r.toString()).doesNotContain("ann@example.com").doesNotContain("bob@example.com");
  }

  @Test
  void explain_listsAttachmentsAndTheMergeWithItsEvent() {
    wrongMerge();
    Profile merged = clientele.profile(email("ann@example.com")).orElseThrow();

    Explanation x = clientele.explain(merged.id());

    assertThat(x.links()).extracting(Explanation.Link::kind)
        .containsExactly(Explanation.Kind.ATTACHED, Explanation.Kind.ATTACHED, Explanation.Kind.MERGED);
    assertThat(x.links().get(0).eventId()).contains("ann-1");
    assertThat(x.links().get(0).identifiers()).containsExactlyInAnyOrder(email("ann@example.com"), phone("+16502530000"));
    assertThat(x.links().get(1).eventId()).contains("bob-1");
    Explanation.Link merge = x.links().get(2);
    assertThat(merge.eventId()).contains("glue");
    assertThat(merge.into()).isEqualTo(merged.id());
    assertThat(merge.profiles()).hasSize(1);
    assertThat(merge.rule()).contains("one event carried identifiers held by 2 profiles");
  }

  @Test
  void explain_unknownProfile_throws() {
    assertThatThrownBy(() -> clientele.explain(ProfileId.of("p-none"))).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void split_restoresEachSidesIdentifiersEventsAndData() {
    MergeRecord r = wrongMerge();

    SplitResult s = clientele.split(r.id(), "two people behind one shared inbox");

    Profile ann = clientele.profile(email("ann@example.com")).orElseThrow();
    Profile bob = clientele.profile(email("bob@example.com")).orElseThrow();
    assertThat(ann.id()).isNotEqualTo(bob.id());
    assertThat(Set.of(ann.id(), bob.id())).containsExactlyInAnyOrder(ProfileId.of("p-0001"), ProfileId.of("p-0002"));
    assertThat(clientele.storage().profileCount()).isEqualTo(2);
    assertThat(identifiersOf(ann)).containsExactlyInAnyOrder(email("ann@example.com"), phone("+16502530000"));
    assertThat(identifiersOf(bob)).containsExactly(email("bob@example.com"));
    // The linking event is anchored at Ann's email (first in priority order), so it stays with Ann.
    assertThat(timelineIds(clientele, ann.id())).containsExactly("ann-1", "ann-2", "glue");
    assertThat(timelineIds(clientele, bob.id())).containsExactly("bob-1", "bob-2");
    assertThat(ann.eventCount()).isEqualTo(3);
    assertThat(bob.eventCount()).isEqualTo(2);
    assertThat(ann.orders().orderCount()).isEqualTo(1);
    assertThat(bob.orders().orderCount()).isZero();
    assertThat(bob.attributes()).containsKey("first_name");
    assertThat(ann.attributes()).doesNotContainKey("first_name");
    assertThat(ann.mergedFrom()).isEmpty();
    assertThat(bob.mergedFrom()).isEmpty();
    assertThat(s.kept().id()).isEqualTo(r.profile());
    assertThat(s.restored()).extracting(Profile::id).containsExactly(r.sides().get(0).id());

    MergeRecord split = clientele.storage().mergeRecord(s.record()).orElseThrow();
    assertThat(split.kind()).isEqualTo(MergeRecord.Kind.SPLIT);
    assertThat(split.undoes()).contains(r.id());
    assertThat(split.note()).contains("two people behind one shared inbox");
    assertThat(clientele.explain(ann.id()).links()).extracting(Explanation.Link::kind).contains(Explanation.Kind.SPLIT);
  }

  @Test
  void split_sidesStayApartWhenAnotherEventLinksThem_untilAForcedMerge() {
    MergeRecord r = wrongMerge();
    clientele.split(r.id(), "shared inbox");

    IngestResult again = clientele.ingest(event("glue-2", "pageview", 30)
        .identifier(email("ann@example.com")).identifier(email("bob@example.com")).build());

    assertThat(again.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(again.mergedProfiles()).isEmpty();
    assertThat(again.refusals()).extracting(LinkPlan.Refusal::rule).containsExactly(LinkPlan.Rule.SEPARATED);
    assertThat(clientele.storage().profileCount()).isEqualTo(2);
    assertThat(clientele.stats().linksRefused()).isPositive();

    Profile ann = clientele.profile(email("ann@example.com")).orElseThrow();
    Profile bob = clientele.profile(email("bob@example.com")).orElseThrow();
    Profile merged = clientele.merge(ann.id(), bob.id(), "confirmed by the customer on the phone");

    assertThat(clientele.storage().profileCount()).isEqualTo(1);
    assertThat(identifiersOf(merged)).contains(email("ann@example.com"), email("bob@example.com"));
    assertThat(clientele.mergeLog(merged.id()))
        .extracting(MergeRecord::kind).endsWith(MergeRecord.Kind.FORCED_MERGE);
  }

  @Test
  void merge_forced_overridesTheUniqueRule_andIsLoggedWithItsReason() {
    ProfileId one = ingest("e-1", "pageview", 0, customerId("c-1")).profile().orElseThrow();
    ProfileId two = ingest("e-2", "pageview", 1, customerId("c-2")).profile().orElseThrow();
    // Automatically, two customer ids never meet on one profile.
    IngestResult refused = clientele.ingest(event("e-3", "pageview", 2)
        .identifier(customerId("c-1")).identifier(customerId("c-2")).build());
    assertThat(refused.mergedProfiles()).isEmpty();

    Profile merged = clientele.merge(one, two, "duplicate account closed by support");

    assertThat(identifiersOf(merged)).containsExactlyInAnyOrder(customerId("c-1"), customerId("c-2"));
    assertThat(clientele.storage().owners(List.of(customerId("c-1"), customerId("c-2"))).values())
        .containsOnly(merged.id());
    MergeRecord log = clientele.mergeLog(merged.id()).get(0);
    assertThat(log.kind()).isEqualTo(MergeRecord.Kind.FORCED_MERGE);
    assertThat(log.eventId()).isEmpty();
    assertThat(log.note()).contains("duplicate account closed by support");
    assertThat(timelineIds(clientele, merged.id())).containsExactly("e-1", "e-2", "e-3");
  }

  @Test
  void merge_badArguments_throwNamingThem() {
    ProfileId one = ingest("e-1", "pageview", 0, customerId("c-1")).profile().orElseThrow();
    assertThatIllegalArgumentException().isThrownBy(() -> clientele.merge(one, one, "x")).withMessageContaining("itself");
    assertThatIllegalArgumentException().isThrownBy(() -> clientele.merge(one, ProfileId.of("p-9"), " "))
        .withMessageContaining("reason");
    assertThatThrownBy(() -> clientele.merge(one, ProfileId.of("p-9"), "x")).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void split_ofASplitOrUnknownRecord_throws_andTwiceFails() {
    MergeRecord r = wrongMerge();
    SplitResult s = clientele.split(r.id(), "wrong");

    assertThatIllegalArgumentException().isThrownBy(() -> clientele.split(s.record(), "again")).withMessageContaining("split");
    assertThatThrownBy(() -> clientele.split("no-such-record", "x")).isInstanceOf(NoSuchElementException.class);
    assertThatIllegalStateException().isThrownBy(() -> clientele.split(r.id(), "twice")).withMessageContaining("exists again");
  }

  @Test
  void split_afterTheMergedProfileWasMergedAgain_takesTheSideFromTheCurrentHolder() {
    MergeRecord r = wrongMerge();
    // The later profile (Bob's, updated last) survived and absorbed Ann's.
    assertThat(r.sides().get(0).identifiers()).containsExactlyInAnyOrder(email("ann@example.com"), phone("+16502530000"));
    // Ann+Bob is later merged with Carol, who survives, through Bob's email.
    ingest("carol-1", "pageview", 30, email("carol@example.com"));
    ingest("carol-2", "pageview", 40, email("carol@example.com"), email("bob@example.com"));
    Profile all = clientele.profile(email("carol@example.com")).orElseThrow();
    assertThat(identifiersOf(all)).hasSize(4);

    SplitResult s = clientele.split(r.id(), "ann is someone else");

    assertThat(s.kept().id()).isEqualTo(all.id());
    Profile ann = clientele.profile(email("ann@example.com")).orElseThrow();
    assertThat(ann.id()).isEqualTo(r.sides().get(0).id());
    assertThat(identifiersOf(ann)).containsExactlyInAnyOrder(email("ann@example.com"), phone("+16502530000"));
    assertThat(identifiersOf(s.kept())).containsExactlyInAnyOrder(email("bob@example.com"), email("carol@example.com"));
    assertThat(s.kept().mergedFrom()).doesNotContain(ann.id()).contains(r.profile());
    assertThat(timelineIds(clientele, ann.id())).containsExactly("ann-1", "ann-2", "glue");
    assertThat(timelineIds(clientele, all.id())).containsExactly("bob-1", "bob-2", "carol-1", "carol-2");
  }

  @Test
  void delete_erasesTheMergeLogOfTheProfileAndTheProfilesMergedIntoIt() {
    MergeRecord r = wrongMerge();
    ProfileId merged = r.profile();

    ErasureReport report = clientele.delete(merged);

    assertThat(report.mergeRecords()).isEqualTo(1);
    assertThat(clientele.mergeLog(merged)).isEmpty();
    assertThat(clientele.mergeLog(r.sides().get(0).id())).isEmpty();
    assertThat(clientele.storage().mergeRecord(r.id())).isEqualTo(Optional.empty());
  }
}
