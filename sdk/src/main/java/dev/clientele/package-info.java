/**
 * The {@link dev.clientele.Clientele} facade: build one, ingest events, read profiles.
 *
 * <p>Decisions recorded here: ingestion is optimistic (read, compute, commit with
 * expectations, retry on conflict; after 8 conflicts in a row a write retries exclusively within
 * the instance, with a growing pause, up to 100 attempts in all), so any number of threads may ingest at once and storage backends need no locks of
 * ours; an event whose identifiers are all blocked is rejected as a whole; every other piece of
 * bad data inside an event is reported in {@link dev.clientele.IngestResult#problems()} and
 * counted, and the rest of the event is applied.
 */
package dev.clientele;
