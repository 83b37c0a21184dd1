package dev.clientele.identity;

import dev.clientele.core.Identifier;

/**
 * Normalises and validates raw identifiers of one type. Implementations must be pure (the same
 * input always gives the same output, so results can be cached) and safe for concurrent use.
 *
 * <pre>{@code
 * IdentifierNormalizer upper = raw -> NormalizedIdentifier.valid(
 *     Identifier.of(raw.type(), raw.value().strip().toUpperCase(Locale.ROOT)));
 * IdentityRules rules = IdentityRules.builder().normalizer(IdentifierType.of("loyalty_card"), upper).build();
 * }</pre>
 */
@FunctionalInterface
public interface IdentifierNormalizer {
  /**
   * Normalises {@code raw}; never throws for bad data, returns {@link NormalizedIdentifier.Status#MALFORMED}.
   * The result is an identifier of {@code raw}'s type: a normaliser that returns null or another
   * type breaks this contract, and the resolver then keeps {@code raw} as malformed (so it links
   * nothing) with a problem line saying so.
   */
  NormalizedIdentifier normalize(Identifier raw);

  /** Strips surrounding white space; everything is valid. The default for non-messaging types. */
  IdentifierNormalizer STRIP = raw -> NormalizedIdentifier.valid(stripped(raw));

  /** The identifier with its value stripped of surrounding white space (raw if nothing is left). */
  static Identifier stripped(Identifier raw) {
    String v = java.util.Objects.requireNonNull(raw, "raw").value().strip();
    return v.isEmpty() || v.equals(raw.value()) ? raw : Identifier.of(raw.type(), v);
  }
}
