package dev.clientele.core.spi;

/**
 * Reads tombstones: salted hashes of erased identifiers, kept so that a replay of old events
 * cannot bring an erased person back. A tombstone holds no personal data: only the hash, which
 * cannot be reversed without the salt. Implementations must be safe for concurrent use.
 */
public interface TombstoneStore {
  /** Whether a tombstone with this hash was written. */
  boolean isTombstoned(String hash);

  /**
   * The number of tombstones. May cost a scan of every tombstone (a {@code COUNT(*)} on a
   * database): for reports, not for a hot path; ingestion asks {@link #hasTombstones()}.
   */
  long tombstoneCount();

  /**
   * Whether at least one tombstone was written. Ingestion asks this for every identifier that
   * has no owner yet (until the first erasure it saves hashing the identifier and a
   * {@link #isTombstoned} probe), so it must cost about as little as {@link #isTombstoned}
   * whatever the number of tombstones. The default is {@code tombstoneCount() > 0}: a backend
   * whose count is not constant-time overrides it.
   *
   * <p>{@code false} must be read from the store on every call: another process sharing the
   * store may erase someone at any moment. A {@code true} may be remembered, since tombstones are
   * never removed (and a stale {@code true} only costs an {@link #isTombstoned} probe).
   */
  default boolean hasTombstones() {
    return tombstoneCount() > 0;
  }
}
