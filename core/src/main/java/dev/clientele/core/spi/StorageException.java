package dev.clientele.core.spi;

/**
 * A storage backend failed (I/O, a lost connection, a full disk). A commit that throws this was
 * applied completely or not at all; backends document whether the caller can tell which
 * (the ingest pipeline re-reads and retries, which is safe either way because appends are
 * idempotent by event id).
 */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception. */
  public StorageException(String message) {
    super(message);
  }
}
