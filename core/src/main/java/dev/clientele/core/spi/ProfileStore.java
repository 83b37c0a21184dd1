package dev.clientele.core.spi;

import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.util.List;
import java.util.Optional;

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
   * order. Paging with the last id of one page as {@code after} of the next visits every profile
   * that exists throughout the scan exactly once, whatever commits happen meanwhile.
   *
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  List<Profile> profiles(Optional<ProfileId> after, int limit);

  /** The number of profiles. */
  long profileCount();
}
