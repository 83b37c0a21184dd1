package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A profile's membership of a mailing list.
 *
 * @param list the list's name
 * @param subscribed whether the profile is subscribed now
 * @param subscribedAt when it last subscribed; empty if it never did
 * @param unsubscribedAt when it last unsubscribed; empty if it never did
 */
public record ListSubscription(
    String list, boolean subscribed, Optional<Instant> subscribedAt, Optional<Instant> unsubscribedAt) {

  /** Validates the subscription. */
  public ListSubscription {
    requireNonNull(list, "list");
    if (list.isBlank() || list.length() > 128) {
      throw new IllegalArgumentException("list name must be 1 to 128 characters: " + Names.forMessage(list));
    }
    requireNonNull(subscribedAt, "subscribedAt");
    requireNonNull(unsubscribedAt, "unsubscribedAt");
    checkArgument(!subscribed || subscribedAt.isPresent(), "a subscribed list needs subscribedAt: %s", list);
    checkArgument(subscribed || unsubscribedAt.isPresent() || subscribedAt.isEmpty(),
        "an unsubscribed list that was subscribed needs unsubscribedAt: %s", list);
  }

  /**
   * Returns the state after a subscribe or unsubscribe at {@code at}. The latest change wins
   * whatever order the changes arrive in; on equal times, unsubscribe wins.
   */
  public static ListSubscription apply(Optional<ListSubscription> current, String list, boolean subscribe, Instant at) {
    requireNonNull(current, "current");
    requireNonNull(list, "list");
    requireNonNull(at, "at");
    Optional<Instant> sub = current.flatMap(ListSubscription::subscribedAt);
    Optional<Instant> unsub = current.flatMap(ListSubscription::unsubscribedAt);
    if (subscribe) {
      sub = Optional.of(sub.filter(s -> s.isAfter(at)).orElse(at));
    } else {
      unsub = Optional.of(unsub.filter(u -> u.isAfter(at)).orElse(at));
    }
    boolean subscribed = sub.isPresent() && (unsub.isEmpty() || sub.get().isAfter(unsub.get()));
    return new ListSubscription(list, subscribed, sub, unsub);
  }
}
