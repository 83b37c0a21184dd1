package dev.clientele;

import static java.util.Objects.requireNonNull;

/**
 * Counts kept by the ingest pipeline since the {@link Clientele} was built (or, as returned by
 * {@link Clientele#ingestAll}, for that call).
 *
 * <p>The ten counts of the first release are components of this record; the operational counts
 * added since are in {@link #details()}, a value whose later additions break no host code (hosts
 * read it, only Clientele makes it). The ten-count constructor is kept for code that builds stats
 * of its own; it gives {@link Details#ZERO} details.
 *
 * @param received events passed to {@code ingest} or {@code ingestAll} that got a result (applied,
 *     duplicate, rejected or erasing); events left without one because the call threw (a storage
 *     failure, a write that gave up, a closed instance) are not counted: they may be ingested again
 * @param applied events stored and applied
 * @param duplicates events whose id was already stored
 * @param rejected events refused as a whole (e.g. every identifier blocked)
 * @param problems lines of {@link IngestResult#problems()} summed over events: pieces of event
 *     data refused or not applied (blocked or malformed identifiers, rejected attributes, unknown
 *     actions, refused links), the reasons of rejected events, one line per profile a
 *     {@code gdpr_delete} erased, and one per other profile a consent or bounce event reached as
 *     a derived event
 * @param profilesCreated new profiles
 * @param profilesMerged profiles merged into another (and so gone)
 * @param retries commits that met a concurrent change and were tried again (counted for the
 *     instance only: the stats an {@code ingestAll} call returns report 0), one per conflict; a
 *     write that gave up ({@link Details#writesGaveUp()}) counts its last conflict here too, so
 *     100 for a write that gave up after 100 attempts. An {@code ingestAll} batch commit that fell
 *     back to applying its events one by one counts as one retry (and as one of
 *     {@link Details#batchFallbacks()})
 * @param profilesErased profiles erased by {@code gdpr_delete} events or {@link Clientele#delete}
 * @param linksRefused identifiers dropped from links by identity rules (unique conflicts,
 *     limits, attach-only types, caps); each is also one of {@code problems}
 * @param details the operational counts added after the first ten, for an on-call engineer
 */
public record IngestStats(
    long received,
    long applied,
    long duplicates,
    long rejected,
    long problems,
    long profilesCreated,
    long profilesMerged,
    long retries,
    long profilesErased,
    long linksRefused,
    Details details) {

  /** All zero. */
  public static final IngestStats ZERO = new IngestStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /**
   * Checks {@code details}.
   *
   * @throws NullPointerException if {@code details} is null
   */
  public IngestStats {
    requireNonNull(details, "details");
  }

  /** The first release's ten counts, with {@link Details#ZERO} details. */
  public IngestStats(
      long received,
      long applied,
      long duplicates,
      long rejected,
      long problems,
      long profilesCreated,
      long profilesMerged,
      long retries,
      long profilesErased,
      long linksRefused) {
    this(received, applied, duplicates, rejected, problems, profilesCreated, profilesMerged, retries, profilesErased,
        linksRefused, Details.ZERO);
  }

  /**
   * Operational counts of ingestion: failures of the backend, writes that gave up, and what the
   * identity rules dropped, by kind. Immutable and thread-safe. Only Clientele makes instances
   * (there is no public constructor), so counts added later break no host code.
   *
   * <p>The counts marked "instance only" are kept for the {@link Clientele} as a whole; the stats
   * an {@code ingestAll} call returns report 0 for them, as for {@link IngestStats#retries()} (a
   * call that meets those failures ends with the exception anyway).
   */
  public static final class Details {
    /** All zero. */
    public static final Details ZERO = new Details(0, 0, 0, 0, 0, 0, 0, 0, 0);

    private final long storageFailures;
    private final long commitsRecovered;
    private final long writesGaveUp;
    private final long blockedIdentifiers;
    private final long malformedIdentifiers;
    private final long replaysBlocked;
    private final long identifierCapRefusals;
    private final long mergeCapRefusals;
    private final long batchFallbacks;

    Details(
        long storageFailures,
        long commitsRecovered,
        long writesGaveUp,
        long blockedIdentifiers,
        long malformedIdentifiers,
        long replaysBlocked,
        long identifierCapRefusals,
        long mergeCapRefusals,
        long batchFallbacks) {
      this.storageFailures = storageFailures;
      this.commitsRecovered = commitsRecovered;
      this.writesGaveUp = writesGaveUp;
      this.blockedIdentifiers = blockedIdentifiers;
      this.malformedIdentifiers = malformedIdentifiers;
      this.replaysBlocked = replaysBlocked;
      this.identifierCapRefusals = identifierCapRefusals;
      this.mergeCapRefusals = mergeCapRefusals;
      this.batchFallbacks = batchFallbacks;
    }

    /**
     * Commits of ingestion the backend reported failed and that were not applied: the
     * {@link dev.clientele.core.spi.StorageException} reached the caller (one per event, or per
     * {@code ingestAll} batch commit, or per {@code gdpr_delete} event whose erasure failed in the
     * backend). Failed reads outside these are not counted. Instance only.
     */
    public long storageFailures() {
      return storageFailures;
    }

    /**
     * Commits of ingestion the backend reported failed but that the read-back found applied
     * (only the acknowledgement was lost); their events count as applied. Instance only.
     */
    public long commitsRecovered() {
      return commitsRecovered;
    }

    /**
     * Writes that gave up after the retry limit because their profiles kept changing: an event
     * (an {@code IllegalStateException} reached the caller) or an erasure ({@code gdpr_delete},
     * {@link Clientele#delete}). Instance only.
     */
    public long writesGaveUp() {
      return writesGaveUp;
    }

    /**
     * Identifiers dropped as blocked values from events that were applied, or rejected because
     * every identifier was blocked (after normalisation: two spellings of one blocked value are
     * one), including values whose check against a blocked pattern ran out of its read budget
     * (treated as blocked). Their problem lines are among {@link IngestStats#problems()}. Identifiers of
     * duplicates, and of events rejected for another reason, are not counted.
     */
    public long blockedIdentifiers() {
      return blockedIdentifiers;
    }

    /**
     * Malformed identifiers of applied events: kept on the profile, undeliverable, never used to
     * link. Their problem lines are among {@link IngestStats#problems()}.
     */
    public long malformedIdentifiers() {
      return malformedIdentifiers;
    }

    /**
     * Events rejected because an identifier belongs to an erased person (the replay of an erased
     * person's data); each is also one of {@link IngestStats#rejected()}.
     */
    public long replaysBlocked() {
      return replaysBlocked;
    }

    /**
     * Identifiers refused a link because the profile's identifier cap would be exceeded; each is
     * also one of {@link IngestStats#linksRefused()}.
     */
    public long identifierCapRefusals() {
      return identifierCapRefusals;
    }

    /**
     * Identifiers refused a link because the cap on merged profiles would be exceeded; each is
     * also one of {@link IngestStats#linksRefused()}.
     */
    public long mergeCapRefusals() {
      return mergeCapRefusals;
    }

    /**
     * {@code ingestAll} batches whose one commit met a concurrent change, so their events were
     * applied again one by one; each is also one of {@link IngestStats#retries()} for the
     * instance. A batch's stats count the fallbacks of its own call.
     */
    public long batchFallbacks() {
      return batchFallbacks;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Details d
          && storageFailures == d.storageFailures
          && commitsRecovered == d.commitsRecovered
          && writesGaveUp == d.writesGaveUp
          && blockedIdentifiers == d.blockedIdentifiers
          && malformedIdentifiers == d.malformedIdentifiers
          && replaysBlocked == d.replaysBlocked
          && identifierCapRefusals == d.identifierCapRefusals
          && mergeCapRefusals == d.mergeCapRefusals
          && batchFallbacks == d.batchFallbacks;
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(new long[] {
          storageFailures, commitsRecovered, writesGaveUp, blockedIdentifiers, malformedIdentifiers, replaysBlocked,
          identifierCapRefusals, mergeCapRefusals, batchFallbacks});
    }

    @Override
    public String toString() {
      return "Details[storageFailures=" + storageFailures + ", commitsRecovered=" + commitsRecovered
          + ", writesGaveUp=" + writesGaveUp + ", blockedIdentifiers=" + blockedIdentifiers
          + ", malformedIdentifiers=" + malformedIdentifiers + ", replaysBlocked=" + replaysBlocked
          + ", identifierCapRefusals=" + identifierCapRefusals + ", mergeCapRefusals=" + mergeCapRefusals
          + ", batchFallbacks=" + batchFallbacks + "]";
    }
  }
}
