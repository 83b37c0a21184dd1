package dev.clientele.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.clientele.core.Identifier;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of the append-only merge log: a merge of profiles, an operator's forced merge, or a
 * split that undid a merge.
 *
 * <p>For a merge, {@link #profile()} is the surviving profile and each {@link Side} is a profile
 * it absorbed, with the identifiers that profile held at the time, so that a later split can
 * restore it. For a split, {@link #profile()} is the profile that was split and each side is a
 * profile restored from it. Records hold identifiers (personal data): erasing a profile erases
 * every record naming it (see {@link Commit.Builder#eraseMergeRecords(ProfileId)}) and redacts,
 * in place, every other record that holds one of its identifiers (see {@link #without} and
 * {@link Commit.Builder#redactMergeRecord(MergeRecord)}).
 *
 * <pre>{@code
 * for (MergeRecord r : storage.mergeRecords(profileId)) {
 *   System.out.println(r.kind() + " at " + r.at() + " because of " + r.links());
 * }
 * }</pre>
 *
 * @param id unique id of the record
 * @param kind what happened
 * @param at when it happened (the event's timestamp for an automatic merge, the clock otherwise;
 *     for a split record an erasure logged in place of an erased one, that split's time), so not
 *     the order of the log, which is commit order ({@link MergeLog})
 * @param profile the surviving profile of a merge, or the profile a split was taken from
 * @param sides the absorbed profiles of a merge, or the restored profiles of a split
 * @param eventId the event that caused an automatic merge; empty for operator actions
 * @param links for an automatic merge, the identifiers that linked the profiles (carried by the
 *     event and held by an absorbed profile); for a split, the identifiers the split profile kept,
 *     so the two sides of the split are both on record; empty for a forced merge
 * @param undoes for a split: the id of the merge record it undoes
 * @param note the rule or the operator's reason, in words, without personal data
 */
public record MergeRecord(
    String id,
    Kind kind,
    Instant at,
    ProfileId profile,
    List<Side> sides,
    Optional<String> eventId,
    List<Identifier> links,
    Optional<String> undoes,
    String note) {

  /** What a record describes. */
  public enum Kind {
    /** Profiles merged automatically because an event's identifiers linked them. */
    MERGE,
    /** Profiles merged by an operator, overriding the identity rules. */
    FORCED_MERGE,
    /** A merge undone by an operator: the sides were restored as separate profiles. */
    SPLIT
  }

  /**
   * A profile absorbed by a merge or restored by a split.
   *
   * @param id the profile's id
   * @param identifiers the identifiers it held (absorbed) or was given back (restored)
   * @param mergedFrom the profiles it had itself absorbed before
   */
  public record Side(ProfileId id, Set<Identifier> identifiers, List<ProfileId> mergedFrom) {
    /** Validates and copies. */
    public Side {
      requireNonNull(id, "id");
      identifiers = ImmutableSet.copyOf(requireNonNull(identifiers, "identifiers"));
      mergedFrom = ImmutableList.copyOf(requireNonNull(mergedFrom, "mergedFrom"));
    }
  }

  /** Validates and copies. */
  public MergeRecord {
    requireNonNull(id, "id");
    checkArgument(!id.isBlank() && id.length() <= 64, "merge record id must be 1 to 64 characters");
    requireNonNull(kind, "kind");
    requireNonNull(at, "at");
    requireNonNull(profile, "profile");
    sides = ImmutableList.copyOf(requireNonNull(sides, "sides"));
    checkArgument(!sides.isEmpty(), "a merge record needs at least one side");
    for (Side s : sides) {
      checkArgument(!s.id().equals(profile), "profile %s cannot be its own side", profile);
    }
    requireNonNull(eventId, "eventId");
    links = ImmutableList.copyOf(requireNonNull(links, "links"));
    requireNonNull(undoes, "undoes");
    checkArgument(undoes.isEmpty() || kind == Kind.SPLIT, "only a split undoes a merge");
    requireNonNull(note, "note");
  }

  /** Whether this record holds {@code identifier}, in a side or in {@link #links()}. */
  public boolean holds(Identifier identifier) {
    if (links.contains(requireNonNull(identifier, "identifier"))) {
      return true;
    }
    for (Side s : sides) {
      if (s.identifiers().contains(identifier)) {
        return true;
      }
    }
    return false;
  }

  /**
   * This record without {@code identifiers}: each of them is dropped from {@link #links()} and
   * from the identifiers of every side; everything else is kept (id, kind, time, the profile, the
   * sides' ids and {@code mergedFrom}, event id, {@code undoes} and note, none of them personal
   * data), so the redacted record keeps its place and meaning in the log. A side can be left with
   * no identifiers, and the links can be left empty. Returns this record itself if it
   * {@linkplain #holds holds} none of them.
   *
   * <pre>{@code
   * MergeRecord redacted = record.without(erasedIdentifiers);
   * storage.commit(Commit.builder().redactMergeRecord(redacted).build());
   * }</pre>
   *
   * @param identifiers the identifiers to drop (normalised, as stored)
   * @return the redacted copy, which {@linkplain #redacts redacts} this record
   * @throws NullPointerException if {@code identifiers} or one of them is null
   */
  public MergeRecord without(Collection<Identifier> identifiers) {
    requireNonNull(identifiers, "identifiers");
    Set<Identifier> drop = ImmutableSet.copyOf(identifiers);
    boolean any = false;
    for (Identifier i : drop) {
      if (holds(i)) {
        any = true;
        break;
      }
    }
    if (!any) {
      return this;
    }
    List<Side> keptSides = new ArrayList<>(sides.size());
    for (Side s : sides) {
      Set<Identifier> kept = s.identifiers().stream().filter(i -> !drop.contains(i)).collect(ImmutableSet.toImmutableSet());
      keptSides.add(new Side(s.id(), kept, s.mergedFrom()));
    }
    List<Identifier> keptLinks = links.stream().filter(i -> !drop.contains(i)).toList();
    return new MergeRecord(id, kind, at, profile, keptSides, eventId, keptLinks, undoes, note);
  }

  /**
   * Whether this record is {@code original} with none, some or all of its identifiers removed:
   * the same id, kind, time, profile, event id, {@code undoes} and note, the same sides (ids and
   * {@code mergedFrom}) in the same order, each side's identifiers a subset of the original
   * side's, and the links a subsequence of the original links. A store checks this of a
   * {@linkplain Commit#mergeRecordRedactions() redaction} against the record it replaces.
   *
   * @param original the record as stored
   * @throws NullPointerException if {@code original} is null
   */
  public boolean redacts(MergeRecord original) {
    requireNonNull(original, "original");
    if (!id.equals(original.id) || kind != original.kind || !at.equals(original.at) || !profile.equals(original.profile)
        || !eventId.equals(original.eventId) || !undoes.equals(original.undoes) || !note.equals(original.note)
        || sides.size() != original.sides.size()) {
      return false;
    }
    for (int i = 0; i < sides.size(); i++) {
      Side mine = sides.get(i);
      Side theirs = original.sides.get(i);
      if (!mine.id().equals(theirs.id()) || !mine.mergedFrom().equals(theirs.mergedFrom())
          || !theirs.identifiers().containsAll(mine.identifiers())) {
        return false;
      }
    }
    int from = 0;
    for (Identifier link : links) { // a subsequence: each kept link found after the one before
      while (from < original.links.size() && !original.links.get(from).equals(link)) {
        from++;
      }
      if (from == original.links.size()) {
        return false;
      }
      from++;
    }
    return true;
  }

  /** Whether this record names {@code id}, as its profile or one of its sides. */
  public boolean names(ProfileId id) {
    if (profile.equals(requireNonNull(id, "id"))) {
      return true;
    }
    for (Side s : sides) {
      if (s.id().equals(id)) {
        return true;
      }
    }
    return false;
  }
}
