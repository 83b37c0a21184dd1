package dev.clientele.core.spi;

/**
 * The storage SPI: everything Clientele keeps, behind one narrow interface a host can implement.
 *
 * <p>Reads come from {@link ProfileStore}, {@link IdentityIndex}, {@link EventStore} and
 * {@link TombstoneStore} and {@link MergeLog}; every
 * write goes through {@link #commit(Commit)}. {@link InMemoryStorage} is the embedded default;
 * a host backend proves itself by passing the conformance tests that the in-memory store
 * passes ({@code dev.clientele.tck.StorageContract} in the {@code clientele-tck} artifact).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Atomicity.</b> {@code commit} applies all of a commit or nothing. A reader never
 *       sees part of a commit: after a merge, either both profiles and the old index entries,
 *       or the surviving profile and the re-pointed entries.
 *   <li><b>Optimistic concurrency.</b> Every write states what it expects (profile version,
 *       current owner of an identifier, event id not yet stored). If any expectation fails,
 *       {@code commit} throws {@link CommitConflictException} and applies nothing.
 *   <li><b>Visibility.</b> Once {@code commit} returns, every later read on any thread sees it.
 *   <li><b>Ordering.</b> Commits are linearizable: there is one order of commits consistent
 *       with each thread's order, and each read reflects a prefix of it.
 *   <li><b>Failure.</b> If the backend fails, {@code commit} throws {@link StorageException}
 *       and the stored state is the one before the commit or the one after it, never between.
 *   <li><b>Erasure.</b> Erased events leave no trace: not in {@code events}, {@code allEvents},
 *       {@code eventCount} or {@code containsEvent}; a backend that keeps logs or replicas must
 *       purge them too.
 *   <li><b>Concurrency.</b> All methods may be called from any number of threads at once.
 * </ul>
 */
public interface Storage extends ProfileStore, IdentityIndex, EventStore, TombstoneStore, MergeLog, AutoCloseable {
  /**
   * Applies {@code commit} atomically.
   *
   * @throws CommitConflictException if an expectation no longer holds; nothing was applied
   * @throws StorageException if the backend failed; nothing or everything was applied
   */
  void commit(Commit commit);

  /** Releases resources; the in-memory store has none. */
  @Override
  default void close() {}
}
