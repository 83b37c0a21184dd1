/**
 * Streaming CSV and JSON writers for profile tables, chart series and portability bundles.
 * The module is laid out in the reactor; its writers come with the export issue.
 */
package dev.clientele.export;
