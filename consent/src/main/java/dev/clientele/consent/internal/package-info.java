/** Implementation of the consent module used by the ingest pipeline. <b>Not API.</b> */
package dev.clientele.consent.internal;
