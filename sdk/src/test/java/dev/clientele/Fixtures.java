package dev.clientele;

import static java.util.stream.Collectors.toSet;

import com.google.common.collect.ImmutableSet;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.TimelineQuery;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Small builders shared by the sdk tests: deterministic instances, events, identifiers. */
final class Fixtures {
  /** Minute 0 of the test clock. */
  static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

  private Fixtures() {}

  /** Profile ids p-0001, p-0002, … in the order asked for; thread-safe. */
  static Supplier<ProfileId> sequentialIds() {
    AtomicInteger n = new AtomicInteger();
    return () -> ProfileId.of(String.format(Locale.ROOT, "p-%04d", n.incrementAndGet()));
  }

  /** An in-memory instance with sequential profile ids. */
  static Clientele clientele() {
    return Clientele.builder().profileIds(sequentialIds()).build();
  }

  /** {@link #T0} plus {@code minutes}. */
  static Instant at(long minutes) {
    return T0.plusSeconds(minutes * 60);
  }

  /** Starts an event of {@code type} at {@code T0 + minutes}. */
  static Event.Builder event(String id, String type, long minutes) {
    return Event.builder(id, type, at(minutes));
  }

  static Identifier email(String value) {
    return Identifier.of(IdentifierType.EMAIL, value);
  }

  static Identifier customerId(String value) {
    return Identifier.of(IdentifierType.CUSTOMER_ID, value);
  }

  static Identifier anonymousId(String value) {
    return Identifier.of(IdentifierType.ANONYMOUS_ID, value);
  }

  static Identifier phone(String value) {
    return Identifier.of(IdentifierType.PHONE, value);
  }

  /** The identifiers a profile holds. */
  static Set<Identifier> identifiersOf(Profile p) {
    return p.identifiers().stream().map(IdentifierState::identifier).collect(toSet());
  }

  /** Every profile in the store. */
  static List<Profile> profiles(Clientele c) {
    return c.storage().profiles(java.util.Optional.empty(), Integer.MAX_VALUE);
  }

  /** The partition of identifiers into profiles. */
  static Set<Set<Identifier>> partition(Clientele c) {
    return profiles(c).stream().map(p -> ImmutableSet.copyOf(identifiersOf(p))).collect(toSet());
  }

  /** The ids of a profile's whole timeline, oldest first. */
  static List<String> timelineIds(Clientele c, ProfileId id) {
    return c.timeline(id, TimelineQuery.all()).stream().map(Event::id).toList();
  }
}
