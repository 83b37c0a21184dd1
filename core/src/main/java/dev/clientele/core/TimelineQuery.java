package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSet;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Which events of a profile's timeline to return.
 *
 * <pre>{@code
 * TimelineQuery.all().withTypes(Set.of("order")).withRange(from, to).newestFirst(20)
 * }</pre>
 *
 * @param types event types to include; empty includes every type
 * @param from include events at or after this time
 * @param to include events before this time
 * @param newestFirst whether the newest events come first
 * @param limit the most events to return
 */
public record TimelineQuery(Set<String> types, Optional<Instant> from, Optional<Instant> to, boolean newestFirst, int limit) {
  /** Validates the query. */
  public TimelineQuery {
    types = ImmutableSet.copyOf(requireNonNull(types, "types"));
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    checkArgument(from.isEmpty() || to.isEmpty() || from.get().isBefore(to.get()), "from must be before to: %s, %s",
        from.orElse(null), to.orElse(null));
    checkArgument(limit >= 1, "limit must be >= 1: %s", limit);
  }

  /** Every event, oldest first. */
  public static TimelineQuery all() {
    return new TimelineQuery(Set.of(), Optional.empty(), Optional.empty(), false, Integer.MAX_VALUE);
  }

  /** A copy restricted to these types. */
  public TimelineQuery withTypes(Set<String> value) {
    return new TimelineQuery(value, from, to, newestFirst, limit);
  }

  /** A copy restricted to {@code [fromInclusive, toExclusive)}. */
  public TimelineQuery withRange(Instant fromInclusive, Instant toExclusive) {
    return new TimelineQuery(types, Optional.of(requireNonNull(fromInclusive, "fromInclusive")),
        Optional.of(requireNonNull(toExclusive, "toExclusive")), newestFirst, limit);
  }

  /** A copy returning the {@code n} newest events, newest first. */
  public TimelineQuery newestFirst(int n) {
    return new TimelineQuery(types, from, to, true, n);
  }

  /** Whether {@code event} passes the type and time filters. */
  public boolean matches(Event event) {
    requireNonNull(event, "event");
    return (types.isEmpty() || types.contains(event.type()))
        && (from.isEmpty() || !event.timestamp().isBefore(from.get()))
        && (to.isEmpty() || event.timestamp().isBefore(to.get()));
  }
}
