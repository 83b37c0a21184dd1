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
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link MembershipStore}: a concurrent map from profile id to its spans. Each
 * profile's spans are changed under that profile's entry lock, so conditional writes are
 * atomic. Memory: one small object per span; nothing is kept for profiles never in a segment.
 */
public final class InMemoryMembershipStore implements MembershipStore {
  private final Map<ProfileId, List<MembershipSpan>> spans = new ConcurrentHashMap<>();

  /** An empty store. */
  public InMemoryMembershipStore() {}

  @Override
  public ImmutableSet<String> current(ProfileId profile) {
    requireNonNull(profile, "profile");
    ImmutableSet.Builder<String> out = ImmutableSet.builder();
    spans.computeIfPresent(profile, (k, list) -> {
      for (MembershipSpan s : list) {
        if (s.isCurrent()) {
          out.add(s.segment());
        }
      }
      return list;
    });
    return out.build();
  }

  @Override
  public boolean enter(ProfileId profile, String segment, Instant at, Optional<String> cause) {
    requireNonNull(profile, "profile");
    requireNonNull(segment, "segment");
    requireNonNull(at, "at");
    requireNonNull(cause, "cause");
    boolean[] opened = {false};
    spans.compute(profile, (k, list) -> {
      List<MembershipSpan> l = list == null ? new ArrayList<>() : list;
      if (indexOfCurrent(l, segment) < 0) {
        l.add(new MembershipSpan(segment, at, cause, Optional.empty(), Optional.empty()));
        opened[0] = true;
      }
      return l;
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
    spans.computeIfPresent(profile, (k, list) -> {
      int i = indexOfCurrent(list, segment);
      if (i >= 0) {
        list.set(i, list.get(i).leave(at, cause));
        closed[0] = true;
      }
      return list;
    });
    return closed[0];
  }

  @Override
  public ImmutableList<MembershipSpan> history(ProfileId profile) {
    requireNonNull(profile, "profile");
    ImmutableList.Builder<MembershipSpan> out = ImmutableList.builder();
    spans.computeIfPresent(profile, (k, list) -> {
      out.addAll(list);
      return list;
    });
    return out.build();
  }

  @Override
  public int forget(ProfileId profile) {
    requireNonNull(profile, "profile");
    List<MembershipSpan> removed = spans.remove(profile);
    return removed == null ? 0 : removed.size();
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
