package dev.clientele.segments;

import dev.clientele.core.Pii;

/** How a message shows a name the caller gave (a segment, list, event type, field or figure name). */
final class Shown {
  private Shown() {}

  /**
   * {@code name} as it is when it is a plain name (1 to 128 of {@code [A-Za-z0-9_.:-]}, the
   * names segments accept, and not a phone number), else {@linkplain Pii#mask masked}: a message
   * must not carry a 10 MB argument, a line break or a value that may be personal (an email or a
   * phone number typed where a list name was meant). See {@link Pii#maskUnlessName}.
   */
  static String name(String name) {
    return Pii.maskUnlessName(name, 128);
  }
}
