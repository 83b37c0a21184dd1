package dev.clientele.segments;

import dev.clientele.core.Page;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.ProfileSearch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What a host asks of segments: evaluation of any segment, stored membership of the configured
 * ones, the scheduled {@link #refresh}, and the trigger counters. {@link Segments} implements
 * it; {@code Clientele.segments()} returns a view of its instance that is nothing else, so a host
 * holding it cannot close that instance's triggers or call the hooks by which ingestion keeps
 * memberships current ({@code onCommitted}, {@code onReshaped}, {@code onErased}): those belong
 * to whoever made the {@code Segments}.
 *
 * <pre>{@code
 * SegmentQueries segments = clientele.segments();
 * Segment sleepers = segments.config().segment("sleepers").orElseThrow();
 * long n = segments.count(sleepers, Instant.now());
 * Set<String> ann = segments.memberships(annId);
 * }</pre>
 */
public interface SegmentQueries {
  /** The configuration: defined segments, listeners, figure source, trigger queue settings. */
  SegmentConfig config();

  /** Whether {@code profile} belongs to {@code segment} as of {@code asOf}. */
  boolean matches(Segment segment, Profile profile, Instant asOf);

  /**
   * A test of membership in {@code segment} as of {@code asOf}, compiled once: use it to filter
   * many profiles (an export, a host's own scan). Safe for concurrent use.
   */
  Predicate<Profile> matcher(Segment segment, Instant asOf);

  /**
   * Search within a segment: the members of {@code segment} as of {@code asOf} that match the
   * search text, sorted and paged as {@link dev.clientele.core.ProfileQueries#search}.
   */
  Page<Profile> search(ProfileSearch search, Segment segment, Instant asOf);

  /** The number of members of {@code segment} as of {@code asOf}. */
  long count(Segment segment, Instant asOf);

  /**
   * The members of {@code segment} as of {@code asOf}, in profile id order, read lazily page by
   * page (memory bounded by one page). Close the stream when done.
   */
  Stream<Profile> members(Segment segment, Instant asOf);

  /**
   * The configured segments that {@code profile} is a current member of (stored membership): an
   * unmodifiable set.
   */
  Set<String> memberships(ProfileId profile);

  /**
   * Every stay of {@code profile} in the configured segments, current and past, oldest first:
   * an unmodifiable list.
   */
  List<MembershipSpan> history(ProfileId profile);

  /** When {@code profile} entered {@code segment}, if it is a current member (the "added on" date). */
  Optional<Instant> addedOn(ProfileId profile, String segment);

  /**
   * Re-evaluates every profile against every configured segment as of {@code asOf}, recording
   * transitions and firing triggers (see {@link Segments#refresh}).
   *
   * @throws IllegalStateException if the segments are closed
   */
  RefreshResult refresh(Instant asOf);

  /** Counts of transitions and listener calls. */
  TriggerStats triggerStats();

  /**
   * Waits until every queued transition has been delivered to its listeners (for tests and
   * orderly shutdown).
   *
   * @return whether the queue drained within {@code timeout}
   * @throws IllegalStateException if called from a listener (it would wait for itself)
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  boolean awaitTriggers(Duration timeout) throws InterruptedException;
}
