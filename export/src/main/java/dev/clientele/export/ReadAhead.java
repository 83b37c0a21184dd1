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
   * What the last batch's reads summed to: stored (volatile, so the compiler cannot drop the
   * store and with it the reads) and never used. One store per batch.
   */
  @SuppressWarnings("unused")
  private static volatile int touched;

  private final Profile[] batch;
  private int n;

  ReadAhead(int size) {
    this.batch = new Profile[size];
  }

  /** Adds {@code p} (may be null: the writer reports it in order); returns whether the batch is full. */
  boolean add(Profile p) {
    batch[n++] = p;
    return n == batch.length;
  }

  /** Reads the batch ahead, then passes its profiles to {@code write} in order and empties it. */
  void drain(Consumer<Profile> write) {
    touched = touch(batch, n);
    int count = n;
    n = 0;
    for (int k = 0; k < count; k++) {
      Profile p = batch[k];
      batch[k] = null;
      write.accept(p);
    }
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
