package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The stable, opaque id of a profile, e.g. {@code p-3f2a9c0d41b7e865}.
 *
 * <p>Ids carry no personal data and survive merges: the surviving profile keeps its id and the
 * merged ones are remembered in {@link Profile#mergedFrom()}.
 *
 * @param value letters, digits, {@code -} and {@code _}, 1 to 64 characters
 */
public record ProfileId(String value) implements Comparable<ProfileId> {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * Creates an id.
   *
   * @throws IllegalArgumentException if the value has other characters or a bad length
   */
  public ProfileId {
    requireNonNull(value, "value");
    checkArgument(
        VALID.matcher(value).matches(), "profile id must match [A-Za-z0-9_-]{1,64}: %s", Pii.mask(value));
  }

  /** Parses an id. */
  public static ProfileId of(String value) {
    return new ProfileId(value);
  }

  /** A new random id: {@code p-} and 16 hex digits (64 random bits). */
  public static ProfileId random() {
    return new ProfileId(String.format(java.util.Locale.ROOT, "p-%016x", ThreadLocalRandom.current().nextLong()));
  }

  @Override
  public int compareTo(ProfileId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
