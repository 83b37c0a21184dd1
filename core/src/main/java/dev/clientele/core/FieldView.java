package dev.clientele.core;

/** Which attribute names a field list shows. */
public enum FieldView {
  /** Names known (non-empty) on more than half of all profiles. */
  COMMON,
  /** Names known (non-empty) on at least one profile. */
  KNOWN,
  /** Every name present on any profile, empty values included. */
  ALL
}
