package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * Bug hunt, "Bad input": the value types that carry a customer id masked it in their messages
 * but printed it whole from {@code toString()} (the records' default), so a host logging one
 * logged the id (often an email).
 */
class CustomerIdMaskingHuntTest {
  private static final String ID = "ann.smith@example.com";

  @Test
  void toString_masksTheCustomerId() {
    RfmSummary s = new RfmSummary(ID, 2, 10, 30, 5.5, OptionalDouble.of(11));
    Transaction t = new Transaction(ID, LocalDate.of(2026, 10, 3), 42.5);
    CustomerValue v = new CustomerValue(ID, 0.9, 1.5, 0.2, 10, 15, 0.1, ChurnRisk.LOW, OptionalDouble.empty(),
        OptionalDouble.of(11), OptionalDouble.of(26), false);

    for (Object o : new Object[] {s, t, v}) {
      assertThat(o.toString()).doesNotContain("ann.smith").doesNotContain("example").contains("a***@e***.com");
    }
    assertThat(s.toString()).contains("frequency=2");
    assertThat(t.toString()).contains("2026-10-03");
    assertThat(v.toString()).contains("churnBand=LOW");
  }
}
