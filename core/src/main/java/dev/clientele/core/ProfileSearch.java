package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A profile search: optional text, a sort, and a page.
 *
 * <p>The text matches case-insensitively as a prefix of the first name, last name or full name,
 * of any email, of any customer id, of the profile id, or (when it has digits) of the digits of
 * any phone number. No text lists every profile.
 *
 * <pre>{@code
 * clientele.search(ProfileSearch.all().withText("ann").withSort(ProfileSort.NAME, false).withPage(0, 50));
 * }</pre>
 *
 * @param text the search text; empty lists everything
 * @param sort the sort order
 * @param descending whether the sort is descending
 * @param page the page number, from 0
 * @param pageSize the page size, 1 to {@value #MAX_PAGE_SIZE}
 */
public record ProfileSearch(Optional<String> text, ProfileSort sort, boolean descending, int page, int pageSize) {
  /** The largest page size accepted. */
  public static final int MAX_PAGE_SIZE = 10_000;

  /** Validates the search. */
  public ProfileSearch {
    requireNonNull(text, "text");
    text = text.map(String::strip).filter(t -> !t.isEmpty());
    requireNonNull(sort, "sort");
    checkArgument(page >= 0, "page must be >= 0: %s", page);
    checkArgument(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE, "pageSize must be 1 to %s: %s", MAX_PAGE_SIZE, pageSize);
  }

  /** Every profile, most recently active first, first page of 50. */
  public static ProfileSearch all() {
    return new ProfileSearch(Optional.empty(), ProfileSort.LAST_ACTIVE, true, 0, 50);
  }

  /** A copy with this search text. */
  public ProfileSearch withText(String value) {
    return new ProfileSearch(Optional.of(requireNonNull(value, "text")), sort, descending, page, pageSize);
  }

  /** A copy with this sort. */
  public ProfileSearch withSort(ProfileSort value, boolean isDescending) {
    return new ProfileSearch(text, value, isDescending, page, pageSize);
  }

  /** A copy for this page. */
  public ProfileSearch withPage(int number, int size) {
    return new ProfileSearch(text, sort, descending, number, size);
  }

  /** Returns the search with its text masked ({@link Pii#mask}): a name, email or phone may be searched for. */
  @Override
  public String toString() {
    return "ProfileSearch[text=" + text.map(Pii::mask).orElse("(none)") + ", sort=" + sort + ", descending=" + descending + ", page="
        + page + ", pageSize=" + pageSize + "]";
  }
}
