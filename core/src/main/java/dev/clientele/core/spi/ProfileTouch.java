package dev.clientele.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Attribute;
import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.internal.ProfileChanges;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one event does to the one profile that already holds all of its identifiers, when that is
 * only a sighting: the event's time widens the profile's times (and, when active, its activity
 * span and the identifiers' last-seen times), at most one attribute is observed (the device, for
 * ingestion), and the event count and version go up by one. Nothing is attached, linked, merged,
 * consented or ordered. Immutable.
 *
 * <p>Such changes commute: applying touches in any order, before or after other writes, gives the
 * same profile. That is what lets {@link Storage#commitTouch} apply one to whatever version is
 * current when it commits, without the version check of a {@link Commit.ProfileWrite}, and what
 * lets a store keep the touched fields in place instead of building a new {@link Profile} per
 * event.
 *
 * <pre>{@code
 * ProfileTouch t = ProfileTouch.of(read, event.timestamp(), true, event.source(), event.identifiers(), device);
 * Profile next = t.applyTo(current); // current.version() + 1
 * }</pre>
 */
public final class ProfileTouch {
  private final Profile base;
  private final Instant at;
  private final boolean active;
  private final String source;
  private final List<Identifier> identifiers;
  private final Attribute observed;

  private ProfileTouch(Profile base, Instant at, boolean active, String source, List<Identifier> identifiers, Attribute observed) {
    this.base = base;
    this.at = at;
    this.active = active;
    this.source = source;
    this.identifiers = identifiers;
    this.observed = observed;
  }

  /**
   * A touch of {@code base}'s profile by an event at {@code at}.
   *
   * @param base the profile as read before the event (current, or a {@linkplain
   *     OwnedProfiles#isBase() base}); it must hold every one of {@code identifiers}
   * @param at the event's time
   * @param active whether the event counts as activity
   * @param source the event's source
   * @param identifiers the event's identifiers, all held by {@code base} (copied)
   * @param observed the attribute the event observes, or null for none
   * @throws NullPointerException if an argument other than {@code observed} is null, or an
   *     identifier is
   * @throws IllegalArgumentException if {@code base} does not hold one of {@code identifiers}
   *     (the message names its type only)
   */
  public static ProfileTouch of(
      Profile base, Instant at, boolean active, String source, List<Identifier> identifiers, Attribute observed) {
    requireNonNull(base, "base");
    requireNonNull(at, "at");
    requireNonNull(source, "source");
    List<Identifier> ids = ImmutableList.copyOf(requireNonNull(identifiers, "identifiers"));
    for (int i = 0; i < ids.size(); i++) {
      Identifier id = ids.get(i);
      checkArgument(base.identifier(id).isPresent(), "base profile %s does not hold the %s identifier touched", base.id(), id.type());
    }
    return new ProfileTouch(base, at, active, source, ids, observed);
  }

  /** The touched profile's id. */
  public ProfileId profileId() {
    return base.id();
  }

  /** The profile as read before the event; it holds every identifier of {@link #identifiers()}. */
  public Profile base() {
    return base;
  }

  /** The event's time. */
  public Instant at() {
    return at;
  }

  /** Whether the event counts as activity (widens the activity span and the last-seen times). */
  public boolean active() {
    return active;
  }

  /** The event's source. */
  public String source() {
    return source;
  }

  /** The identifiers seen, each held by the profile (immutable). */
  public List<Identifier> identifiers() {
    return identifiers;
  }

  /** The attribute the event observes, if any. */
  public Optional<Attribute> observed() {
    return Optional.ofNullable(observed);
  }

  /** {@link #observed()} without the {@code Optional}: null for none. For the in-memory store. */
  Attribute observedOrNull() {
    return observed;
  }

  /**
   * The touch applied to {@code current}: the same as ingesting the event into it. The result has
   * version {@code current.version() + 1}.
   *
   * @param current the profile now: the same id as {@link #base()}, holding every identifier
   * @throws IllegalArgumentException if {@code current} is another profile's, or lacks one of the
   *     identifiers (it was changed by something that is not a touch: read again)
   */
  public Profile applyTo(Profile current) {
    requireNonNull(current, "current");
    checkArgument(current.id().equals(base.id()), "touch of profile %s applied to profile %s", base.id(), current.id());
    Profile.Builder b = current.toBuilder();
    applyTo(b);
    return b.version(current.version() + 1).build();
  }

  /**
   * The touch applied to a builder (its version is left alone): what {@link #applyTo(Profile)}
   * does after {@code toBuilder()}.
   *
   * @throws IllegalArgumentException if the builder lacks one of the identifiers
   */
  public void applyTo(Profile.Builder current) {
    requireNonNull(current, "current");
    for (int i = 0; i < identifiers.size(); i++) {
      checkArgument(current.identifier(identifiers.get(i)).isPresent(),
          "profile %s lacks the %s identifier touched", current.id(), identifiers.get(i).type());
    }
    ProfileChanges.touch(current, at, active, source, identifiers, observed);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProfileTouch t
        && base.equals(t.base) && at.equals(t.at) && active == t.active && source.equals(t.source)
        && identifiers.equals(t.identifiers) && java.util.Objects.equals(observed, t.observed);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(base.id(), at, active, source, identifiers, observed);
  }

  @Override
  public String toString() {
    // Identifiers and attribute values are personal data: counts and names only.
    return "ProfileTouch{" + base.id() + " at " + at + (active ? ", active" : "") + ", " + identifiers.size()
        + " identifiers" + (observed == null ? "" : ", observes " + observed.name()) + "}";
  }
}
