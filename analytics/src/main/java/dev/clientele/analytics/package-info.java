/**
 * Analytics over profiles and events. So far: exact monthly active users
 * ({@link dev.clientele.analytics.ActiveUsers}). Trended MAU, activity status, snapshots,
 * affinities and value models come with their issues.
 */
package dev.clientele.analytics;
