package dev.clientele.core.spi;

/**
 * Thrown by {@link Storage#commit(Commit)} when an expectation of the commit no longer holds: a
 * profile version changed, an index entry has another owner, or an event id is already stored.
 * Nothing of the commit was applied; the caller re-reads and tries again.
 */
public final class CommitConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the conflict (no personal data). */
  public CommitConflictException(String message) {
    super(message);
  }
}
