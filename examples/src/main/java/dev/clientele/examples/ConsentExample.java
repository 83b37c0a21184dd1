package dev.clientele.examples;

import dev.clientele.Clientele;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import java.time.Instant;

/**
 * Consent and deliverability: an opt-in, an opt-out on another channel and a hard bounce, and
 * what the profile's identifiers show afterwards.
 */
public final class ConsentExample {
  private ConsentExample() {}

  /**
   * Ingests a sign-up with email and phone, consent and bounce events, and prints each
   * identifier's consent and deliverability.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Instant t = Instant.parse("2026-10-03T14:05:00Z");
    try (Clientele clientele = Clientele.inMemory()) {
      clientele.ingest(Event.builder("e-1", "identify", t)
          .identifier(IdentifierType.EMAIL, "ann@example.com")
          .identifier(IdentifierType.PHONE, "+1 212-555-0199")
          .data("first_name", "Ann").build());
      clientele.ingest(Event.builder("e-2", "consent", t.plusSeconds(10)).action("opt_in")
          .identifier(IdentifierType.EMAIL, "ann@example.com").data("channel", "email").build());
      clientele.ingest(Event.builder("e-3", "consent", t.plusSeconds(20)).action("opt_out")
          .identifier(IdentifierType.PHONE, "+12125550199").data("channel", "sms").build());
      clientele.ingest(Event.builder("e-4", "reachability", t.plusSeconds(30)).action("hard_bounce")
          .identifier(IdentifierType.EMAIL, "Ann@Example.com").data("channel", "email").build());

      Profile ann = clientele.profile(Identifier.of(IdentifierType.EMAIL, "ann@example.com")).orElseThrow();
      for (IdentifierState s : ann.identifiers()) {
        System.out.println(s.type() + ": consent " + s.consent().key()
            + (s.consentAt().map(at -> " since " + at).orElse(""))
            + ", " + (s.deliverability().isDeliverable()
                ? "deliverable"
                : "undeliverable (" + s.deliverability().reason().orElseThrow().key() + ")"));
      }
      // Consent and bounce events are not active: they do not move last-seen, and only the
      // last-seen email may be messaged (here: none can, it bounced).
      System.out.println("email last seen in an active event at "
          + ann.lastSeen(IdentifierType.EMAIL).flatMap(IdentifierState::lastSeen).orElseThrow());
    }
  }
}
