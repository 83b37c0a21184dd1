package dev.clientele.consent.internal;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a split carries over from one side to another: the one rule, shared by the split itself,
 * the consent ledger and the replay of profiles over time, so that they cannot disagree. Not API.
 *
 * <p>An event is stored under one identifier (its anchor) and is on the timeline of that
 * identifier's profile only. While two profiles were merged, an event could carry identifiers of
 * both; after the split it stays on its anchor's side. What it said about the identifiers of the
 * other side must not be lost (an opt-out or a bounce would silently vanish), so for those
 * identifiers it still counts, at its own time: its consent and deliverability changes of them,
 * and of its customer-wide changes only the restrictive ones (a CCPA opt-out, a list unsubscribe),
 * since it is not known which person they came from. It is no sighting and sets no attribute
 * there (until an operator's forced merge joins the sides again: then it is on the joined
 * profile's timeline again and counts in full).
 *
 * <p>Which events: those anchored at an identifier the profile does not hold, that a split record
 * naming one of the profile's identifiers holds (any part of it), and that carry identifiers the
 * profile holds. Ingestion stores an event with only the identifiers applied to its profile, so
 * an event anchored elsewhere that carries one of this profile's identifiers was stored while the
 * two were one profile, and the split that separated them holds both: the split records find all
 * of them, also after later merges, a second split, or several splits in a row. Deterministic:
 * the result depends only on the stored events and the merge log.
 *
 * <p>Erasure ({@code Erasure}) keeps this working: it erases the split records naming the erased
 * profile, but logs in place of each a split record between the people of it who remain (without
 * the erased profile and values), through which they still find what the split carried over
 * between them. An event stored under an erased identifier that carries another person's
 * identifiers was, by this rule, the erased person's: it is erased with them, unless it
 * {@linkplain #appliesAcrossSides applies across sides}. Such an event moves to that person's
 * identifier, with no data but its channel, list and (consent) method, and is then on their
 * timeline, so erasure applies it to their stored profile as ingestion would (its sighting and
 * count; its consent change they had already); it carries a third person's identifiers still,
 * and is carried over to that person by this rule. Every other one (an {@code identify}, an
 * {@code order}, a page view, a CCPA opt-in, a list subscribe) is erased: moving it would copy
 * the erased person's data to another profile, or make another person's consent less restrictive
 * (consent conflicts resolve to the most restrictive value). So the stored profiles, the consent
 * ledgers and the replays of profiles over time agree after any merges, splits and erasures.
 */
public final class SplitCarryOver {
  private SplitCarryOver() {}

  /**
   * An event anchored on another side of a split that still changes identifiers of this side.
   *
   * @param event the stored event (its identifiers as stored, of both sides)
   * @param anchor the identifier it is stored under (held on another side)
   * @param identifiers the event's identifiers this side holds, in the event's order (a replay may
   *     pass the part of them it has seen so far)
   */
  public record Carried(Event event, Identifier anchor, List<Identifier> identifiers) {
    /** Validates and copies. */
    public Carried {
      requireNonNull(event, "event");
      requireNonNull(anchor, "anchor");
      identifiers = List.copyOf(identifiers);
    }

    /** The event with only this side's identifiers, as this side's ledger and replay see it. */
    public Event asSeenHere() {
      return identifiers.size() == event.identifiers().size() ? event : event.withIdentifiers(identifiers);
    }
  }

  /**
   * Whether {@code event}, anchored on another side of a split, still changes the identifiers it
   * carries on this side: consent and deliverability changes, a CCPA opt-out, a list unsubscribe.
   */
  public static boolean appliesAcrossSides(Event event) {
    requireNonNull(event, "event");
    return switch (event.type()) {
      case "consent", "reachability" -> true;
      case "compliance" -> event.action().equals("ccpa_opt_out");
      case "list" -> event.action().equals("unsubscribe");
      default -> false;
    };
  }

  /**
   * The events carried over to a profile holding {@code held}, in timeline order, found through
   * the split records naming those identifiers ({@link Storage#splitsNaming}).
   */
  public static List<Carried> find(Storage storage, Set<Identifier> held) {
    requireNonNull(storage, "storage");
    requireNonNull(held, "held");
    return find(storage, held, storage.splitsNaming(held), List.of());
  }

  /**
   * The events carried over to a profile holding {@code held}, in timeline order: those of
   * {@link #crossing} that {@linkplain #appliesAcrossSides apply across sides}.
   *
   * @param storage where the events are
   * @param held the identifiers of the profile
   * @param splits the split records naming any of {@code held} (others are ignored)
   * @param elsewhere identifiers of the other sides of a split not recorded yet (the split being
   *     committed); may be empty
   */
  public static List<Carried> find(
      Storage storage, Set<Identifier> held, Collection<MergeRecord> splits, Collection<Identifier> elsewhere) {
    List<Carried> crossing = crossing(storage, held, splits, elsewhere);
    List<Carried> out = new ArrayList<>(crossing.size());
    for (Carried c : crossing) {
      if (appliesAcrossSides(c.event())) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Every event, of any type, anchored on another side of a split (see the class comment) that
   * carries identifiers of {@code held}, in timeline order. Those that do not
   * {@linkplain #appliesAcrossSides apply across sides} change nothing here; they are no
   * sighting either (a split rebuilds the last-seen times of each side from its own events).
   *
   * @param storage where the events are
   * @param held the identifiers of the profile
   * @param splits the split records naming any of {@code held} (others are ignored)
   * @param elsewhere identifiers of the other sides of a split not recorded yet (the split being
   *     committed); may be empty
   */
  public static List<Carried> crossing(
      Storage storage, Set<Identifier> held, Collection<MergeRecord> splits, Collection<Identifier> elsewhere) {
    requireNonNull(storage, "storage");
    requireNonNull(held, "held");
    requireNonNull(splits, "splits");
    requireNonNull(elsewhere, "elsewhere");
    Set<Identifier> anchors = new TreeSet<>(); // sorted: the same query whatever the record order
    for (Identifier i : elsewhere) {
      if (!held.contains(i)) {
        anchors.add(i);
      }
    }
    for (MergeRecord split : splits) {
      if (split.kind() != MergeRecord.Kind.SPLIT || !namesAny(split, held)) {
        continue;
      }
      for (Identifier i : split.links()) {
        if (!held.contains(i)) {
          anchors.add(i);
        }
      }
      for (MergeRecord.Side side : split.sides()) {
        for (Identifier i : side.identifiers()) {
          if (!held.contains(i)) {
            anchors.add(i);
          }
        }
      }
    }
    if (anchors.isEmpty()) {
      return List.of();
    }
    List<Carried> out = new ArrayList<>();
    for (StoredEvent stored : storage.events(anchors)) {
      Event e = stored.event();
      if (held.contains(stored.anchor())) {
        continue;
      }
      List<Identifier> mine = null;
      for (Identifier i : e.identifiers()) {
        if (held.contains(i)) {
          if (mine == null) {
            mine = new ArrayList<>(2);
          }
          mine.add(i);
        }
      }
      if (mine != null) {
        out.add(new Carried(e, stored.anchor(), mine));
      }
    }
    return out;
  }

  /**
   * Applies what {@code carried} changes on this side to {@code profile}, whose identifiers
   * include {@code carried.identifiers()}: the same rules as ingestion ({@link ConsentChanges}),
   * which are order-independent, so the result does not depend on when it is applied.
   */
  public static void apply(Profile.Builder profile, Carried carried, List<String> problems) {
    requireNonNull(profile, "profile");
    requireNonNull(carried, "carried");
    requireNonNull(problems, "problems");
    ConsentChanges.apply(profile, carried.event(), carried.identifiers(), problems, true); // carried opt-outs are never capped
  }

  /**
   * The split records of {@code storage} by the identifiers they hold, read in one pass over the
   * merge log: for many profiles at once (a replay of every profile), instead of one
   * {@link Storage#splitsNaming} read per profile.
   */
  public static Map<Identifier, List<MergeRecord>> splitsByIdentifier(Storage storage) {
    requireNonNull(storage, "storage");
    Map<Identifier, List<MergeRecord>> out = new HashMap<>();
    storage.forEachMergeRecord(r -> {
      if (r.kind() != MergeRecord.Kind.SPLIT) {
        return;
      }
      Set<Identifier> all = new LinkedHashSet<>(r.links());
      r.sides().forEach(s -> all.addAll(s.identifiers()));
      all.forEach(i -> out.computeIfAbsent(i, k -> new ArrayList<>(1)).add(r));
    });
    return out;
  }

  /** The records of {@code index} ({@link #splitsByIdentifier}) naming any of {@code held}, each once. */
  public static Collection<MergeRecord> splitsNaming(Map<Identifier, List<MergeRecord>> index, Set<Identifier> held) {
    requireNonNull(index, "index");
    requireNonNull(held, "held");
    if (index.isEmpty()) {
      return List.of();
    }
    Map<String, MergeRecord> found = new HashMap<>();
    for (Identifier i : held) {
      for (MergeRecord r : index.getOrDefault(i, List.of())) {
        found.putIfAbsent(r.id(), r);
      }
    }
    return found.values();
  }

  private static boolean namesAny(MergeRecord split, Set<Identifier> held) {
    for (Identifier i : split.links()) {
      if (held.contains(i)) {
        return true;
      }
    }
    for (MergeRecord.Side side : split.sides()) {
      for (Identifier i : side.identifiers()) {
        if (held.contains(i)) {
          return true;
        }
      }
    }
    return false;
  }
}
