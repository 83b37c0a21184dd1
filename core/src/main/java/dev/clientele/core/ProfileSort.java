package dev.clientele.core;

import java.util.Comparator;
import java.util.Locale;

/**
 * The orders a profile list can be sorted in. Every order is stable: profiles that compare equal
 * are ordered by id, and profiles lacking the sort value (no name, never active) come last in
 * either direction.
 */
public enum ProfileSort {
  /** By display name ("First Last"), case-insensitively. */
  NAME,
  /** By creation time. */
  CREATED,
  /** By last active time. */
  LAST_ACTIVE,
  /** By revenue (historic CLV). */
  REVENUE;

  /** The comparator for this sort, ascending or descending, with the stable tie-break. */
  public Comparator<Profile> comparator(boolean descending) {
    Comparator<Profile> byValue =
        switch (this) {
          case NAME -> nullsLast(p -> p.displayName().map(n -> n.toLowerCase(Locale.ROOT)).orElse(null), descending);
          case CREATED -> nullsLast(Profile::createdAt, descending);
          case LAST_ACTIVE -> nullsLast(p -> p.lastActive().orElse(null), descending);
          case REVENUE -> nullsLast(p -> p.orders().revenue(), descending);
        };
    return byValue.thenComparing(Profile::id);
  }

  private static <T extends Comparable<? super T>> Comparator<Profile> nullsLast(
      java.util.function.Function<Profile, T> key, boolean descending) {
    Comparator<T> natural = descending ? Comparator.<T>reverseOrder() : Comparator.<T>naturalOrder();
    return Comparator.comparing(key, Comparator.nullsLast(natural));
  }

}
