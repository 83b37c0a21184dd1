/**
 * Implementation classes shared between Clientele modules. <b>Not API</b>: anything here may
 * change or disappear in any release; host applications must not use it.
 */
package dev.clientele.core.internal;
