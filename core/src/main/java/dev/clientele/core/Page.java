package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * One page of a sorted result.
 *
 * @param items the items on this page, at most {@code pageSize}
 * @param page the page number, from 0
 * @param pageSize the requested page size
 * @param total the number of items on all pages
 * @param <T> the item type
 */
public record Page<T>(List<T> items, int page, int pageSize, long total) {
  /** Validates and copies the page. */
  public Page {
    items = ImmutableList.copyOf(requireNonNull(items, "items"));
    checkArgument(page >= 0, "page must be >= 0: %s", page);
    checkArgument(pageSize >= 1, "pageSize must be >= 1: %s", pageSize);
    checkArgument(items.size() <= pageSize, "a page holds at most pageSize items: %s > %s", items.size(), pageSize);
    checkArgument(total >= items.size(), "total must be >= the items on the page: %s", total);
  }

  /** The number of pages: {@code ceil(total / pageSize)}. */
  public long pageCount() {
    return (total + pageSize - 1) / pageSize;
  }

  /** Whether a page follows this one. */
  public boolean hasNext() {
    return (long) (page + 1) * pageSize < total;
  }
}
