package dev.clientele.identity;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.Identifier;
import java.util.Optional;

/**
 * The outcome of normalising one raw identifier.
 *
 * @param identifier the normalised identifier (the stripped raw value when it could not be normalised)
 * @param status whether it may link profiles
 * @param problem why it is malformed or blocked (no personal data); empty when valid
 */
public record NormalizedIdentifier(Identifier identifier, Status status, Optional<String> problem) {
  /** Whether a normalised identifier may be used. */
  public enum Status {
    /** Normalised and valid: finds and links profiles. */
    VALID,
    /** Failed validation: kept on the profile, marked undeliverable, never links profiles. */
    MALFORMED,
    /** A junk value such as {@code null} or {@code test@test.com}: not attached to any profile. */
    BLOCKED
  }

  /** Validates the outcome. */
  public NormalizedIdentifier {
    requireNonNull(identifier, "identifier");
    requireNonNull(status, "status");
    requireNonNull(problem, "problem");
  }

  /** A valid identifier. */
  public static NormalizedIdentifier valid(Identifier identifier) {
    return new NormalizedIdentifier(identifier, Status.VALID, Optional.empty());
  }

  /** A malformed identifier with the reason. */
  public static NormalizedIdentifier malformed(Identifier identifier, String problem) {
    return new NormalizedIdentifier(identifier, Status.MALFORMED, Optional.of(requireNonNull(problem, "problem")));
  }
}
