package dev.clientele.segments;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.Optional;

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
 * </ul>
 */
public interface MembershipStore {
  /** The names of the segments {@code profile} is a current member of. */
  ImmutableSet<String> current(ProfileId profile);

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

  /** Every span of {@code profile}, current and closed, in the order they were opened. */
  ImmutableList<MembershipSpan> history(ProfileId profile);

  /** Erases every span of {@code profile}; returns how many were erased. */
  int forget(ProfileId profile);
}
