package dev.clientele.export;

import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.export.internal.CsvCell;
import dev.clientele.export.internal.CsvRowWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * CSV cell writers that write a run of built-in columns in one call: the fixed columns of
 * {@link Preset#ALL_CUSTOMER_INFO} ({@link Preset#standardColumns()}, in that order) with one walk
 * over the profile's identifiers for the three last-seen identifiers and the anonymous flag, and
 * consecutive attribute columns in name order with one merge walk over the profile's sorted
 * attributes instead of one search per column. They write exactly what the columns' own typed
 * writers write, one by one (a property test compares the two); the exporter uses them wherever
 * the columns form such a run, whatever their names.
 */
final class FusedCsvCells {
  /** The keys of {@link Preset#standardColumns()}, in order. */
  private static final List<String> STANDARD = Preset.standardColumns().stream().map(ProfileColumn::key).toList();
  private static final String ATTRIBUTE = "attribute:";
  private static final Comparator<IdentifierState> LAST_SEEN = Profile.lastSeenOrder();

  private FusedCsvCells() {}

  /**
   * The plan of {@code columns}: one cell writer per column, except that runs of columns that
   * can be written in one pass get one writer for the run (unless {@code fuse} is false: the
   * reference the fused writers are tested against).
   */
  static CsvCell[] plan(List<ProfileColumn> columns, boolean fuse) {
    List<CsvCell> plan = new ArrayList<>(columns.size());
    int i = 0;
    while (i < columns.size()) {
      if (!fuse) {
        plan.add(columns.get(i++).csvCell());
        continue;
      }
      if (isStandardRun(columns, i)) {
        plan.add(FusedCsvCells::writeStandard);
        i += STANDARD.size();
        continue;
      }
      int j = i;
      List<String> names = new ArrayList<>();
      List<String> columnNames = new ArrayList<>();
      while (j < columns.size() && attributeName(columns.get(j)) != null
          && (names.isEmpty() || names.get(names.size() - 1).compareTo(attributeName(columns.get(j))) < 0)) {
        names.add(attributeName(columns.get(j)));
        columnNames.add(ProfileColumn.ATTRIBUTE_PREFIX + attributeName(columns.get(j))); // as its own writer names it
        j++;
      }
      if (j - i >= 2) {
        plan.add(attributes(names.toArray(String[]::new), columnNames.toArray(String[]::new)));
        i = j;
        continue;
      }
      plan.add(columns.get(i).csvCell());
      i++;
    }
    return plan.toArray(CsvCell[]::new);
  }

  private static boolean isStandardRun(List<ProfileColumn> columns, int from) {
    if (columns.size() - from < STANDARD.size()) {
      return false;
    }
    for (int k = 0; k < STANDARD.size(); k++) {
      if (!STANDARD.get(k).equals(columns.get(from + k).key())) {
        return false;
      }
    }
    return true;
  }

  private static String attributeName(ProfileColumn c) {
    String key = c.key();
    return key != null && key.startsWith(ATTRIBUTE) ? key.substring(ATTRIBUTE.length()) : null;
  }

  /** The columns of {@link Preset#standardColumns()}, in order, for one profile. */
  static void writeStandard(ProfileRow row, CsvRowWriter out) throws IOException {
    Profile p = row.profile();
    IdentifierState email = null;
    IdentifierState phone = null;
    IdentifierState customer = null;
    boolean pushTokens = false;
    // One walk for the last-seen email, phone and customer id (Profile.lastSeen answers one type
    // per walk) in Profile.lastSeenOrder(), reading the identifier array in place.
    int count = p.identifierCount();
    for (int i = 0; i < count; i++) {
      IdentifierState s = p.identifierAt(i);
      IdentifierType t = s.identifier().type();
      if (is(t, IdentifierType.EMAIL)) {
        email = later(s, email);
      } else if (is(t, IdentifierType.PHONE)) {
        phone = later(s, phone);
      } else if (is(t, IdentifierType.CUSTOMER_ID)) {
        customer = later(s, customer);
      } else if (is(t, IdentifierType.PUSH_TOKEN)) {
        pushTokens = true;
      }
    }
    out.text(p.id().value());
    out.bool(p.isAnonymous());
    out.time(p.createdAt());
    ProfileColumn.time(p.firstActive(), out);
    ProfileColumn.time(p.lastActive(), out);
    out.number(p.eventCount());
    OrderSummary orders = p.orders();
    out.decimal(orders.revenue());
    out.number(orders.orderCount());
    ProfileColumn.writeLastSeen(email, out);
    ProfileColumn.writeDeliverable(email, out);
    ProfileColumn.writeConsent(email, out);
    ProfileColumn.writeLastSeen(phone, out);
    ProfileColumn.writeDeliverable(phone, out);
    ProfileColumn.writeConsent(phone, out);
    ProfileColumn.writeLastSeen(customer, out);
    ProfileColumn.writeIdentifiers(p, out);
    ProfileColumn.writeMergedFrom(p, out);
    ProfileColumn.writeTags(p, out);
    ProfileColumn.writeLists(p, out);
    if (pushTokens) {
      ProfileColumn.writeAll(p, IdentifierType.PUSH_TOKEN, out);
    } else {
      out.empty(); // what writeAll writes when there is none
    }
    ProfileColumn.writeAverageOrderValue(p, out);
    ProfileColumn.time(orders.firstOrder(), out);
    ProfileColumn.time(orders.lastOrder(), out);
    out.bool(p.isCcpaOptedOut());
  }

  private static boolean is(IdentifierType t, IdentifierType builtIn) {
    return t == builtIn || t.equals(builtIn);
  }

  /** {@code s} if it comes after {@code best} in {@link Profile#lastSeenOrder()}, else {@code best}. */
  private static IdentifierState later(IdentifierState s, IdentifierState best) {
    return best == null || LAST_SEEN.compare(s, best) > 0 ? s : best;
  }

  /**
   * Attribute columns of {@code names} (sorted, distinct) in one merge walk over the profile's
   * attributes, which are sorted by name too.
   */
  private static CsvCell attributes(String[] names, String[] columns) {
    return (row, out) -> {
      Profile p = row.profile();
      int m = p.attributeCount();
      int j = 0;
      for (int i = 0; i < names.length; i++) {
        String name = names[i];
        int c = -1;
        while (j < m && (c = p.attributeAt(j).name().compareTo(name)) < 0) {
          j++;
        }
        if (j < m && c == 0) {
          out.value(p.attributeAt(j).value(), columns[i]);
          j++;
        } else {
          out.empty();
        }
      }
    };
  }
}
