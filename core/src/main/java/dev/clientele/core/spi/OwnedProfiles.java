package dev.clientele.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The answer of {@link Storage#ownedProfiles}: the owners of some identifiers and the owners'
 * profiles, read together. Immutable.
 *
 * <pre>{@code
 * OwnedProfiles read = storage.ownedProfiles(List.of(email, phone));
 * for (Map.Entry<Identifier, ProfileId> e : read.owners().entrySet()) {
 *   Profile owner = read.profile(e.getValue()).orElseThrow(); // or retry: deleted meanwhile
 * }
 * }</pre>
 */
public final class OwnedProfiles {
  private static final OwnedProfiles NONE = new OwnedProfiles(Map.of(), Map.of());

  private final Map<Identifier, ProfileId> owners;
  private final Map<ProfileId, Profile> profiles;

  private OwnedProfiles(Map<Identifier, ProfileId> owners, Map<ProfileId, Profile> profiles) {
    this.owners = owners;
    this.profiles = profiles;
  }

  /** No identifier owned. */
  public static OwnedProfiles none() {
    return NONE;
  }

  /**
   * The owners and the profiles given, copied.
   *
   * @param owners the owner of each identifier that has one
   * @param profiles profiles by id; each is the profile of one of the {@code owners}' values
   * @throws IllegalArgumentException if a profile is filed under another id, or is not the
   *     profile of any owner
   */
  public static OwnedProfiles of(Map<Identifier, ProfileId> owners, Map<ProfileId, Profile> profiles) {
    requireNonNull(owners, "owners");
    requireNonNull(profiles, "profiles");
    Map<Identifier, ProfileId> o = new LinkedHashMap<>();
    owners.forEach((k, v) -> o.put(requireNonNull(k, "identifier"), requireNonNull(v, "owner")));
    Set<ProfileId> ownerIds = new HashSet<>(o.values());
    Map<ProfileId, Profile> p = new LinkedHashMap<>();
    profiles.forEach((k, v) -> {
      requireNonNull(k, "profile id");
      requireNonNull(v, "profile");
      checkArgument(k.equals(v.id()), "profile %s is filed under id %s", v.id(), k);
      checkArgument(ownerIds.contains(k), "profile %s owns none of the identifiers", k);
      p.put(k, v);
    });
    return new OwnedProfiles(Collections.unmodifiableMap(o), Collections.unmodifiableMap(p));
  }

  /**
   * Wraps maps built by a store without copying them (they are unmodifiable already); the
   * caller hands them over and adds nothing afterwards.
   */
  static OwnedProfiles handOver(SmallMap<Identifier, ProfileId> owners, Map<ProfileId, Profile> profiles) {
    return owners.isEmpty() ? NONE : new OwnedProfiles(owners, profiles);
  }

  /** The owner of each identifier asked about that has one (unmodifiable). */
  public Map<Identifier, ProfileId> owners() {
    return owners;
  }

  /**
   * The profiles of the owners, by id (unmodifiable). An owner without a profile here has none
   * in the state read, or (with the default {@link Storage#ownedProfiles}) it was deleted between
   * the two reads.
   */
  public Map<ProfileId, Profile> profiles() {
    return profiles;
  }

  /** The profile with this id, if it was read. */
  public Optional<Profile> profile(ProfileId id) {
    return Optional.ofNullable(profiles.get(requireNonNull(id, "id")));
  }

  /** The first owner (in {@link #owners()} order) whose profile is missing, if any. */
  public Optional<ProfileId> missingProfile() {
    for (ProfileId owner : owners.values()) {
      if (!profiles.containsKey(owner)) {
        return Optional.of(owner);
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OwnedProfiles other && owners.equals(other.owners) && profiles.equals(other.profiles);
  }

  @Override
  public int hashCode() {
    return 31 * owners.hashCode() + profiles.hashCode();
  }

  @Override
  public String toString() {
    // Identifiers are personal data: show only their count and the profile ids.
    return "OwnedProfiles{" + owners.size() + " identifiers owned by " + new java.util.TreeSet<>(owners.values())
        + ", profiles read " + new java.util.TreeSet<>(profiles.keySet()) + "}";
  }
}
