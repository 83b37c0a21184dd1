package dev.clientele.consent;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.EventData;
import dev.clientele.core.Identifier;
import dev.clientele.consent.internal.ConsentChanges;
import java.util.List;
import java.util.Optional;

/**
 * The consent ledger of a profile, read from its timeline. Consent events are stored unchanged
 * and never rewritten, so the ledger keeps every change with its time, source and method; the
 * current consent on each identifier is the ledger's latest entry (ties: the most restrictive).
 */
public final class ConsentLedger {
  private ConsentLedger() {}

  /**
   * The consent changes in {@code timeline} (a profile's events in timeline order), one entry
   * per messaging identifier a consent event applies to, in timeline order: an unmodifiable list.
   */
  public static List<ConsentChange> of(Iterable<Event> timeline) {
    requireNonNull(timeline, "timeline");
    ImmutableList.Builder<ConsentChange> out = ImmutableList.builder();
    for (Event e : timeline) {
      if (!e.type().equals("consent")) {
        continue;
      }
      Optional<Consent> value = switch (e.action()) {
        case "opt_in" -> Optional.of(Consent.OPT_IN);
        case "opt_out" -> Optional.of(Consent.OPT_OUT);
        case "reset" -> Optional.of(Consent.UNKNOWN);
        default -> Optional.empty();
      };
      if (value.isEmpty()) {
        continue;
      }
      for (Identifier id : ConsentChanges.messagingTargets(e, e.identifiers()).orElse(List.of())) {
        out.add(new ConsentChange(e.timestamp(), id, value.get(), e.source(), EventData.string(e.data(), "method"), e.id()));
      }
    }
    return out.build();
  }
}
