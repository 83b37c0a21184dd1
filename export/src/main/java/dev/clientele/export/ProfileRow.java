package dev.clientele.export;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import java.util.Map;
import java.util.Optional;

/**
 * What a column reads for one exported profile: the profile and the values the caller computed
 * for it (see {@link ComputedValues}). Made by the exporter, one per profile, and dropped once
 * the row is written (where no caller's filter or column can see it, one object serves every
 * profile in turn). Not thread-safe (it lives on the exporting thread).
 */
public final class ProfileRow {
  private Profile profile;
  private Map<String, ?> computed;
  private IdentifierType lastSeenType;
  private Optional<IdentifierState> lastSeen;

  private ProfileRow(Profile profile, Map<String, ?> computed) {
    this.profile = profile;
    this.computed = computed;
  }

  /** A row of {@code profile} with {@code computed} values (not copied: the row lives for one write). */
  public static ProfileRow of(Profile profile, Map<String, ?> computed) {
    return new ProfileRow(requireNonNull(profile, "profile"), requireNonNull(computed, "computed"));
  }

  /**
   * This row, now of {@code next} with {@code values}: the exporter moves one row from profile to
   * profile when no code outside this module can see it (no caller's filter, only built-in
   * columns), instead of making one per profile.
   */
  ProfileRow moveTo(Profile next, Map<String, ?> values) {
    this.profile = next;
    this.computed = values;
    this.lastSeenType = null;
    this.lastSeen = null;
    return this;
  }

  /** The profile. */
  public Profile profile() {
    return profile;
  }

  /**
   * The profile's last-seen identifier of {@code type} ({@link Profile#lastSeen}), remembered
   * for the type asked last, since several columns (value, deliverability, consent) ask in turn.
   */
  public Optional<IdentifierState> lastSeen(IdentifierType type) {
    requireNonNull(type, "type");
    if (!type.equals(lastSeenType)) {
      lastSeen = lastSeenOf(profile, type);
      lastSeenType = type;
    }
    return lastSeen;
  }

  /**
   * {@link Profile#lastSeen}, answered without its comparison when the profile holds at most one
   * identifier of the type (most profiles): that one is the last seen, or there is none.
   */
  private static Optional<IdentifierState> lastSeenOf(Profile profile, IdentifierType type) {
    IdentifierState only = null;
    int count = profile.identifierCount();
    for (int i = 0; i < count; i++) {
      IdentifierState s = profile.identifierAt(i);
      IdentifierType t = s.identifier().type();
      if (t == type || t.equals(type)) {
        if (only != null) {
          return profile.lastSeen(type);
        }
        only = s;
      }
    }
    return Optional.ofNullable(only);
  }

  /** The computed value {@code name}, if the caller supplied one. */
  public Optional<Object> computed(String name) {
    return Optional.ofNullable(computed.get(requireNonNull(name, "name")));
  }

  /** Returns the profile id only (no personal data). */
  @Override
  public String toString() {
    return "ProfileRow{" + profile.id() + "}";
  }
}
