package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.clientele.consent.ConsentChange;
import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ConsentLedgerTest {
  static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
  static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  static final Identifier PHONE = Identifier.of(IdentifierType.PHONE, "+12015550123");
  static final Identifier CUSTOMER = Identifier.of(IdentifierType.CUSTOMER_ID, "c-1");

  @Test
  void recordConsent_joinsTheLedgerWithSourceAndMethod_andSetsCurrentConsent() {
    Clientele c = Fixtures.clientele();
    c.ingest(Event.builder("e-1", "identify", T0).identifier(EMAIL).identifier(CUSTOMER).build());

    c.recordConsent(EMAIL, Consent.OPT_IN, T0.plusSeconds(60), "preference-centre", "double_opt_in");
    c.recordConsent(EMAIL, Consent.OPT_OUT, T0.plusSeconds(120), "support", "");

    Profile p = c.profile(CUSTOMER).orElseThrow();
    assertThat(p.identifier(EMAIL).orElseThrow().consent()).isEqualTo(Consent.OPT_OUT);
    List<ConsentChange> ledger = c.consentHistory(p.id());
    assertThat(ledger).extracting(ConsentChange::consent).containsExactly(Consent.OPT_IN, Consent.OPT_OUT);
    assertThat(ledger.get(0).source()).isEqualTo("preference-centre");
    assertThat(ledger.get(0).method()).contains("double_opt_in");
    assertThat(ledger.get(1).method()).isEmpty();
  }

  @Test
  void recordConsent_nonMessagingIdentifier_throwsNamingTheType() {
    Clientele c = Fixtures.clientele();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> c.recordConsent(CUSTOMER, Consent.OPT_IN, T0, "api", ""))
        .withMessageContaining("customer_id");
  }

  @Test
  void consentHistory_channelNamedEvent_appliesOnlyToThatChannelsIdentifier() {
    Clientele c = Fixtures.clientele();
    c.ingest(Event.builder("e-1", "consent", T0).action("opt_in").identifier(EMAIL).identifier(PHONE)
        .data("channel", "sms").build());

    Profile p = c.profile(EMAIL).orElseThrow();
    assertThat(c.consentHistory(p.id())).extracting(ConsentChange::identifier).containsExactly(PHONE);
    assertThat(p.identifier(EMAIL).orElseThrow().consent()).isEqualTo(Consent.UNKNOWN);
    assertThat(p.identifier(PHONE).orElseThrow().consent()).isEqualTo(Consent.OPT_IN);
  }

  @Test
  void consentHistory_listsOnlyIdentifiersTheProfileHolds() {
    // Two people (two customer ids, never merged automatically); one consent event names both
    // emails. Each person's ledger lists only the email that person holds.
    Clientele c = Fixtures.clientele();
    Identifier bob = Identifier.of(IdentifierType.EMAIL, "bob@example.com");
    c.ingest(Event.builder("e-1", "identify", T0).identifier(EMAIL).identifier(CUSTOMER).build());
    c.ingest(Event.builder("e-2", "identify", T0).identifier(bob).identifier(IdentifierType.CUSTOMER_ID, "c-2").build());
    c.ingest(Event.builder("e-3", "consent", T0.plusSeconds(60)).action("opt_in").identifier(EMAIL).identifier(bob).build());

    Profile ann = c.profile(EMAIL).orElseThrow();
    Profile other = c.profile(bob).orElseThrow();
    assertThat(ann.id()).isNotEqualTo(other.id());
    assertThat(c.consentHistory(ann.id())).extracting(ConsentChange::identifier).containsExactly(EMAIL);
    assertThat(c.consentHistory(other.id())).extracting(ConsentChange::identifier).containsExactly(bob);
  }

  record Change(int minute, String action, Optional<String> channel, boolean email, boolean phone) {}

  @Provide
  Arbitrary<List<Change>> histories() {
    Arbitrary<Change> change = Combinators.combine(
            Arbitraries.integers().between(0, 6),
            Arbitraries.of("opt_in", "opt_out", "reset"),
            Arbitraries.of("email", "sms").optional(0.3),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false))
        .as(Change::new)
        .filter(ch -> ch.email() || ch.phone());
    return change.list().ofMinSize(1).ofMaxSize(10);
  }

  @Property(tries = 150)
  void ingest_consentEventsInAnyOrder_giveTheSameStateAndLedger(@ForAll("histories") List<Change> history, @ForAll long seed) {
    List<Event> events = new ArrayList<>();
    events.add(Event.builder("id-0", "identify", T0).identifier(EMAIL).identifier(PHONE).identifier(CUSTOMER).build());
    for (int i = 0; i < history.size(); i++) {
      Change ch = history.get(i);
      Event.Builder b = Event.builder("c-" + i, "consent", T0.plusSeconds(60L * ch.minute())).action(ch.action()).identifier(CUSTOMER);
      if (ch.email()) {
        b.identifier(EMAIL);
      }
      if (ch.phone()) {
        b.identifier(PHONE);
      }
      ch.channel().ifPresent(channel -> b.data("channel", channel));
      events.add(b.build());
    }
    List<Event> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(seed));

    Map<String, Object> inOrder = state(events);
    Map<String, Object> anyOrder = state(shuffled);

    assertThat(anyOrder).isEqualTo(inOrder);
  }

  private static Map<String, Object> state(List<Event> events) {
    Clientele c = Fixtures.clientele();
    c.ingestAll(events);
    Profile p = c.profile(CUSTOMER).orElseThrow();
    Map<String, Object> state = new TreeMap<>();
    for (IdentifierState s : p.identifiers()) {
      state.put(s.identifier().type() + ".consent", s.consent());
      state.put(s.identifier().type() + ".consentAt", s.consentAt());
    }
    List<String> ledger = new ArrayList<>(c.consentHistory(p.id()).stream()
        .map(ch -> ch.eventId() + "/" + ch.identifier().type() + "/" + ch.consent() + "/" + ch.at()).toList());
    Collections.sort(ledger);
    state.put("ledger", ledger);
    return state;
  }
}
