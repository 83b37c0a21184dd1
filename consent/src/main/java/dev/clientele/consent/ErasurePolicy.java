package dev.clientele.consent;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.clientele.core.Identifier;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * How erasure (the right to be forgotten) leaves its tombstones and what a replay of an erased
 * person's old events does. Immutable; made by {@link #builder()}.
 *
 * <p>A tombstone is the HMAC-SHA-256 of the erased identifier ({@code type:value}, normalised)
 * under a secret salt: it proves an identifier was erased without saying which. The salt must be
 * the same for as long as the tombstones are kept: a host with persistent storage sets it from
 * its secret store; the default is a random salt, which suits the in-memory store (tombstones
 * live exactly as long as the data).
 *
 * <pre>{@code
 * ErasurePolicy policy = ErasurePolicy.builder()
 *     .salt(secrets.get("clientele-erasure-salt"))   // at least 16 bytes
 *     .replay(ErasurePolicy.Replay.BLOCK)
 *     .build();
 * }</pre>
 */
public final class ErasurePolicy {
  /** What an event carrying an erased identifier does. */
  public enum Replay {
    /** It is rejected and counted: the erased person stays erased (the default). */
    BLOCK,
    /** It is ingested like any new event, creating a new profile. */
    RECREATE
  }

  private final HashFunction hmac;
  private final Replay replay;
  private final boolean randomSalt;

  private ErasurePolicy(Builder b) {
    byte[] salt = b.salt;
    this.randomSalt = salt == null;
    if (salt == null) {
      salt = new byte[32];
      new SecureRandom().nextBytes(salt);
    }
    this.hmac = Hashing.hmacSha256(salt);
    this.replay = b.replay == null ? Replay.BLOCK : b.replay;
  }

  /** A random salt and {@link Replay#BLOCK}. */
  public static ErasurePolicy defaults() {
    return builder().build();
  }

  /** A builder; unset values take the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether the salt was drawn at random when the policy was built (no salt given). Such
   * tombstones only match within this process, so {@code Clientele} refuses a random salt on a
   * persistent storage backend.
   */
  public boolean hasRandomSalt() {
    return randomSalt;
  }

  /** What a replay of erased identifiers does. */
  public Replay replay() {
    return replay;
  }

  /** The tombstone hash of a (normalised) identifier: 64 hex digits. */
  public String tombstoneOf(Identifier identifier) {
    requireNonNull(identifier, "identifier");
    return hmac.hashString(identifier.type().name() + ":" + identifier.value(), StandardCharsets.UTF_8).toString();
  }

  /** Builds an {@link ErasurePolicy}; each setting may be set once. Not thread-safe. */
  public static final class Builder {
    private byte[] salt;
    private Replay replay;

    private Builder() {}

    /**
     * Sets the secret salt (copied).
     *
     * @throws IllegalArgumentException if shorter than 16 bytes
     * @throws IllegalStateException if already set
     */
    public Builder salt(byte[] value) {
      requireNonNull(value, "salt");
      checkState(salt == null, "salt was already set");
      checkArgument(value.length >= 16, "salt must be at least 16 bytes: %s", value.length);
      this.salt = value.clone();
      return this;
    }

    /**
     * Sets what a replay of erased identifiers does.
     *
     * @throws IllegalStateException if already set
     */
    public Builder replay(Replay value) {
      requireNonNull(value, "replay");
      checkState(replay == null, "replay was already set to %s", replay);
      this.replay = value;
      return this;
    }

    /** Builds the policy. */
    public ErasurePolicy build() {
      return new ErasurePolicy(this);
    }
  }
}
