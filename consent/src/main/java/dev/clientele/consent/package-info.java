/**
 * Consent, deliverability and reachability.
 *
 * <p>So far this module applies the {@code consent}, {@code reachability}, {@code list} and
 * {@code compliance} events of the design's vocabulary to profiles (through the ingest pipeline);
 * the reachability policy, audience counts, erasure and portability come next.
 */
package dev.clientele.consent;
