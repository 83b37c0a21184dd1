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
 * after every ingested event, allocates nothing. An enter or a leave finds the open span through
 * the positions kept for the profile's current segments, so its cost does not grow with the
 * profile's history (which keeps every span: a profile that flips in and out of a segment on every
 * event has as many spans as events). Memory: one small object per span and an {@code int} per
 * current segment; nothing is kept for profiles never in a segment.
 */
public final class InMemoryMembershipStore implements MembershipStore {
  /**
   * One profile's spans and its current segments, with the position in {@link #spans} of each
   * current segment's open span ({@link #positions}, in {@link #current}'s order, which is the
   * order they were entered in). A change makes what it needs first and then stores it, so a
   * failure part way (an out-of-memory error) leaves the entry as it was.
   */
  private static final class Entry {
    final List<MembershipSpan> spans = new ArrayList<>();
    volatile ImmutableSet<String> current = ImmutableSet.of();
    int[] positions = new int[0];

    /** Where {@code segment} is in {@link #current}, or -1: a scan of the current segments only. */
    int indexOf(String segment) {
      int i = 0;
      for (String s : current) {
        if (s.equals(segment)) {
          return i;
        }
        i++;
      }
      return -1;
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
      if (e.indexOf(segment) < 0) {
        MembershipSpan span = new MembershipSpan(segment, at, cause, Optional.empty(), Optional.empty());
        ImmutableSet<String> current = ImmutableSet.<String>builderWithExpectedSize(e.current.size() + 1)
            .addAll(e.current).add(segment).build();
        int[] positions = java.util.Arrays.copyOf(e.positions, e.positions.length + 1);
        positions[positions.length - 1] = e.spans.size();
        e.spans.add(span); // the last step that allocates: if it fails, nothing changed
        e.positions = positions;
        e.current = current;
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
      int at0 = e.indexOf(segment);
      if (at0 >= 0) {
        int position = e.positions[at0];
        count(1);
        MembershipSpan closedSpan = e.spans.get(position).leave(at, cause);
        ImmutableSet.Builder<String> rest = ImmutableSet.builderWithExpectedSize(e.current.size() - 1);
        for (String s : e.current) {
          if (!s.equals(segment)) {
            rest.add(s);
          }
        }
        ImmutableSet<String> current = rest.build();
        int[] positions = new int[e.positions.length - 1];
        System.arraycopy(e.positions, 0, positions, 0, at0);
        System.arraycopy(e.positions, at0 + 1, positions, at0, positions.length - at0);
        e.spans.set(position, closedSpan); // nothing allocates from here on
        e.positions = positions;
        e.current = current;
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
