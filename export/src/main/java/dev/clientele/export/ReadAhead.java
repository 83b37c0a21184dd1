package dev.clientele.export;

import dev.clientele.core.Profile;
import java.util.function.Consumer;

/**
 * The exporter's read-ahead: profiles pulled from the source are held in a batch of up to
 * {@link #SIZE}, and before the batch's rows are written, each profile's first objects are read
 * one level at a time across the whole batch: the profiles themselves, their id and identifier
 * arrays, then every identifier's state, identifier and value.
 *
 * <p>Why: a row reads some 30 objects of one profile, and the profiles of a store or a list sit
 * wherever the collector put them, rarely in the order they are exported. Read one by one, each
 * row waits for its profile's memory several times in a row (profile, then its array, then a
 * state, then its identifier, …), one miss at a time. Reading the first levels of 32 profiles in
 * two tight loops issues their independent loads together, so their latencies overlap, and the
 * rows are then written from cache. Measured with {@code ExportBenchmark}'s profiles
 * (benchmarks/RESULTS.md): about a fifth less time per profile when the heap order is not the
 * export order (the usual case); about a sixth more when it is, since the hardware prefetcher
 * would then have hidden the misses anyway.
 *
 * <p>The reads change nothing. Not thread-safe: one per export.
 */
final class ReadAhead {
  /** Profiles per batch. */
  static final int SIZE = 32;

  /**
   * Written only when a batch's reads sum to {@link #NEVER} (practically never), so the compiler
   * must do every read to decide, while exporting threads do not all write one shared field (a
   * cache line moved between cores, and a fence, per batch).
   */
  @SuppressWarnings("unused")
  private static volatile int touched;
  private static final int NEVER = 0x5A5A_1234;

  private final Profile[] batch;
  private int n;
  /** Whether the last {@link #drain} stopped at a profile whose row failed (reset by {@link #add}). */
  private boolean writeFailed;

  ReadAhead(int size) {
    this.batch = new Profile[size];
  }

  /** Adds {@code p} (may be null: the writer reports it in order); returns whether the batch is full. */
  boolean add(Profile p) {
    writeFailed = false; // the source went on after a failed row: it handled the failure
    batch[n++] = p;
    return n == batch.length;
  }

  /**
   * Reads the batch ahead, then passes its profiles to {@code write} in order and empties it. If
   * a row fails, the profiles after it stay in the batch, in order, for the next drain (a source
   * that catches the failure and goes on gets them written, as one by one), and the failure
   * propagates.
   */
  void drain(Consumer<Profile> write) {
    int count = n;
    if (touch(batch, count) == NEVER) {
      touched = NEVER;
    }
    for (int k = 0; k < count; k++) {
      Profile p = batch[k];
      batch[k] = null;
      try {
        write.accept(p);
      } catch (RuntimeException | Error e) {
        int rest = count - k - 1;
        System.arraycopy(batch, k + 1, batch, 0, rest);
        java.util.Arrays.fill(batch, rest, count, null);
        n = rest;
        writeFailed = true;
        throw e;
      }
    }
    n = 0;
  }

  /** Whether the last drain stopped at a failed row and no profile was added since. */
  boolean writeFailed() {
    return writeFailed;
  }

  /**
   * Reads the first objects of {@code count} profiles of {@code batch} level by level (null
   * entries skipped); returns a sum of what it read.
   */
  static int touch(Profile[] batch, int count) {
    int h = 0;
    // Level 1: each profile, its identifier and attribute arrays, its id's text, its creation time.
    for (int k = 0; k < count; k++) {
      Profile p = batch[k];
      if (p != null) {
        h += p.identifierCount() + p.attributeCount() + p.id().value().length() + p.createdAt().getNano();
      }
    }
    // Level 2: every identifier's state, identifier and value (the identifier walk, the identifiers cell).
    for (int k = 0; k < count; k++) {
      Profile p = batch[k];
      if (p != null) {
        int ids = p.identifierCount();
        for (int i = 0; i < ids; i++) {
          h += p.identifierAt(i).identifier().value().length();
        }
      }
    }
    return h;
  }

  @Override
  public String toString() {
    return "ReadAhead{" + n + "/" + batch.length + "}";
  }
}
