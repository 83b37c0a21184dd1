package dev.clientele.segments;

import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where segment memberships over time are kept, per profile: the SPI a storage backend
 * implements. {@link InMemoryMembershipStore} is the embedded default.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Conditional writes.</b> {@link #enter} opens a span only if the profile is not a
 *       current member, {@link #leave} closes one only if it is; each returns whether it
 *       changed anything, atomically. Triggers fire only for {@code true}, which is what makes
 *       each transition recorded, and queued for listeners, by exactly one caller even when two
 *       nodes evaluate the same profile (so never delivered twice; see {@link SegmentListener}
 *       for when a delivery can be lost).
 *   <li><b>History.</b> Spans are never rewritten except to close them; a profile's history
 *       lists them in the order they were opened.
 *   <li><b>Erasure.</b> {@link #forget} removes every span of a profile, irreversibly.
 *   <li><b>Concurrency.</b> All methods may be called from any number of threads at once.
 *   <li><b>Null arguments.</b> Every method throws {@link NullPointerException} whose message
 *       names the argument when one is null (an absent {@code cause} is {@code Optional.empty()}),
 *       and returns no null; the conformance kit checks it.
 *   <li><b>Reads.</b> {@link #current} and {@link #history} return unmodifiable snapshots; the
 *       conformance kit checks it.
 * </ul>
 */
public interface MembershipStore {
  /**
   * The names of the segments {@code profile} is a current member of: an unmodifiable set, a
   * snapshot that later writes do not change.
   */
  Set<String> current(ProfileId profile);

  /**
   * Opens a span of {@code profile} in {@code segment} at {@code at}, unless it is a current
   * member already.
   *
   * @param cause the id of the event that caused the entry, if any
   * @return whether a span was opened
   */
  boolean enter(ProfileId profile, String segment, Instant at, Optional<String> cause);

  /**
   * Closes the current span of {@code profile} in {@code segment} at {@code at}, if there is one.
   *
   * @param cause the id of the event that caused the leave, if any
   * @return whether a span was closed
   */
  boolean leave(ProfileId profile, String segment, Instant at, Optional<String> cause);

  /**
   * Every span of {@code profile}, current and closed: an unmodifiable list, in the order they
   * were opened, a snapshot that later writes do not change.
   */
  List<MembershipSpan> history(ProfileId profile);

  /** Erases every span of {@code profile}; returns how many were erased. */
  int forget(ProfileId profile);

  /**
   * Calls {@code action} once for each profile that has a span, current or closed (weakly
   * consistent: profiles entered or forgotten meanwhile may or may not be seen). {@link
   * Segments#refresh} uses it to find the memberships of profiles that no longer exist: a
   * process that dies between a merge's or an erasure's commit and its membership writes leaves
   * the merged-away profile a current member, or the erased profile's history behind, and no
   * later event names that profile. The action may write to this store (it leaves and forgets).
   *
   * <p>The default does nothing, so a store that does not override it is not swept: its
   * leftovers from such a kill stay. (Added after the first release; the conformance kit checks
   * the stores that override it.)
   */
  default void forEachProfile(java.util.function.Consumer<ProfileId> action) {
    java.util.Objects.requireNonNull(action, "action");
  }
}
