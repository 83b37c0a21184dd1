package dev.clientele;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.ProfileId;
import dev.clientele.identity.LinkPlan;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Clientele#ingest} did with one event.
 *
 * @param eventId the event's id
 * @param outcome applied, duplicate, rejected or erased
 * @param profile the profile the event now belongs to; empty unless applied (for an erasure:
 *     the erased profile)
 * @param createdProfile whether a new profile was created for it
 * @param mergedProfiles ids of profiles merged into {@code profile} because of this event
 * @param problems what was refused or not applied, one line each (no personal data): blocked
 *     or malformed identifiers, rejected attributes, unknown actions, refused links, and where a
 *     consent or bounce event's part went to another profile (one line per such profile); for a
 *     rejected event, why; for an erased event ({@link Outcome#ERASED}), one line per profile
 *     erased, with its identifier and event counts. At most {@link #MAX_PROBLEM_LINES} lines, then one line {@code "… and
 *     N more problems"} in place of the rest
 * @param refusals identifiers dropped from the link by an identity rule (unique conflict,
 *     limit, attach-only type, caps), each with its rule
 * @param erasedProfiles for {@link Outcome#ERASED}: every profile the event erased
 * @param otherProfiles for {@link Outcome#APPLIED}: other profiles the event changed besides
 *     {@code profile}, namely the holders of messaging identifiers whose link was refused, which a
 *     consent or bounce event reaches as a derived event {@code <id>#~<n>}
 */
public record IngestResult(
    String eventId,
    Outcome outcome,
    Optional<ProfileId> profile,
    boolean createdProfile,
    List<ProfileId> mergedProfiles,
    List<String> problems,
    List<LinkPlan.Refusal> refusals,
    List<ProfileId> erasedProfiles,
    List<ProfileId> otherProfiles) {

  /** What happened to an event. */
  public enum Outcome {
    /** Stored and applied to a profile. */
    APPLIED,
    /** An event with this id was already stored; nothing changed. */
    DUPLICATE,
    /** Not stored: see {@link IngestResult#problems()}. */
    REJECTED,
    /** A {@code compliance}/{@code gdpr_delete} event: the profile it names was erased; the event itself is not stored. */
    ERASED
  }

  /**
   * The most problem lines a result keeps: one event of many bad identifiers or refused links
   * would otherwise carry one line per identifier. The lines beyond it are replaced by one line
   * saying how many there were, and {@link IngestStats#problems()} still counts them all.
   */
  public static final int MAX_PROBLEM_LINES = 100;

  /** The start of the line that stands for the problem lines beyond {@link #MAX_PROBLEM_LINES}. */
  private static final String MORE = "… and ";

  /** The end of that line. */
  private static final String MORE_END = " more problems";

  /** Validates and copies; keeps the first {@link #MAX_PROBLEM_LINES} problem lines and counts the rest in one line. */
  public IngestResult {
    requireNonNull(eventId, "eventId");
    requireNonNull(outcome, "outcome");
    requireNonNull(profile, "profile");
    mergedProfiles = copy(mergedProfiles, "mergedProfiles");
    problems = requireNonNull(problems, "problems").size() > MAX_PROBLEM_LINES ? capped(problems) : copy(problems, "problems");
    refusals = copy(refusals, "refusals");
    erasedProfiles = copy(erasedProfiles, "erasedProfiles");
    otherProfiles = copy(otherProfiles, "otherProfiles");
  }

  /** An immutable copy; an empty list becomes the shared empty one without copying an array. */
  private static <T> List<T> copy(List<T> list, String name) {
    return requireNonNull(list, name).isEmpty() ? ImmutableList.of() : ImmutableList.copyOf(list);
  }

  /**
   * The first {@link #MAX_PROBLEM_LINES} lines and one saying how many follow. A list already
   * capped so (a result made from another's problems) is kept as it is.
   */
  private static List<String> capped(List<String> problems) {
    if (problems.size() == MAX_PROBLEM_LINES + 1 && isSummaryOfMore(problems)) {
      return ImmutableList.copyOf(problems);
    }
    long more = problemCount(problems) - MAX_PROBLEM_LINES;
    return ImmutableList.<String>builderWithExpectedSize(MAX_PROBLEM_LINES + 1)
        .addAll(problems.subList(0, MAX_PROBLEM_LINES))
        .add(MORE + more + MORE_END)
        .build();
  }

  /** Whether the last of {@code problems} is the summary line of a capped list, at its place. */
  private static boolean isSummaryOfMore(List<String> problems) {
    if (problems.size() != MAX_PROBLEM_LINES + 1) {
      return false;
    }
    String last = problems.get(MAX_PROBLEM_LINES);
    if (!last.startsWith(MORE) || !last.endsWith(MORE_END) || last.length() <= MORE.length() + MORE_END.length()) {
      return false;
    }
    String digits = last.substring(MORE.length(), last.length() - MORE_END.length());
    return digits.length() <= 18 && digits.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /**
   * How many problems {@code problems} stands for: its size, or, for a capped list, the lines
   * kept plus the number its summary line gives.
   */
  static long problemCount(List<String> problems) {
    if (!isSummaryOfMore(problems)) {
      return problems.size();
    }
    String last = problems.get(MAX_PROBLEM_LINES);
    return MAX_PROBLEM_LINES + Long.parseLong(last.substring(MORE.length(), last.length() - MORE_END.length()));
  }

  static IngestResult duplicate(String eventId) {
    return new IngestResult(eventId, Outcome.DUPLICATE, Optional.empty(), false, List.of(), List.of(), List.of(), List.of(), List.of());
  }

  static IngestResult rejected(String eventId, List<String> problems) {
    return new IngestResult(eventId, Outcome.REJECTED, Optional.empty(), false, List.of(), problems, List.of(), List.of(), List.of());
  }
}
