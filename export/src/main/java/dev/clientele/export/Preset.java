package dev.clientele.export;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.IdentifierType;
import java.util.Collection;
import java.util.List;

/**
 * Ready-made column sets for a profile export.
 *
 * <pre>{@code
 * ExportRequest.builder().preset(Preset.EMAIL_ONLY).build();
 * }</pre>
 */
public enum Preset {
  /**
   * One column, {@code email}: the last-seen email of each profile, the address that may be
   * messaged. Profiles without an email are skipped and counted as {@code no_email} in the
   * {@link ExportSummary}. Combine with {@code reachableOn(Channel.EMAIL)} for a mailing-list sync.
   */
  EMAIL_ONLY,
  /**
   * Everything about a customer, one column per fact: {@link #standardColumns()}, then one column
   * per computed value the caller supplies (reachability per channel, activity status, CLV
   * figures when present), then {@code attributes.NAME} per attribute name present on any
   * exported profile, sorted.
   */
  ALL_CUSTOMER_INFO;

  /**
   * The fixed columns of {@link #ALL_CUSTOMER_INFO}, in order: those of the command-line
   * {@code profiles} CSV ({@code id, anonymous, created_at, first_active, last_active,
   * event_count, revenue, order_count, email, email_deliverable, email_consent, phone,
   * phone_deliverable, phone_consent, customer_id, identifiers, merged_from, tags, lists}),
   * then {@code push_token_all, average_order_value, first_order, last_order, ccpa_opted_out}.
   */
  public static List<ProfileColumn> standardColumns() {
    return ImmutableList.<ProfileColumn>builder().addAll(profilesCsvColumns())
        .add(ProfileColumn.all(IdentifierType.PUSH_TOKEN))
        .add(ProfileColumn.averageOrderValue())
        .add(ProfileColumn.firstOrder())
        .add(ProfileColumn.lastOrder())
        .add(ProfileColumn.ccpaOptedOut())
        .build();
  }

  /**
   * The fixed columns of the command-line {@code profiles} CSV (before its attribute columns);
   * kept in this order for that command's compatibility.
   */
  public static List<ProfileColumn> profilesCsvColumns() {
    return List.of(
        ProfileColumn.id(),
        ProfileColumn.anonymous(),
        ProfileColumn.createdAt(),
        ProfileColumn.firstActive(),
        ProfileColumn.lastActive(),
        ProfileColumn.eventCount(),
        ProfileColumn.revenue(),
        ProfileColumn.orderCount(),
        ProfileColumn.lastSeen(IdentifierType.EMAIL),
        ProfileColumn.deliverable(IdentifierType.EMAIL),
        ProfileColumn.consent(IdentifierType.EMAIL),
        ProfileColumn.lastSeen(IdentifierType.PHONE),
        ProfileColumn.deliverable(IdentifierType.PHONE),
        ProfileColumn.consent(IdentifierType.PHONE),
        ProfileColumn.lastSeen(IdentifierType.CUSTOMER_ID),
        ProfileColumn.identifiers(),
        ProfileColumn.mergedFrom(),
        ProfileColumn.tags(),
        ProfileColumn.lists());
  }

  /**
   * The columns of this preset.
   *
   * @param attributeNames the attribute names to give columns ({@link #ALL_CUSTOMER_INFO} only)
   * @param computedNames the computed values to give columns ({@link #ALL_CUSTOMER_INFO} only)
   */
  public List<ProfileColumn> columns(Collection<String> attributeNames, Collection<String> computedNames) {
    requireNonNull(attributeNames, "attributeNames");
    requireNonNull(computedNames, "computedNames");
    if (this == EMAIL_ONLY) {
      return List.of(ProfileColumn.lastSeen(IdentifierType.EMAIL));
    }
    ImmutableList.Builder<ProfileColumn> b = ImmutableList.<ProfileColumn>builder().addAll(standardColumns());
    computedNames.forEach(n -> b.add(ProfileColumn.computed(n)));
    attributeNames.stream().sorted().distinct().forEach(n -> b.add(ProfileColumn.attribute(n)));
    return b.build();
  }
}
