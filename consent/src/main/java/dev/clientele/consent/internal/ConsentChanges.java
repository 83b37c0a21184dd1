package dev.clientele.consent.internal;

import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Event;
import dev.clientele.core.EventData;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.Profile;
import dev.clientele.core.UndeliverableReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Applies {@code consent}, {@code reachability}, {@code list} and {@code compliance} events to a
 * profile under construction. Not API: used by the ingest pipeline.
 *
 * <p>Every rule is order-independent: a change applies only if it is at least as recent as the
 * state it replaces; on equal times the more restrictive value wins (opt-out over opt-in,
 * undeliverable over deliverable, unsubscribe over subscribe, CCPA opt-out over opt-in). One
 * exception: once a profile is subscribed to {@link Profile#MAX_LISTS} lists, which further lists
 * it may subscribe to depends on the order the events arrive in (the first to arrive are kept), as
 * with {@link Profile#MAX_ATTRIBUTES}. An unsubscribe from a list the profile is not on is still
 * recorded up to twice that many lists (so that a merge with a profile subscribed to it keeps the
 * opt-out); only past that is it refused too, and never in a replay of stored events.
 */
public final class ConsentChanges {
  /**
   * How many lists an unsubscribe from a list the profile is not on may take a profile to (twice
   * {@link Profile#MAX_LISTS}): an opt-out is kept past the subscription cap, since a merge with a
   * profile subscribed to that list must find it, but invented names still cannot grow a profile
   * without bound.
   */
  static final int LISTS_WITH_OPT_OUTS = 2 * Profile.MAX_LISTS;

  private ConsentChanges() {}

  /**
   * Applies {@code event} if it is one of the four types; does nothing for other types.
   *
   * @param profile the profile being built; its identifiers already include {@code identifiers}
   * @param event the event, identifiers normalised
   * @param identifiers the event's identifiers held by the profile
   * @param problems receives what was not applied and why (no personal data)
   */
  public static void apply(Profile.Builder profile, Event event, Collection<Identifier> identifiers, List<String> problems) {
    apply(profile, event, identifiers, problems, false);
  }

  /**
   * {@link #apply(Profile.Builder, Event, Collection, List)} for a replay of stored events (a
   * split rebuilding each side, an erasure rebuilding what others keep): with {@code
   * optOutsUncapped}, an unsubscribe is applied whatever the number of lists, so that a replay,
   * which applies events in time order rather than in the order they arrived, never drops an
   * opt-out that ingestion kept (its list count is bounded by the stored events).
   */
  public static void apply(
      Profile.Builder profile, Event event, Collection<Identifier> identifiers, List<String> problems, boolean optOutsUncapped) {
    switch (event.type()) {
      case "consent" -> consent(profile, event, identifiers, problems);
      case "reachability" -> reachability(profile, event, identifiers, problems);
      case "list" -> list(profile, event, problems, optOutsUncapped);
      case "compliance" -> compliance(profile, event, problems);
      default -> { }
    }
  }

  private static void consent(Profile.Builder profile, Event event, Collection<Identifier> identifiers, List<String> problems) {
    Consent value;
    switch (event.action()) {
      case "opt_in" -> value = Consent.OPT_IN;
      case "opt_out" -> value = Consent.OPT_OUT;
      case "reset" -> value = Consent.UNKNOWN;
      default -> {
        problems.add("unknown consent action in event " + event.id() + ": " + event.action());
        return;
      }
    }
    Optional<List<Identifier>> targets = messagingTargets(event, identifiers);
    if (targets.isEmpty()) {
      problems.add("event " + event.id() + " names an unknown channel (expected email, sms or push)");
      return;
    }
    Instant at = event.timestamp();
    int changed = 0;
    for (Identifier id : targets.get()) {
      IdentifierState s = profile.identifier(id).orElseThrow();
      changed++;
      if (s.consentAt().isEmpty()
          || at.isAfter(s.consentAt().get())
          || (at.equals(s.consentAt().get()) && value.mostRestrictive(s.consent()) == value)) {
        profile.putIdentifier(s.withConsent(value, at));
      }
    }
    if (changed == 0) {
      problems.add("consent event " + event.id() + " names no messaging identifier"
          + EventData.string(event.data(), "channel").map(c -> " for " + c.toLowerCase(java.util.Locale.ROOT)).orElse(""));
    }
  }

  private static void reachability(Profile.Builder profile, Event event, Collection<Identifier> identifiers, List<String> problems) {
    Optional<UndeliverableReason> reason;
    switch (event.action()) {
      case "hard_bounce" -> reason = Optional.of(UndeliverableReason.HARD_BOUNCE);
      case "complaint" -> reason = Optional.of(UndeliverableReason.COMPLAINT);
      case "invalid" -> reason = Optional.of(UndeliverableReason.INVALID);
      case "deliverable" -> reason = Optional.empty();
      default -> {
        problems.add("unknown reachability action in event " + event.id() + ": " + event.action());
        return;
      }
    }
    Optional<List<Identifier>> targets = messagingTargets(event, identifiers);
    if (targets.isEmpty()) {
      problems.add("event " + event.id() + " names an unknown channel (expected email, sms or push)");
      return;
    }
    Instant at = event.timestamp();
    int changed = 0;
    for (Identifier id : targets.get()) {
      changed++;
      IdentifierState s = profile.identifier(id).orElseThrow();
      Deliverability d = s.deliverability();
      if (d.reason().filter(r -> r == UndeliverableReason.MALFORMED).isPresent()) {
        continue; // a malformed value stays malformed whatever a provider says
      }
      boolean newer = d.since().isEmpty() || at.isAfter(d.since().get());
      // On equal times undeliverable beats deliverable, and of two reasons the greater one wins,
      // so the outcome does not depend on which of the two events is applied first.
      boolean tieWins = d.since().isPresent() && at.equals(d.since().get()) && reason.isPresent()
          && (d.reason().isEmpty() || reason.get().compareTo(d.reason().get()) > 0);
      if (newer || tieWins) {
        profile.putIdentifier(
            s.withDeliverability(reason.map(r -> Deliverability.undeliverable(r, at)).orElseGet(() -> Deliverability.deliverableSince(at))));
      }
    }
    if (changed == 0) {
      problems.add("reachability event " + event.id() + " names no messaging identifier");
    }
  }

  private static void list(Profile.Builder profile, Event event, List<String> problems, boolean optOutsUncapped) {
    boolean subscribe;
    switch (event.action()) {
      case "subscribe" -> subscribe = true;
      case "unsubscribe" -> subscribe = false;
      default -> {
        problems.add("unknown list action in event " + event.id() + ": " + event.action());
        return;
      }
    }
    Optional<String> list = EventData.string(event.data(), "list");
    if (list.isEmpty()) {
      problems.add("list event " + event.id() + " has no data.list");
      return;
    }
    ListSubscription current = profile.lists().get(list.get());
    int reached = 0; // the cap this event would pass, if any
    if (subscribe) {
      if ((current == null || !current.subscribed()) && subscribed(profile) >= Profile.MAX_LISTS) {
        reached = Profile.MAX_LISTS; // a new subscription (to a new list, or again to one left)
      } else if (current == null && profile.lists().size() >= LISTS_WITH_OPT_OUTS) {
        reached = LISTS_WITH_OPT_OUTS;
      }
    } else if (current == null && !optOutsUncapped && profile.lists().size() >= LISTS_WITH_OPT_OUTS) {
      reached = LISTS_WITH_OPT_OUTS;
    }
    if (reached > 0) {
      problems.add("list event " + event.id() + " rejected: the profile holds the maximum of " + reached + " lists");
      return;
    }
    try {
      profile.putList(ListSubscription.apply(Optional.ofNullable(current), list.get(), subscribe, event.timestamp()));
    } catch (IllegalArgumentException e) {
      problems.add("list event " + event.id() + " rejected: " + e.getMessage());
    }
  }

  /** How many lists the profile is subscribed to now (asked by list events only, of at most a few thousand lists). */
  private static int subscribed(Profile.Builder profile) {
    int n = 0;
    for (ListSubscription l : profile.lists().values()) {
      if (l.subscribed()) {
        n++;
      }
    }
    return n;
  }

  private static void compliance(Profile.Builder profile, Event event, List<String> problems) {
    Instant at = event.timestamp();
    switch (event.action()) {
      case "ccpa_opt_out" -> profile.ccpa(Optional.of(latest(profile.ccpaOptOutAt(), at)), profile.ccpaOptInAt());
      case "ccpa_opt_in" -> profile.ccpa(profile.ccpaOptOutAt(), Optional.of(latest(profile.ccpaOptInAt(), at)));
      case "gdpr_delete" -> problems.add(
          "gdpr_delete in event " + event.id() + " was not applied here: erasure belongs to the ingest pipeline"
              + " (Clientele erases the profile and does not store the event)");
      default -> problems.add("unknown compliance action in event " + event.id() + ": " + event.action());
    }
  }

  private static Instant latest(Optional<Instant> current, Instant at) {
    return current.filter(c -> c.isAfter(at)).orElse(at);
  }

  /**
   * The identifiers a consent or reachability event applies to: its messaging identifiers, or
   * only those of the channel named in {@code data.channel}; empty when that names no channel.
   */
  public static Optional<List<Identifier>> messagingTargets(Event event, Collection<Identifier> identifiers) {
    IdentifierType only = null; // any messaging type
    if (event.data().containsKey("channel")) {
      Optional<Channel> channel = EventData.string(event.data(), "channel").flatMap(Channel::fromKey);
      if (channel.isEmpty()) {
        return Optional.empty();
      }
      only = channel.get().identifierType();
    }
    // A loop, not a stream: called for every consent and reachability event, mostly with one
    // identifier, which gives a one-element list without a builder.
    Identifier first = null;
    List<Identifier> more = null;
    for (Identifier id : identifiers) {
      if (id.type().isMessaging() && (only == null || only.equals(id.type()))) {
        if (first == null) {
          first = id;
        } else {
          if (more == null) {
            more = new ArrayList<>();
            more.add(first);
          }
          more.add(id);
        }
      }
    }
    return Optional.of(more != null ? List.copyOf(more) : first != null ? List.of(first) : List.of());
  }

}
