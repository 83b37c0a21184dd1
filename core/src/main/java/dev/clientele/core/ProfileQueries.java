package dev.clientele.core;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Read-side queries over a {@link Storage}: search with paging, timelines and field views.
 *
 * <p>Thread-safe; every call reads the store afresh. Search and field views scan the profile
 * store page by page (O(profiles) per call, memory O(matches)); the storage SPI deliberately has
 * no search method yet, so every backend gets search for free.
 */
public final class ProfileQueries {
  private final Storage storage;

  /** Queries over {@code storage}. */
  public ProfileQueries(Storage storage) {
    this.storage = requireNonNull(storage, "storage");
  }

  /** Runs {@code search}: filter by text, stable sort, one page. */
  public Page<Profile> search(ProfileSearch search) {
    return search(search, p -> true);
  }

  /**
   * Runs {@code search} among the profiles that pass {@code filter} (e.g. the members of a
   * segment): filter, then text, stable sort, one page. The filter is called once per profile,
   * possibly on several threads' calls at once, so it must be safe for concurrent use.
   */
  public Page<Profile> search(ProfileSearch search, java.util.function.Predicate<? super Profile> filter) {
    requireNonNull(search, "search");
    requireNonNull(filter, "filter");
    Optional<Matcher> matcher = search.text().map(Matcher::new);
    List<Profile> matches = new ArrayList<>();
    storage.forEachProfile(p -> {
      if (filter.test(p) && (matcher.isEmpty() || matcher.get().test(p))) {
        matches.add(p);
      }
    });
    matches.sort(search.sort().comparator(search.descending()));
    long start = (long) search.page() * search.pageSize();
    List<Profile> items =
        start >= matches.size()
            ? List.of()
            : matches.subList((int) start, (int) Math.min(matches.size(), start + search.pageSize()));
    return new Page<>(items, search.page(), search.pageSize(), matches.size());
  }

  /**
   * Passes every profile that {@code search}'s text matches (no text: every profile) to
   * {@code action}, in id order, page by page; the search's sort and page are ignored. For
   * exports of a whole search result: memory stays bounded whatever the number of matches.
   */
  public void forEachMatch(ProfileSearch search, java.util.function.Consumer<? super Profile> action) {
    requireNonNull(search, "search");
    requireNonNull(action, "action");
    Optional<Matcher> matcher = search.text().map(Matcher::new);
    storage.forEachProfile(p -> {
      if (matcher.isEmpty() || matcher.get().test(p)) {
        action.accept(p);
      }
    });
  }

  /**
   * The events of a profile's timeline that pass {@code query}, in timeline order (timestamp,
   * then event id), or newest first if the query says so: an unmodifiable list.
   *
   * @throws java.util.NoSuchElementException if there is no profile with this id
   */
  public List<Event> timeline(ProfileId id, TimelineQuery query) {
    requireNonNull(query, "query");
    Profile p = storage.profile(requireNonNull(id, "id"))
        .orElseThrow(() -> new java.util.NoSuchElementException("no profile with id " + id));
    List<Identifier> anchors = p.identifiers().stream().map(IdentifierState::identifier).toList();
    List<StoredEvent> events = storage.events(anchors, query); // a backend may read only what the query needs
    List<Event> out = new ArrayList<>(events.size());
    for (StoredEvent e : events) {
      out.add(e.event());
    }
    return ImmutableList.copyOf(out);
  }

  /** The attribute names of a {@link FieldView}: an unmodifiable set, iterated in name order. */
  public SortedSet<String> fields(FieldView view) {
    requireNonNull(view, "view");
    Map<String, Long> known = new HashMap<>();
    ImmutableSortedSet.Builder<String> all = ImmutableSortedSet.naturalOrder();
    long[] profiles = {0};
    storage.forEachProfile(p -> {
      profiles[0]++;
      all.addAll(p.attributes().keySet());
      p.knownFields().forEach(f -> known.merge(f, 1L, Long::sum));
    });
    return switch (view) {
      case ALL -> all.build();
      case KNOWN -> ImmutableSortedSet.copyOf(known.keySet());
      case COMMON -> known.entrySet().stream()
          .filter(e -> e.getValue() * 2 > profiles[0])
          .map(Map.Entry::getKey)
          .collect(ImmutableSortedSet.toImmutableSortedSet(String::compareTo));
    };
  }

  private static final class Matcher {
    private final String lower;
    private final String digits;

    Matcher(String text) {
      this.lower = text.toLowerCase(Locale.ROOT);
      String d = text.replaceAll("[^0-9]", "");
      this.digits = d.isEmpty() || !text.matches("[0-9+()\\-. ]+") ? "" : d;
    }

    boolean test(Profile p) {
      if (p.id().value().toLowerCase(Locale.ROOT).startsWith(lower)) {
        return true;
      }
      if (prefix(p.attribute(Attribute.FIRST_NAME)) || prefix(p.attribute(Attribute.LAST_NAME))) {
        return true;
      }
      if (p.displayName().map(n -> n.toLowerCase(Locale.ROOT).startsWith(lower)).orElse(false)) {
        return true;
      }
      for (IdentifierState s : p.identifiers()) {
        IdentifierType t = s.type();
        String v = s.identifier().value();
        if ((t.equals(IdentifierType.EMAIL) || t.equals(IdentifierType.CUSTOMER_ID))
            && v.toLowerCase(Locale.ROOT).startsWith(lower)) {
          return true;
        }
        if (t.equals(IdentifierType.PHONE) && !digits.isEmpty() && v.replaceAll("[^0-9]", "").startsWith(digits)) {
          return true;
        }
      }
      return false;
    }

    private boolean prefix(Optional<Attribute> a) {
      return a.filter(Attribute::isKnown).map(x -> x.text().toLowerCase(Locale.ROOT).startsWith(lower)).orElse(false);
    }
  }
}
