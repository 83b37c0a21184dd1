package dev.clientele.identity;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import java.util.List;
import java.util.Optional;

/**
 * An event's identifiers after normalisation, sorted into what may link profiles, what is only
 * kept, and what is refused.
 *
 * @param event the event with its identifiers normalised (duplicates after normalisation folded)
 * @param linkable valid identifiers: these find and link profiles, highest priority first
 * @param malformed kept on the profile and marked undeliverable, never used to link profiles
 * @param blocked junk values: not attached to any profile
 * @param problems what was refused and why, one line each, no personal data
 */
public record ResolvedIdentifiers(
    Event event, List<Identifier> linkable, List<Identifier> malformed, List<Identifier> blocked, List<String> problems) {

  /** Copies the lists. */
  public ResolvedIdentifiers {
    requireNonNull(event, "event");
    linkable = ImmutableList.copyOf(requireNonNull(linkable, "linkable"));
    malformed = ImmutableList.copyOf(requireNonNull(malformed, "malformed"));
    blocked = ImmutableList.copyOf(requireNonNull(blocked, "blocked"));
    problems = ImmutableList.copyOf(requireNonNull(problems, "problems"));
  }

  /**
   * The identifier the stored event is keyed by: the highest-priority linkable identifier, else
   * the first malformed one; empty when every identifier was blocked.
   */
  public Optional<Identifier> anchor() {
    if (!linkable.isEmpty()) {
      return Optional.of(linkable.get(0));
    }
    return malformed.stream().findFirst();
  }

  /** Whether there is an {@link #anchor()} (some identifier was not blocked), without making the {@code Optional}. */
  public boolean hasAnchor() {
    return !linkable.isEmpty() || !malformed.isEmpty();
  }
}
