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

/** {@link SegmentQueries#view}: delegates to a {@link Segments}, exposing nothing else of it. */
final class SegmentQueriesView implements SegmentQueries {
  private final Segments segments;

  SegmentQueriesView(Segments segments) {
    this.segments = segments;
  }

  @Override
  public SegmentConfig config() {
    return segments.config();
  }

  @Override
  public boolean matches(Segment segment, Profile profile, Instant asOf) {
    return segments.matches(segment, profile, asOf);
  }

  @Override
  public Predicate<Profile> matcher(Segment segment, Instant asOf) {
    return segments.matcher(segment, asOf);
  }

  @Override
  public Page<Profile> search(ProfileSearch search, Segment segment, Instant asOf) {
    return segments.search(search, segment, asOf);
  }

  @Override
  public long count(Segment segment, Instant asOf) {
    return segments.count(segment, asOf);
  }

  @Override
  public Stream<Profile> members(Segment segment, Instant asOf) {
    return segments.members(segment, asOf);
  }

  @Override
  public Set<String> memberships(ProfileId profile) {
    return segments.memberships(profile);
  }

  @Override
  public List<MembershipSpan> history(ProfileId profile) {
    return segments.history(profile);
  }

  @Override
  public Optional<Instant> addedOn(ProfileId profile, String segment) {
    return segments.addedOn(profile, segment);
  }

  @Override
  public RefreshResult refresh(Instant asOf) {
    return segments.refresh(asOf);
  }

  @Override
  public TriggerStats triggerStats() {
    return segments.triggerStats();
  }

  @Override
  public boolean awaitTriggers(Duration timeout) throws InterruptedException {
    return segments.awaitTriggers(timeout);
  }

  @Override
  public String toString() {
    return "SegmentQueries{" + segments.config() + "}";
  }
}
