package dev.clientele.export;

import dev.clientele.core.Attribute;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Deterministic profiles for export tests. */
final class ExportFixtures {
  static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

  private ExportFixtures() {}

  static IdentifierState id(IdentifierType type, String value, long seenSecondsAfterT0) {
    return IdentifierState.firstSeen(Identifier.of(type, value), T0.plusSeconds(seenSecondsAfterT0), true, "web");
  }

  /** Three profiles: Ann (two emails, orders, lists, awkward attributes), Bob (phone only, bounced email), an anonymous visitor. */
  static List<Profile> three() {
    Profile ann = Profile.builder(ProfileId.of("p-ann"), T0)
        .putIdentifier(id(IdentifierType.EMAIL, "ann.old@example.com", 10))
        .putIdentifier(id(IdentifierType.EMAIL, "ann@example.com", 500).withConsent(Consent.OPT_IN, T0.plusSeconds(500)))
        .putIdentifier(id(IdentifierType.CUSTOMER_ID, "c-1", 20))
        .putIdentifier(id(IdentifierType.PUSH_TOKEN, "tok|1", 30))
        .putAttribute(new Attribute("first_name", "Ann", "crm", T0))
        .putAttribute(new Attribute("city", "Lyon, \"FR\"", "crm", T0))
        .putAttribute(new Attribute("note", "=HYPERLINK(\"http://x\")", "crm", T0))
        .putAttribute(new Attribute("interests", List.of("tea", "pipe|and\\slash"), "crm", T0))
        .putAttribute(new Attribute("score", 12L, "crm", T0))
        .putAttribute(new Attribute("prefs", Map.of("lang", "fr"), "crm", T0))
        .putList(new ListSubscription("news", true, Optional.of(T0), Optional.empty()))
        .putList(new ListSubscription("promo", false, Optional.of(T0), Optional.of(T0.plusSeconds(5))))
        .addTag("favourite")
        .orders(OrderSummary.NONE.plus(new BigDecimal("42.50"), T0.plusSeconds(100)).plus(new BigDecimal("7.5"), T0.plusSeconds(200)))
        .activity(Optional.of(T0), Optional.of(T0.plusSeconds(500)))
        .eventCount(7)
        .addMergedFrom(List.of(ProfileId.of("p-old")))
        .build();
    Profile bob = Profile.builder(ProfileId.of("p-bob"), T0.plusSeconds(1000))
        .putIdentifier(id(IdentifierType.PHONE, "+12125550199", 1000).withConsent(Consent.OPT_IN, T0.plusSeconds(1000)))
        .putIdentifier(id(IdentifierType.EMAIL, "bob@example.org", 1000)
            .withDeliverability(Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, T0.plusSeconds(1100))))
        .putAttribute(new Attribute("first_name", "Bob \uD83D\uDE00", "crm", T0))
        .putAttribute(new Attribute("note", "-2+3", "crm", T0))
        .activity(Optional.of(T0.plusSeconds(1000)), Optional.of(T0.plusSeconds(1000)))
        .eventCount(2)
        .build();
    Profile anon = Profile.builder(ProfileId.of("p-zed"), T0.plusSeconds(2000))
        .putIdentifier(id(IdentifierType.ANONYMOUS_ID, "a-9", 2000))
        .eventCount(1)
        .activity(Optional.of(T0.plusSeconds(2000)), Optional.of(T0.plusSeconds(2000)))
        .build();
    return List.of(ann, bob, anon);
  }

  /** Computed values as the facade would give them: reachable on email when the last-seen email is deliverable and not opted out. */
  static ComputedValues reachability() {
    return ComputedValues.of(List.of("reachable_email"), p -> Map.of("reachable_email",
        p.lastSeen(IdentifierType.EMAIL).map(s -> s.deliverability().isDeliverable() && s.consent() != Consent.OPT_OUT).orElse(false)));
  }

  static String export(ExportRequest request, List<Profile> profiles) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProfileExporter.write(request, ProfileSource.of(profiles), out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
