/**
 * The identity rules' engine: {@link dev.clientele.identity.internal.LinkPlanner} (how an event's
 * identifiers link, under {@link dev.clientele.identity.IdentityRules}) and
 * {@link dev.clientele.identity.internal.Survivorship} (how profiles that are one person combine,
 * under {@link dev.clientele.identity.SurvivorshipRules}). <b>Not API</b>: used by the ingest
 * pipeline of the {@code Clientele} facade; anything here may change or disappear in any
 * release, and host applications must not use it. Configure the behaviour through the public
 * rules types instead.
 */
package dev.clientele.identity.internal;
