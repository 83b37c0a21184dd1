package dev.clientele.export;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.Profile;
import dev.clientele.core.ProfileQueries;
import dev.clientele.core.ProfileSearch;
import dev.clientele.core.spi.ProfileStore;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Where the profiles of an export come from: all profiles, a search result, a segment, any
 * filter or iterator. The exporter pulls profiles one by one and writes their rows in order, at
 * most a small fixed batch (32 profiles) behind the last one pulled, so a source that streams
 * (pages through a store) keeps the export's memory bounded.
 *
 * <p>Contract: {@link #forEach} passes each profile of the source once, in the source's order,
 * and may be called more than once (a CSV export of {@link Preset#ALL_CUSTOMER_INFO} without
 * explicit attribute names reads the source twice: once for the attribute names, once to
 * write); each call should pass the same profiles, as far as the store has not changed.
 *
 * <p>A segment plugs in as a source: {@code ProfileSource.matching(store, segment::contains)},
 * or its own implementation if it can list its members without scanning.
 *
 * <pre>{@code
 * ProfileSource everyone = ProfileSource.all(storage);
 * ProfileSource vips = ProfileSource.matching(storage, p -> p.tags().contains("vip"));
 * ProfileSource anns = ProfileSource.search(new ProfileQueries(storage), ProfileSearch.all().withText("ann"));
 * }</pre>
 */
@FunctionalInterface
public interface ProfileSource {
  /** Passes every profile of the source to {@code action}, in order. */
  void forEach(Consumer<? super Profile> action);

  /** Every profile of {@code store}, in id order, page by page. */
  static ProfileSource all(ProfileStore store) {
    requireNonNull(store, "store");
    return store::forEachProfile;
  }

  /** The profiles of {@code store} that pass {@code filter}, in id order, page by page. */
  static ProfileSource matching(ProfileStore store, Predicate<? super Profile> filter) {
    requireNonNull(store, "store");
    requireNonNull(filter, "filter");
    return action -> {
      requireNonNull(action, "action");
      store.forEachProfile(p -> {
        if (filter.test(p)) {
          action.accept(p);
        }
      });
    };
  }

  /**
   * Every profile that {@code search}'s text matches (all of its pages), in id order, streamed
   * page by page; the search's sort and page are ignored, so memory does not grow with the
   * number of matches.
   */
  static ProfileSource search(ProfileQueries queries, ProfileSearch search) {
    requireNonNull(queries, "queries");
    requireNonNull(search, "search");
    return action -> queries.forEachMatch(search, action);
  }

  /** The profiles of a collection or other iterable, in its order. */
  static ProfileSource of(Iterable<? extends Profile> profiles) {
    requireNonNull(profiles, "profiles");
    return action -> {
      requireNonNull(action, "action");
      profiles.forEach(action);
    };
  }

  /** The profiles of a fresh iterator from {@code iterators} on each {@link #forEach} call. */
  static ProfileSource ofIterators(Supplier<? extends Iterator<? extends Profile>> iterators) {
    requireNonNull(iterators, "iterators");
    return action -> {
      requireNonNull(action, "action");
      iterators.get().forEachRemaining(action);
    };
  }
}
