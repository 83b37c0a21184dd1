/**
 * The storage SPI: the interfaces a host implements to keep Clientele's data in its own store,
 * and {@link dev.clientele.core.spi.InMemoryStorage}, the embedded default.
 *
 * <p>Start at {@link dev.clientele.core.spi.Storage}, whose Javadoc states the contract every
 * backend must keep (atomic commits with optimistic expectations, visibility, ordering,
 * behaviour on failure). All writes are one call, {@code commit(Commit)}, so a JDBC backend
 * maps a commit onto one transaction and a key-value store onto a multi-key compare-and-set.
 */
package dev.clientele.core.spi;
