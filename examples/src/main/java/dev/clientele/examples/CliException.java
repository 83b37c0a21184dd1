package dev.clientele.examples;

/**
 * A failure caused by the caller: bad arguments, a missing or unreadable file, bad input. The
 * CLI prints the message on stderr and exits with {@link Cli#EXIT_BAD_INPUT}. Messages never
 * hold personal data.
 */
final class CliException extends Exception {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
