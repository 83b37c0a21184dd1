package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.Pii;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * One order of one customer: the input of {@link RfmSummaries#fromTransactions}. The
 * transaction CSV format of DESIGN.md ({@code customer_id,date,amount}) maps one row to one
 * instance.
 *
 * <p>Orders with an amount of zero or less are valid here but ignored by the value models
 * (DESIGN.md, "Only orders with a value &gt; 0 count for models").
 *
 * @param customerId the customer's id (non-empty)
 * @param date the UTC calendar day of the order
 * @param amount the order value; finite
 */
public record Transaction(String customerId, LocalDate date, double amount) {
  /** Validates the transaction. */
  public Transaction {
    requireNonNull(customerId, "customerId");
    requireNonNull(date, "date");
    checkArgument(!customerId.isEmpty(), "customerId must not be empty");
    checkArgument(Double.isFinite(amount), "amount must be finite: %s (customer %s)", amount,
        Pii.mask(customerId));
  }

  /** A transaction at instant {@code at}, placed on its UTC calendar day. */
  public static Transaction of(String customerId, Instant at, double amount) {
    requireNonNull(at, "at");
    return new Transaction(customerId, LocalDate.ofInstant(at, ZoneOffset.UTC), amount);
  }

  /** Returns the transaction with the customer id masked ({@link Pii#mask}): it may be printed or logged. */
  @Override
  public String toString() {
    return "Transaction[customerId=" + Pii.mask(customerId) + ", date=" + date + ", amount=" + amount + "]";
  }
}
