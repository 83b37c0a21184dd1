/**
 * The Clientele domain model and profile queries.
 *
 * <p>Values are immutable and null-free: {@link dev.clientele.core.Profile},
 * {@link dev.clientele.core.Identifier}, {@link dev.clientele.core.Event} and the types they
 * hold. Absent values are {@link java.util.Optional}. Invalid arguments fail fast with
 * {@link IllegalArgumentException} or {@link NullPointerException} whose message names the
 * argument and masks personal data ({@link dev.clientele.core.Pii}).
 *
 * <p>Decisions recorded here: times are {@link java.time.Instant}s and every calendar rule is
 * evaluated in UTC; a profile's {@code createdAt} is the time of its earliest event and its
 * {@code updatedAt} the time of its latest, so both are independent of ingestion order; the
 * last device used is kept as the standard attribute {@code last_device} so that it carries
 * provenance like every other attribute.
 */
package dev.clientele.core;
