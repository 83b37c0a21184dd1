package dev.clientele;

/**
 * Counts kept by the ingest pipeline since the {@link Clientele} was built (or, from
 * {@link Clientele#ingestAll}, for one batch).
 *
 * @param received events passed to {@code ingest}
 * @param applied events stored and applied
 * @param duplicates events whose id was already stored
 * @param rejected events refused as a whole (e.g. every identifier blocked)
 * @param problems pieces of event data refused or not applied (blocked or malformed identifiers,
 *     rejected attributes, unknown actions), summed over events
 * @param profilesCreated new profiles
 * @param profilesMerged profiles merged into another (and so gone)
 * @param retries commits retried after a concurrent change (counted for the instance only: a
 *     batch's stats from {@code ingestAll} report 0)
 * @param profilesErased profiles erased by {@code gdpr_delete} events or {@link Clientele#delete}
 * @param linksRefused identifiers dropped from links by identity rules (unique conflicts,
 *     limits, attach-only types, caps); each is also one of {@code problems}
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
    long linksRefused) {

  /** All zero. */
  public static final IngestStats ZERO = new IngestStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
