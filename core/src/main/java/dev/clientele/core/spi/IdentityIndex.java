package dev.clientele.core.spi;

import dev.clientele.core.Identifier;
import dev.clientele.core.ProfileId;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the identifier → profile index: which profile owns each (normalised) identifier.
 *
 * <p>Every identifier has at most one owner. Implementations must be safe for concurrent use.
 */
public interface IdentityIndex {
  /** The owner of {@code identifier}, or empty if no profile holds it. */
  Optional<ProfileId> owner(Identifier identifier);

  /**
   * The owners of those {@code identifiers} that have one, read from one consistent state: the
   * answer never mixes the index before and after a commit.
   */
  Map<Identifier, ProfileId> owners(Collection<Identifier> identifiers);
}
