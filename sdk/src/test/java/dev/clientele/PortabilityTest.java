package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clientele.consent.ConsentChange;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** {@link Clientele#exportPersonalData}: the person's data, all of it, and nobody else's. */
class PortabilityTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The bundle of {@code id} as text. */
  static String bundleText(Clientele c, ProfileId id) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.exportPersonalData(id, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * The bundle's consent history as {@link ConsentChange}s (so that it can be compared with
   * {@link Clientele#consentHistory}).
   */
  static List<ConsentChange> consentHistoryOf(JsonNode bundle) {
    List<ConsentChange> out = new ArrayList<>();
    for (JsonNode n : bundle.get("consentHistory")) {
      out.add(new ConsentChange(
          java.time.Instant.parse(n.get("timestamp").asText()),
          Identifier.of(IdentifierType.of(n.get("identifier").get("type").asText()), n.get("identifier").get("value").asText()),
          switch (n.get("consent").asText()) {
            case "opt_in" -> dev.clientele.core.Consent.OPT_IN;
            case "opt_out" -> dev.clientele.core.Consent.OPT_OUT;
            default -> dev.clientele.core.Consent.UNKNOWN;
          },
          n.get("source").asText(),
          n.hasNonNull("method") ? java.util.Optional.of(n.get("method").asText()) : java.util.Optional.empty(),
          n.get("eventId").asText()));
    }
    return out;
  }

  /**
   * Ann and Bob share a tablet; a consent event names the tablet and both emails (it merges them);
   * the merge is split. The event stays on one side with the other side's identifiers in it.
   */
  static Clientele splitTablet() {
    Clientele c = Fixtures.clientele();
    c.ingest(Fixtures.event("e-1", "identify", 0).identifier(Fixtures.email("ann@example.com")).data("first_name", "Ann").build());
    c.ingest(Fixtures.event("e-2", "identify", 1).identifier(Fixtures.email("bob@example.com")).data("first_name", "Bob").build());
    c.ingest(Fixtures.event("e-3", "consent", 2).action("opt_out").identifier(Fixtures.anonymousId("tablet"))
        .identifier(Fixtures.email("ann@example.com")).identifier(Fixtures.email("bob@example.com")).build());
    ProfileId merged = c.profile(Fixtures.email("ann@example.com")).orElseThrow().id();
    MergeRecord m = c.mergeLog(merged).stream().filter(r -> r.kind() == MergeRecord.Kind.MERGE).findFirst().orElseThrow();
    c.split(m.id(), "shared tablet");
    return c;
  }

  @Test
  void exportPersonalData_afterASplit_holdsNoIdentifierOfTheOtherSide() {
    try (Clientele c = splitTablet()) {
      ProfileId ann = c.profile(Fixtures.email("ann@example.com")).orElseThrow().id();
      ProfileId bob = c.profile(Fixtures.email("bob@example.com")).orElseThrow().id();
      assertThat(ann).isNotEqualTo(bob);
      boolean tabletIsAnns = c.profile(Fixtures.anonymousId("tablet")).orElseThrow().id().equals(ann);

      String annBundle = bundleText(c, ann);
      String bobBundle = bundleText(c, bob);

      assertThat(annBundle).contains("ann@example.com").doesNotContain("bob@example.com", "\"Bob\"");
      assertThat(bobBundle).contains("bob@example.com").doesNotContain("ann@example.com", "\"Ann\"");
      assertThat(tabletIsAnns ? bobBundle : annBundle).doesNotContain("tablet");
    }
  }

  @Test
  void exportPersonalData_consentHistory_isTheLedgerWithWhatASplitCarriedOver() throws IOException {
    try (Clientele c = splitTablet()) {
      for (String email : List.of("ann@example.com", "bob@example.com")) {
        ProfileId id = c.profile(Fixtures.email(email)).orElseThrow().id();

        List<ConsentChange> inBundle = consentHistoryOf(JSON.readTree(bundleText(c, id)));

        assertThat(inBundle).as(email).isEqualTo(c.consentHistory(id));
        assertThat(inBundle).as(email).extracting(ConsentChange::identifier).contains(Fixtures.email(email));
      }
    }
  }

  /**
   * Bob, logged in with his (new) customer id, opts out Ann's email from his phone. The link of
   * Ann's email to Bob is refused (two customer ids), so Ann gets the opt-out as a derived event
   * {@code e-9#~1}; it brought the whole data of Bob's event along (his device became Ann's
   * {@code last_device}, his note was on her timeline).
   */
  @Test
  void exportPersonalData_aDerivedConsentEvent_bringsNothingButTheConsentChange() throws IOException {
    try (Clientele c = Fixtures.clientele()) {
      c.ingest(Fixtures.event("a-1", "identify", 0).identifier(Fixtures.customerId("c-ann"))
          .identifier(Fixtures.email("ann@example.com")).data("device", "anns-laptop").build());
      IngestResult r = c.ingest(Fixtures.event("e-9", "consent", 2).action("opt_out").identifier(Fixtures.customerId("c-bob"))
          .identifier(Fixtures.email("ann@example.com")).data("channel", "email").data("method", "unsubscribe_link")
          .data("device", "bobs-phone").data("note", "typed by bob").build());
      ProfileId ann = c.profile(Fixtures.email("ann@example.com")).orElseThrow().id();
      assertThat(r.otherProfiles()).containsExactly(ann);

      String text = bundleText(c, ann);

      assertThat(text).contains("e-9#~1").doesNotContain("bobs-phone", "typed by bob", "c-bob");
      assertThat(c.profile(ann).orElseThrow().attribute("last_device").map(a -> a.text())).contains("anns-laptop");
      JsonNode derived = JSON.readTree(text).get("events").get(1);
      assertThat(derived.get("id").asText()).isEqualTo("e-9#~1");
      assertThat(derived.get("data").get("channel").asText()).isEqualTo("email");
      assertThat(consentHistoryOf(JSON.readTree(text))).singleElement()
          .satisfies(ch -> assertThat(ch.method()).contains("unsubscribe_link"));
    }
  }

  /**
   * The split left the shared consent event on one side and carried its opt-out of the other
   * side's email over; erasing the first side keeps the event for the other, with only the data
   * its change reads. The consent ledger also reads {@code method}: it must not change because
   * another person was erased.
   */
  @Test
  void exportPersonalData_afterTheOtherSideIsErased_theCarriedOverConsentKeepsItsMethod() throws IOException {
    try (Clientele c = Fixtures.clientele()) {
      c.ingest(Fixtures.event("e-1", "identify", 0).identifier(Fixtures.email("ann@example.com")).build());
      c.ingest(Fixtures.event("e-2", "identify", 1).identifier(Fixtures.email("bob@example.com")).build());
      c.ingest(Fixtures.event("e-3", "consent", 2).action("opt_out").identifier(Fixtures.email("ann@example.com"))
          .identifier(Fixtures.email("bob@example.com")).data("method", "unsubscribe_link").data("note", "x").build());
      ProfileId merged = c.profile(Fixtures.email("ann@example.com")).orElseThrow().id();
      MergeRecord m = c.mergeLog(merged).stream().filter(r -> r.kind() == MergeRecord.Kind.MERGE).findFirst().orElseThrow();
      c.split(m.id(), "two people");
      ProfileId ann = c.profile(Fixtures.email("ann@example.com")).orElseThrow().id();
      ProfileId bob = c.profile(Fixtures.email("bob@example.com")).orElseThrow().id();
      boolean onAnnsSide = Fixtures.timelineIds(c, ann).contains("e-3");
      ProfileId keeper = onAnnsSide ? bob : ann;
      List<ConsentChange> before = c.consentHistory(keeper);
      assertThat(before).singleElement().satisfies(ch -> assertThat(ch.method()).contains("unsubscribe_link"));

      c.delete(onAnnsSide ? ann : bob);

      assertThat(c.consentHistory(keeper)).isEqualTo(before);
      assertThat(consentHistoryOf(JSON.readTree(bundleText(c, keeper)))).isEqualTo(before);
    }
  }

  /**
   * Found by {@link PortabilityPropertiesTest}. A merge record's side remembers the profiles merged
   * into that side ({@code mergedFrom}). After the merge was split, an earlier forced merge of that
   * side split too and the two forced-merged again (the side's id absorbed this time), splitting
   * the first merge again restored the side with {@code mergedFrom} naming the live profile that
   * held it: its bundle named another person's profile (and erasing it would have erased that
   * person's merge-log records). The split is refused instead, as for a side whose id is in use.
   */
  @Test
  void split_ofASideWhoseAbsorbedProfileIsLiveAgain_isRefused_soNoBundleNamesAnotherProfile() {
    try (Clientele c = Fixtures.clientele()) {
      c.ingest(Fixtures.event("a", "login", 0).identifier(Fixtures.email("a@example.com")).build());
      c.ingest(Fixtures.event("b", "login", 1).identifier(Fixtures.email("b@example.com")).build());
      c.ingest(Fixtures.event("c", "login", 2).identifier(Fixtures.email("c@example.com")).build());
      ProfileId pa = c.profile(Fixtures.email("a@example.com")).orElseThrow().id();
      ProfileId pb = c.profile(Fixtures.email("b@example.com")).orElseThrow().id();
      Profile ab = c.merge(pa, pb, "operator");
      ProfileId absorbed = ab.id().equals(pa) ? pb : pa;
      c.ingest(Fixtures.event("e-1", "login", 3).identifier(Fixtures.email("b@example.com"))
          .identifier(Fixtures.email("c@example.com")).build());
      ProfileId abc = c.profile(Fixtures.email("c@example.com")).orElseThrow().id();
      MergeRecord m = c.mergeLog(abc).stream().filter(r -> r.kind() == MergeRecord.Kind.MERGE).findFirst().orElseThrow();
      assertThat(m.sides()).singleElement().satisfies(side -> assertThat(side.mergedFrom()).containsExactly(absorbed));
      c.split(m.id(), "wrong");
      MergeRecord forced = c.mergeLog(ab.id()).stream().filter(r -> r.kind() == MergeRecord.Kind.FORCED_MERGE)
          .findFirst().orElseThrow();
      c.split(forced.id(), "wrong too");
      // the profile the side had absorbed is the latest updated now, so it survives the next merge
      c.ingest(Fixtures.event("e-5", "login", 4).identifier(Fixtures.email(absorbed.equals(pa) ? "a@example.com" : "b@example.com"))
          .identifier(Fixtures.anonymousId("laptop")).build());
      // merged again, the other way round: the side's id is absorbed, the profile it had absorbed holds all
      Profile again = c.merge(absorbed, ab.id(), "operator again");
      org.junit.jupiter.api.Assumptions.assumeTrue(again.id().equals(absorbed), "survivorship kept the other id");

      assertThatThrownBy(() -> c.split(m.id(), "once more")).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(absorbed.value());

      for (Profile p : Fixtures.profiles(c)) {
        for (Profile other : Fixtures.profiles(c)) {
          if (!other.id().equals(p.id())) {
            assertThat(p.mergedFrom()).as("%s merged from", p.id()).doesNotContain(other.id());
            assertThat(bundleText(c, p.id())).doesNotContain("\"" + other.id().value() + "\"");
          }
        }
      }
    }
  }

  @Test
  void exportPersonalData_anEventWithTwoEmails_listsBothAsTypeValuePairs() throws IOException {
    try (Clientele c = Fixtures.clientele()) {
      c.ingest(Fixtures.event("e-1", "consent", 0).action("opt_in").identifier(Fixtures.email("ann@example.com"))
          .identifier(Fixtures.email("ann.work@example.com")).build());
      ProfileId ann = c.profile(Fixtures.email("ann@example.com")).orElseThrow().id();

      JsonNode event = JSON.readTree(bundleText(c, ann)).get("events").get(0);

      assertThat(event.get("identifiers").isArray()).isTrue();
      assertThat(event.get("identifiers").findValuesAsText("value")).containsExactly("ann@example.com", "ann.work@example.com");
      assertThat(event.get("identifiers").findValuesAsText("type")).containsExactly("email", "email");
    }
  }

  @Test
  void exportPersonalData_bundleHoldsTheMergedPersonsIdentifiersAndEvents() throws IOException {
    Clientele c = ErasureTest.loaded(ErasurePolicy.defaults());
    ProfileId ann = ErasureTest.ann(c);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    c.exportPersonalData(ann, out);

    JsonNode b = new ObjectMapper().readTree(out.toByteArray());
    assertThat(b.get("profile").get("id").asText()).isEqualTo(ann.value());
    assertThat(b.get("identifiers").findValuesAsText("value"))
        .containsExactlyInAnyOrder("ann.secret@example.com", "c-ann", "dev-ann");
    assertThat(b.get("events").findValuesAsText("id")).containsExactly("a-1", "a-2", "a-3");
    assertThat(b.get("attributes").get("first_name").get("value").asText()).isEqualTo("Annabel");
    assertThat(new String(out.toByteArray(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("bob");
  }

  @Test
  void exportPersonalData_unknownProfile_throws() {
    Clientele c = ErasureTest.loaded(ErasurePolicy.defaults());
    assertThatThrownBy(() -> c.exportPersonalData(ProfileId.of("p-none"), new ByteArrayOutputStream()))
        .isInstanceOf(NoSuchElementException.class);
    assertThat(c.profile(Identifier.of(IdentifierType.EMAIL, "bob@example.com"))).isPresent();
  }
}
