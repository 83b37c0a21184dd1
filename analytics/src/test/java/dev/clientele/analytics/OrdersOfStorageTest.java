package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.StoredEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** RFM summaries straight from the profiles' order events in a store. */
class OrdersOfStorageTest {
  private final InMemoryStorage storage = new InMemoryStorage();
  private int events;

  private void profile(String id, Identifier... identifiers) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Profile.Builder b = Profile.builder(ProfileId.of(id), t).version(1);
    Commit.Builder c = Commit.builder();
    for (Identifier i : identifiers) {
      b.putIdentifier(IdentifierState.firstSeen(i, t, true, "test"));
      c.assign(i, Optional.empty(), ProfileId.of(id));
    }
    storage.commit(c.putProfile(b.build(), 0).build());
  }

  private void event(String type, String at, Identifier anchor, Object total) {
    Event.Builder b = Event.builder("e-" + ++events, type, Instant.parse(at)).action("purchase").identifier(anchor);
    if (total != null) {
      b.data("total", total);
    }
    storage.commit(Commit.builder().append(new StoredEvent(b.build(), anchor)).build());
  }

  @Test
  void ordersOf_readsPositiveOrderTotalsOfTheOwningProfile() {
    Identifier annEmail = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
    Identifier annDevice = Identifier.of(IdentifierType.ANONYMOUS_ID, "device-1");
    Identifier bob = Identifier.of(IdentifierType.EMAIL, "bob@example.com");
    profile("p-ann", annEmail, annDevice);
    profile("p-bob", bob);
    event("order", "2026-03-01T10:00:00Z", annDevice, new BigDecimal("20.00"));
    event("order", "2026-03-01T23:59:00Z", annEmail, "5.50"); // same UTC day: merged
    event("order", "2026-03-08T00:30:00Z", annEmail, new BigDecimal("30"));
    event("order", "2026-03-09T00:30:00Z", annEmail, new BigDecimal("0")); // not counted
    event("order", "2026-03-10T00:30:00Z", annEmail, null); // no total
    event("pageview", "2026-03-11T00:30:00Z", annEmail, new BigDecimal("99")); // not an order
    event("order", "2026-03-02T08:00:00Z", bob, 12L);
    event("order", "2026-03-03T08:00:00Z", Identifier.of(IdentifierType.EMAIL, "gone@example.com"), 7L);

    List<Transaction> orders = RfmSummaries.ordersOf(storage);
    assertThat(orders).hasSize(4);
    List<RfmSummary> s = RfmSummaries.fromTransactions(orders, LocalDate.parse("2026-03-15"), PeriodUnit.DAY);
    assertThat(s).containsExactlyInAnyOrder(new RfmSummary("p-ann", 1, 7, 14, 30, OptionalDouble.of(55.5)),
        new RfmSummary("p-bob", 0, 0, 13, 0, OptionalDouble.of(12)));
  }
}
