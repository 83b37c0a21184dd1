package dev.clientele.consent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Channel;
import dev.clientele.core.Event;
import dev.clientele.core.EventData;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link ConsentChanges#messagingTargets} is a loop (called for every consent and reachability
 * event): it must give what filtering the identifiers by channel with a stream gave, in the same
 * order, as an unmodifiable list.
 */
class MessagingTargetsPropertiesTest {
  private static final Identifier[] POOL = {
    Fixtures.EMAIL, Fixtures.PHONE, Fixtures.PUSH, Fixtures.CUSTOMER, Fixtures.ANON,
    Identifier.of(IdentifierType.EMAIL, "bob@example.com"), Identifier.of(IdentifierType.PHONE, "+12015550123"),
  };
  private static final String[] CHANNELS = {null, "email", "sms", "push", "SMS", "fax", ""};

  @Property(tries = 300)
  void messagingTargets_equalTheFilteredIdentifiersInOrder(@ForAll long seed) {
    Random random = new Random(seed);
    List<Identifier> identifiers = new ArrayList<>();
    for (int i = random.nextInt(6); i > 0; i--) {
      Identifier id = POOL[random.nextInt(POOL.length)];
      if (!identifiers.contains(id)) {
        identifiers.add(id);
      }
    }
    Event.Builder b = Fixtures.event("e-1", "consent", "opt_in", 0, Fixtures.EMAIL);
    String channel = CHANNELS[random.nextInt(CHANNELS.length)];
    if (channel != null) {
      b.data(java.util.Map.of("channel", channel));
    } else if (random.nextBoolean()) {
      b.data(java.util.Map.of("channel", 7L)); // not a string: names no channel
    }
    Event event = b.build();

    Optional<List<Identifier>> targets = ConsentChanges.messagingTargets(event, identifiers);

    assertThat(targets).isEqualTo(byStream(event, identifiers));
    if (targets.isPresent()) {
      List<Identifier> list = targets.get();
      assertThatThrownBy(() -> list.add(Fixtures.EMAIL)).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  /** The filter as it was written before, with a stream. */
  private static Optional<List<Identifier>> byStream(Event event, List<Identifier> identifiers) {
    Optional<Channel> channel = Optional.empty();
    if (event.data().containsKey("channel")) {
      channel = EventData.string(event.data(), "channel").flatMap(Channel::fromKey);
      if (channel.isEmpty()) {
        return Optional.empty();
      }
    }
    Optional<Channel> only = channel;
    return Optional.of(identifiers.stream()
        .filter(id -> id.type().isMessaging() && only.map(c -> c.identifierType().equals(id.type())).orElse(true))
        .toList());
  }
}
