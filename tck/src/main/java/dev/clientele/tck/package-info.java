/**
 * The conformance kit of the storage SPI: abstract JUnit 5 test classes that a storage backend's
 * test suite extends by supplying its store.
 *
 * <ul>
 *   <li>{@link dev.clientele.tck.StorageContract}: every contract of the SPI's Javadoc (reads
 *       after writes, profile versions, index ownership, atomic merges, idempotent appends,
 *       erasure without trace, timeline order, paging stability, the merge log and its in-place
 *       redactions, which a backend must declare with {@code Storage.redactsMergeRecordsInPlace()})
 *       and concurrency cases (lost updates, parallel merges over overlapping identifiers, two
 *       concurrent redactions of one merge record, readers never seeing part of a commit).
 *   <li>{@link dev.clientele.tck.StorageFaultContract}: a backend failing at each step of a
 *       merge, an erasure and a bulk append leaves the state before or after, and a retry
 *       completes.
 *   <li>{@link dev.clientele.tck.StorageFixtures}: the small builders the tests use.
 * </ul>
 *
 * <p>Add {@code dev.clientele:clientele-tck} as a test dependency; it brings JUnit 5 and AssertJ.
 */
package dev.clientele.tck;
