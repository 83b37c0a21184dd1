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
 *       concurrent redactions of one merge record, readers never seeing part of a commit, of few
 *       keys or of many), and that the backend stores exactly the profile version it is given
 *       (merges and splits write versions that jump). A backend whose data another instance can
 *       share (a database) also supplies {@code sharingStorage()}: the kit then checks what a
 *       second instance sees and may do.
 *   <li>{@link dev.clientele.tck.StorageFaultContract}: a backend failing at each step of a
 *       merge, a split that restores a profile id, an erasure and a bulk append leaves the state
 *       before or after, and a retry completes.
 *   <li>{@link dev.clientele.tck.MembershipStoreContract}: the segment membership store, two
 *       instances racing on one membership included when the backend supplies {@code sharingStore()}.
 *   <li>{@link dev.clientele.tck.StorageFixtures}: the small builders the tests use.
 * </ul>
 *
 * <p>Add {@code dev.clientele:clientele-tck} as a test dependency; it brings JUnit 5 and AssertJ.
 */
package dev.clientele.tck;
