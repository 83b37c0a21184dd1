/**
 * Streaming writers. So far: {@link dev.clientele.export.PortabilityBundle}, all personal data of
 * one profile as a JSON document (data portability). Profile tables and chart series as CSV and
 * JSON come with the export issue.
 *
 * <p>Decisions recorded here: writers use Jackson's streaming {@code JsonGenerator}, never a
 * tree, so memory does not grow with the output; decimals are written in plain notation.
 */
package dev.clientele.export;
