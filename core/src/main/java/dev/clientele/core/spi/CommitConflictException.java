package dev.clientele.core.spi;

/**
 * Thrown by {@link Storage#commit(Commit)} when an expectation of the commit no longer holds: a
 * profile version changed, an index entry has another owner, an event id or merge-record id is
 * already stored, or a merge record to redact is missing or changed ({@link
 * Commit#mergeRecordRedactions()}). Nothing of the commit was applied; the caller re-reads and
 * tries again.
 */
public final class CommitConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the conflict (no personal data). */
  public CommitConflictException(String message) {
    super(message);
  }
}
