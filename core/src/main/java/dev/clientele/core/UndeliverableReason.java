package dev.clientele.core;

/** Why a messaging identifier cannot receive messages. */
public enum UndeliverableReason {
  /** A permanent delivery failure was reported. */
  HARD_BOUNCE,
  /** The recipient reported a message as spam. */
  COMPLAINT,
  /** The provider reported the address or number as invalid. */
  INVALID,
  /** The value failed validation when it was received; a later "deliverable" never clears this. */
  MALFORMED;

  /** The lower-case name used in JSON output, e.g. {@code hard_bounce}. */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
