package dev.clientele.benchmarks;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.identity.IdentityResolver;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.NormalizedIdentifier;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sanity check of {@link EventFixture}: normalises every identifier value of the fixture with
 * the library's own {@link IdentityResolver} under the default rules (phones through
 * libphonenumber, default region US) and fails unless
 *
 * <ul>
 *   <li>every phone value is valid and the five formats collapse to one E.164 number per person,
 *   <li>every email value (variants included) is valid and lower-cases to a canonical address,
 *   <li>every junk value ({@code test@test.com}, {@code undefined}, {@code null}) is blocked and
 *       nothing else is,
 *   <li>two generations with the same seed are equal.
 * </ul>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.clientele.benchmarks.FixtureCheck [events people]
 * </pre>
 */
public final class FixtureCheck {
  private FixtureCheck() {}

  public static void main(String[] args) {
    int eventCount = args.length > 0 ? Integer.parseInt(args[0]) : EventFixture.DEFAULT_EVENTS;
    int people = args.length > 1 ? Integer.parseInt(args[1]) : EventFixture.DEFAULT_PEOPLE;
    EventFixture fixture = EventFixture.generate(eventCount, people, EventFixture.DEFAULT_SEED);
    System.out.println("fixture: " + fixture.summary());

    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().cacheSize(0).build());
    Map<String, Map<NormalizedIdentifier.Status, Integer>> statuses = new TreeMap<>();
    Set<String> rawPhones = new HashSet<>();
    Set<String> e164 = new HashSet<>();
    Set<String> rawEmails = new HashSet<>();
    Set<String> emails = new HashSet<>();
    long junk = 0;
    for (Event e : fixture.events()) {
      for (Identifier raw : e.identifiers()) {
        NormalizedIdentifier n = resolver.normalize(raw);
        statuses.computeIfAbsent(raw.type().name(), t -> new EnumMap<>(NormalizedIdentifier.Status.class))
            .merge(n.status(), 1, Integer::sum);
        boolean isJunk = switch (raw.value()) {
          case "test@test.com", "undefined", "null" -> true;
          default -> false;
        };
        if (isJunk) {
          junk++;
          check(n.status() == NormalizedIdentifier.Status.BLOCKED, "junk value not blocked: " + raw.type());
          continue;
        }
        check(n.status() == NormalizedIdentifier.Status.VALID,
            "not valid: " + raw.type() + " '" + raw.value() + "' -> " + n.status() + " " + n.problem().orElse(""));
        if (raw.type().equals(IdentifierType.PHONE)) {
          rawPhones.add(raw.value());
          e164.add(n.identifier().value());
          check(n.identifier().value().matches("\\+[1-9][0-9]{9,14}"), "not E.164: " + n.identifier().value());
        } else if (raw.type().equals(IdentifierType.EMAIL)) {
          rawEmails.add(raw.value());
          emails.add(n.identifier().value());
          check(n.identifier().value().equals(raw.value().strip().toLowerCase(Locale.ROOT)), "email not canonical");
        }
      }
    }
    System.out.println("normalisation status by type: " + statuses);
    System.out.printf(Locale.ROOT, "phones: %,d raw spellings -> %,d E.164 numbers; emails: %,d raw spellings -> %,d addresses;"
        + " junk values blocked: %,d%n", rawPhones.size(), e164.size(), rawEmails.size(), emails.size(), junk);
    check(junk == fixture.summary().junkValues(), "junk count differs from the summary");
    check(e164.size() <= fixture.summary().phones(), "more E.164 numbers than people with phones: formats do not collapse");

    List<Event> again = EventFixture.generate(eventCount, people, EventFixture.DEFAULT_SEED).events();
    check(again.equals(fixture.events()), "same seed gave different events");
    System.out.println("OK: deterministic, phones valid and collapsing, emails valid, junk blocked");
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
