package dev.clientele.core.spi;

/**
 * Reads tombstones: salted hashes of erased identifiers, kept so that a replay of old events
 * cannot bring an erased person back. A tombstone holds no personal data: only the hash, which
 * cannot be reversed without the salt. Implementations must be safe for concurrent use.
 */
public interface TombstoneStore {
  /** Whether a tombstone with this hash was written. */
  boolean isTombstoned(String hash);

  /** The number of tombstones. */
  long tombstoneCount();
}
