package dev.clientele.core.spi;

import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads profiles. Writes go through {@link Storage#commit(Commit)}.
 *
 * <p>Implementations must be safe for concurrent use. Each method sees only whole commits:
 * never a profile from a commit that is still being applied or that failed.
 */
public interface ProfileStore {
  /** The profile with this id, or empty if there is none (never was, merged away, or erased). */
  Optional<Profile> profile(ProfileId id);

  /**
   * Up to {@code limit} profiles with ids greater than {@code after} (all, when empty), in id
   * order: exactly {@code limit} unless fewer such profiles exist, whatever the limit (a backend
   * must not cap its pages), because a page shorter than {@code limit} is the last one: callers
   * stop there ({@link #forEachProfile} does). Paging with the last id of one page as {@code
   * after} of the next visits every profile that exists throughout the scan exactly once,
   * whatever commits happen meanwhile.
   *
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  List<Profile> profiles(Optional<ProfileId> after, int limit);

  /** The number of profiles. */
  long profileCount();

  /**
   * Visits every profile in id order by paging through {@link #profiles(Optional, int)}, so
   * memory stays bounded whatever the store's size. A profile that exists throughout the visit
   * is visited exactly once.
   */
  default void forEachProfile(Consumer<? super Profile> action) {
    java.util.Objects.requireNonNull(action, "action");
    int pageSize = 1024;
    Optional<ProfileId> after = Optional.empty();
    while (true) {
      List<Profile> page = profiles(after, pageSize);
      page.forEach(action);
      if (page.size() < pageSize) {
        return;
      }
      after = Optional.of(page.get(page.size() - 1).id());
    }
  }
}
