package dev.clientele.segments;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link MembershipStore}: a concurrent map from profile id to its spans. Each
 * profile's spans are changed under that profile's entry lock, so conditional writes are
 * atomic; the set of current segments is kept beside the spans so that {@link #current}, called
 * after every ingested event, allocates nothing. An enter or a leave finds the open span through a
 * map of the profile's current segments, so its cost does not grow with the profile's history
 * (which keeps every span: a profile that flips in and out of a segment on every event has as many
 * spans as events). Memory: one small object per span and a map entry per current segment;
 * nothing is kept for profiles never in a segment.
 */
public final class InMemoryMembershipStore implements MembershipStore {
  /** One profile's spans and, derived from them, its current segments (replaced on every change). */
  private static final class Entry {
    final List<MembershipSpan> spans = new ArrayList<>();
    /**
     * The position in {@link #spans} of each current segment's open span, in the order they were
     * entered (the order of their spans): the current segments without reading the history.
     */
    final Map<String, Integer> open = new LinkedHashMap<>();
    volatile ImmutableSet<String> current = ImmutableSet.of();

    /** Publishes {@link #open}'s segments as {@link #current}: work in the current segments only. */
    void recompute() {
      current = ImmutableSet.copyOf(open.keySet());
    }
  }

  /**
   * For tests only: when set, {@link #enter} and {@link #leave} add the number of spans they read
   * (the work they did, which must not grow with a profile's history); null (the default) counts
   * nothing.
   */
  java.util.concurrent.atomic.LongAdder spansRead;

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
      if (!e.open.containsKey(segment)) {
        e.spans.add(new MembershipSpan(segment, at, cause, Optional.empty(), Optional.empty()));
        e.open.put(segment, e.spans.size() - 1);
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
      Integer i = e.open.get(segment);
      if (i != null) {
        count(1);
        e.spans.set(i, e.spans.get(i).leave(at, cause));
        e.open.remove(segment);
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

  private void count(int read) {
    java.util.concurrent.atomic.LongAdder counter = spansRead;
    if (counter != null) {
      counter.add(read);
    }
  }
}
