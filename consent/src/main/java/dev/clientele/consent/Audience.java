package dev.clientele.consent;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.Channel;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.Profile;
import dev.clientele.core.spi.ProfileStore;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Audience counts and mailing-list sync over a profile store, in one pass, page by page.
 *
 * <pre>{@code
 * AudienceCounts counts = new Audience(storage, ReachabilityPolicy.defaults()).count();
 * new Audience(storage, policy).forEachSyncable(Channel.EMAIL, "newsletter", p -> newsletter.add(p));
 * }</pre>
 */
public final class Audience {
  private final ProfileStore profiles;
  private final ReachabilityEvaluator evaluator;

  /** Counts over {@code profiles} under {@code policy}. */
  public Audience(ProfileStore profiles, ReachabilityPolicy policy) {
    this.profiles = requireNonNull(profiles, "profiles");
    this.evaluator = new ReachabilityEvaluator(requireNonNull(policy, "policy"));
  }

  /** Counts every profile. */
  public AudienceCounts count() {
    long[] totals = new long[2]; // total, reachable on any channel
    long[] reachable = new long[Channel.values().length];
    profiles.forEachProfile(p -> {
      totals[0]++;
      boolean onAny = false;
      for (Channel c : Channel.values()) {
        if (evaluator.isReachable(p, c)) {
          reachable[c.ordinal()]++;
          onAny = true;
        }
      }
      if (onAny) {
        totals[1]++;
      }
    });
    long total = totals[0];
    Map<Channel, AudienceCounts.ChannelCount> channels = new EnumMap<>(Channel.class);
    for (Channel c : Channel.values()) {
      channels.put(c, new AudienceCounts.ChannelCount(reachable[c.ordinal()], total - reachable[c.ordinal()]));
    }
    return new AudienceCounts(total, channels, totals[1]);
  }

  /**
   * Passes to {@code action} every profile that may be synced to an external mailing list for
   * {@code channel}: exactly those consented there, i.e. reachable under the policy (with the
   * default policy, unknown consent counts as implicit consent on email and push, not on sms).
   *
   * <p>This does not look at list subscriptions: to sync one named list, use {@link
   * #forEachSyncable(Channel, String, Consumer)}, which also leaves out everyone not subscribed to
   * it (an unsubscribe from the list must stop the sync even when the channel's consent allows
   * marketing).
   *
   * @return how many profiles passed
   */
  public long forEachSyncable(Channel channel, Consumer<Profile> action) {
    requireNonNull(channel, "channel");
    requireNonNull(action, "action");
    return forEachWhere(p -> evaluator.isReachable(p, channel), action);
  }

  /**
   * Passes to {@code action} every profile that may be synced to the external mailing list
   * {@code list} on {@code channel}: reachable there under the policy (as {@link
   * #forEachSyncable(Channel, Consumer)}) <em>and</em> currently subscribed to {@code list}
   * ({@link Profile#lists()}; a profile that unsubscribed, or never subscribed, is left out).
   *
   * <pre>{@code
   * audience.forEachSyncable(Channel.EMAIL, "newsletter", p -> newsletter.upsert(p));
   * }</pre>
   *
   * @return how many profiles passed
   * @throws IllegalArgumentException if {@code list} is blank
   */
  public long forEachSyncable(Channel channel, String list, Consumer<Profile> action) {
    requireNonNull(channel, "channel");
    requireNonNull(list, "list");
    requireNonNull(action, "action");
    checkArgument(!list.isBlank(), "list must not be blank");
    return forEachWhere(p -> {
      ListSubscription s = p.lists().get(list);
      return s != null && s.subscribed() && evaluator.isReachable(p, channel);
    }, action);
  }

  private long forEachWhere(Predicate<Profile> syncable, Consumer<Profile> action) {
    long[] n = {0};
    profiles.forEachProfile(p -> {
      if (syncable.test(p)) {
        action.accept(p);
        n[0]++;
      }
    });
    return n[0];
  }
}
