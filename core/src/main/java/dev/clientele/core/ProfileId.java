package dev.clientele.core;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The stable, opaque id of a profile, e.g. {@code p-3f2a9c0d41b7e865}.
 *
 * <p>Ids carry no personal data and survive merges: the surviving profile keeps its id and the
 * merged ones are remembered in {@link Profile#mergedFrom()}.
 *
 * @param value letters, digits, {@code -} and {@code _}, 1 to 64 characters
 */
public record ProfileId(String value) implements Comparable<ProfileId> {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * Creates an id.
   *
   * @throws IllegalArgumentException if the value has other characters or a bad length
   */
  public ProfileId {
    requireNonNull(value, "value");
    if (!isValid(value)) { // the masked message is built only on failure: ids are made per new profile
      throw new IllegalArgumentException("profile id must match [A-Za-z0-9_-]{1,64}: " + Pii.mask(value));
    }
  }

  private static boolean isValid(String value) {
    int n = value.length();
    if (n < 1 || n > 64) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Parses an id. */
  public static ProfileId of(String value) {
    return new ProfileId(value);
  }

  /** A new random id: {@code p-} and 16 hex digits (64 random bits). */
  public static ProfileId random() {
    long b = ThreadLocalRandom.current().nextLong();
    // One concatenation of chars: the string's bytes are written once, in place (64 bytes per
    // id), where a char[] made into a String was copied and compressed (120 bytes).
    return new ProfileId("p-" + hex(b, 60) + hex(b, 56) + hex(b, 52) + hex(b, 48) + hex(b, 44) + hex(b, 40)
        + hex(b, 36) + hex(b, 32) + hex(b, 28) + hex(b, 24) + hex(b, 20) + hex(b, 16) + hex(b, 12) + hex(b, 8)
        + hex(b, 4) + hex(b, 0));
  }

  /** The hex digit of the four bits of {@code bits} from bit {@code shift} up. */
  private static char hex(long bits, int shift) {
    return HEX[(int) (bits >>> shift) & 0xF];
  }

  @Override
  public int compareTo(ProfileId other) {
    return value == other.value ? 0 : value.compareTo(other.value); // same string: no character read
  }

  /**
   * The hash of the value: the same number the record's own {@code hashCode} gives (which for
   * one component is that component's hash), written out so a hash-table lookup by id calls
   * {@link String#hashCode()} directly. Consistent with {@code equals}, which compares the value.
   */
  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /**
   * Whether {@code o} is a profile id with an equal value, as the record's own {@code equals}
   * decides, written out for the same reason as {@link #hashCode}: the store and the link
   * planner compare ids on every event, and the record's generic method runs through method
   * handles.
   */
  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof ProfileId other && value.equals(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
