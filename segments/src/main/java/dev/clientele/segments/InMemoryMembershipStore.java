package dev.clientele.segments;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link MembershipStore}: a concurrent map from profile id to its spans. Each
 * profile's spans are changed under that profile's entry lock, so conditional writes are
 * atomic; the set of current segments is kept beside the spans so that {@link #current}, called
 * after every ingested event, allocates nothing. Memory: one small object per span; nothing is
 * kept for profiles never in a segment.
 */
public final class InMemoryMembershipStore implements MembershipStore {
  /** One profile's spans and, derived from them, its current segments (replaced on every change). */
  private static final class Entry {
    final List<MembershipSpan> spans = new ArrayList<>();
    volatile ImmutableSet<String> current = ImmutableSet.of();

    void recompute() {
      ImmutableSet.Builder<String> b = ImmutableSet.builder();
      for (MembershipSpan s : spans) {
        if (s.isCurrent()) {
          b.add(s.segment());
        }
      }
      current = b.build();
    }
  }

  private final Map<ProfileId, Entry> spans = new ConcurrentHashMap<>();

  /** An empty store. */
  public InMemoryMembershipStore() {}

  @Override
  public Set<String> current(ProfileId profile) {
    requireNonNull(profile, "profile");
    Entry e = spans.get(profile);
    return e == null ? ImmutableSet.of() : e.current;
  }

  @Override
  public boolean enter(ProfileId profile, String segment, Instant at, Optional<String> cause) {
    requireNonNull(profile, "profile");
    requireNonNull(segment, "segment");
    requireNonNull(at, "at");
    requireNonNull(cause, "cause");
    boolean[] opened = {false};
    spans.compute(profile, (k, entry) -> {
      Entry e = entry == null ? new Entry() : entry;
      if (indexOfCurrent(e.spans, segment) < 0) {
        e.spans.add(new MembershipSpan(segment, at, cause, Optional.empty(), Optional.empty()));
        e.recompute();
        opened[0] = true;
      }
      return e;
    });
    return opened[0];
  }

  @Override
  public boolean leave(ProfileId profile, String segment, Instant at, Optional<String> cause) {
    requireNonNull(profile, "profile");
    requireNonNull(segment, "segment");
    requireNonNull(at, "at");
    requireNonNull(cause, "cause");
    boolean[] closed = {false};
    spans.computeIfPresent(profile, (k, e) -> {
      int i = indexOfCurrent(e.spans, segment);
      if (i >= 0) {
        e.spans.set(i, e.spans.get(i).leave(at, cause));
        e.recompute();
        closed[0] = true;
      }
      return e;
    });
    return closed[0];
  }

  @Override
  public List<MembershipSpan> history(ProfileId profile) {
    requireNonNull(profile, "profile");
    ImmutableList.Builder<MembershipSpan> out = ImmutableList.builder();
    spans.computeIfPresent(profile, (k, e) -> {
      out.addAll(e.spans);
      return e;
    });
    return out.build();
  }

  @Override
  public int forget(ProfileId profile) {
    requireNonNull(profile, "profile");
    Entry removed = spans.remove(profile);
    return removed == null ? 0 : removed.spans.size();
  }

  /** {@inheritDoc} Iterates the map's keys (weakly consistent). */
  @Override
  public void forEachProfile(java.util.function.Consumer<ProfileId> action) {
    requireNonNull(action, "action");
    for (ProfileId id : spans.keySet()) {
      action.accept(id);
    }
  }

  private static int indexOfCurrent(List<MembershipSpan> list, String segment) {
    for (int i = list.size() - 1; i >= 0; i--) {
      MembershipSpan s = list.get(i);
      if (s.isCurrent() && s.segment().equals(segment)) {
        return i;
      }
    }
    return -1;
  }
}
