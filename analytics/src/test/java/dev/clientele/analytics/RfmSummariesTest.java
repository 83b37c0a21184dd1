package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class RfmSummariesTest {
  private static Transaction tx(String id, String date, double amount) {
    return new Transaction(id, LocalDate.parse(date), amount);
  }

  @Test
  void fromTransactions_mergesSameDayPurchasesAndCountsRepeatPeriods() {
    List<Transaction> t = List.of(
        tx("a", "2026-01-01", 10), // birth
        tx("a", "2026-01-01", 5), // same day: merged into the first purchase
        tx("a", "2026-01-08", 20),
        tx("a", "2026-01-08", 4), // merged: one repeat purchase worth 24
        tx("a", "2026-01-15", 30));
    RfmSummary a = RfmSummaries.fromTransactions(t, LocalDate.parse("2026-01-29"), PeriodUnit.DAY).get(0);
    assertThat(a).isEqualTo(new RfmSummary("a", 2, 14, 28, 27, OptionalDouble.of(69))); // mean of 24 and 30; 15 + 24 + 30 in all
  }

  @Test
  void fromTransactions_weekUnitIsDaysOverSeven() {
    List<Transaction> t = List.of(tx("a", "2026-01-01", 10), tx("a", "2026-01-04", 10));
    RfmSummary a = RfmSummaries.fromTransactions(t, LocalDate.parse("2026-01-11"), PeriodUnit.WEEK).get(0);
    assertThat(a.frequency()).isEqualTo(1);
    assertThat(a.recency()).isEqualTo(3 / 7.0);
    assertThat(a.age()).isEqualTo(10 / 7.0);
  }

  @Test
  void fromTransactions_weekPurchasePeriodMergesWithinAnIsoWeek() {
    // 2026-01-05 is a Monday: the 5th and 11th share a week, the 12th starts the next.
    List<Transaction> t = List.of(tx("a", "2026-01-05", 10), tx("a", "2026-01-11", 10), tx("a", "2026-01-12", 6),
        tx("a", "2026-01-13", 4));
    RfmSummary a = RfmSummaries.fromTransactions(t, LocalDate.parse("2026-01-26"), PeriodUnit.WEEK, PeriodUnit.WEEK).get(0);
    assertThat(a).isEqualTo(new RfmSummary("a", 1, 1, 3, 10, OptionalDouble.of(30)));
    RfmSummary days = RfmSummaries.fromTransactions(t, LocalDate.parse("2026-01-26"), PeriodUnit.DAY, PeriodUnit.WEEK).get(0);
    assertThat(days.recency()).isEqualTo(7);
    assertThat(days.age()).isEqualTo(21);
  }

  @Test
  void fromTransactions_ignoresNonPositiveOrdersAndOrdersAfterTheCalibrationEnd() {
    List<Transaction> t = List.of(
        tx("a", "2026-01-01", 0), // not counted: the first counted order is on the 3rd
        tx("a", "2026-01-03", 10),
        tx("a", "2026-01-05", -5),
        tx("a", "2026-02-01", 10), // after the end
        tx("b", "2026-01-02", 0), // b never ordered with a value > 0
        tx("c", "2026-01-20", 7)); // born after the end
    List<RfmSummary> s = RfmSummaries.fromTransactions(t, LocalDate.parse("2026-01-10"), PeriodUnit.DAY);
    assertThat(s).containsExactly(new RfmSummary("a", 0, 0, 7, 0, OptionalDouble.of(10)));
  }

  @Test
  void fromTransactions_withoutEndUsesTheLastCountedOrderAndKeepsInputOrder() {
    List<Transaction> t = List.of(tx("z", "2026-01-01", 1), tx("a", "2026-01-02", 1), tx("z", "2026-01-05", 2),
        tx("a", "2026-01-09", -1));
    List<RfmSummary> s = RfmSummaries.fromTransactions(t, PeriodUnit.DAY);
    assertThat(s).extracting(RfmSummary::customerId).containsExactly("z", "a");
    assertThat(s.get(0).age()).isEqualTo(4);
    assertThat(s.get(1).age()).isEqualTo(3);
    assertThatThrownBy(() -> RfmSummaries.fromTransactions(List.of(tx("a", "2026-01-01", 0)), PeriodUnit.DAY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amount > 0");
  }

  @Test
  void fromTransactions_sortsManyUnorderedOrders() {
    List<Transaction> t = new java.util.ArrayList<>();
    for (int d = 99; d >= 0; d--) {
      t.add(tx("a", LocalDate.parse("2026-01-01").plusDays(d).toString(), d + 1));
    }
    RfmSummary a = RfmSummaries.fromTransactions(t, LocalDate.parse("2026-06-01"), PeriodUnit.DAY).get(0);
    assertThat(a.frequency()).isEqualTo(99);
    assertThat(a.recency()).isEqualTo(99);
    assertThat(a.monetaryValue()).isCloseTo((5050.0 - 1) / 99, within(1e-12));
  }

  @Test
  void fromTransactions_rejectsNullsNamingTheArgument() {
    assertThatThrownBy(() -> RfmSummaries.fromTransactions(null, LocalDate.EPOCH, PeriodUnit.DAY))
        .isInstanceOf(NullPointerException.class).hasMessage("transactions");
    assertThatThrownBy(() -> RfmSummaries.fromTransactions(List.of(), null, PeriodUnit.DAY))
        .isInstanceOf(NullPointerException.class).hasMessage("calibrationEnd");
    assertThatThrownBy(() -> RfmSummaries.fromTransactions(List.of(), LocalDate.EPOCH, null))
        .isInstanceOf(NullPointerException.class).hasMessage("timeUnit");
  }

  @Test
  void holdoutFrequencies_countsDistinctPurchaseDaysOfTheCalibrationCohort() {
    List<Transaction> t = List.of(tx("a", "2026-01-01", 1), tx("a", "2026-01-12", 1), tx("a", "2026-01-12", 1),
        tx("a", "2026-01-15", 1), tx("a", "2026-03-01", 1), tx("b", "2026-01-02", 1), tx("c", "2026-01-13", 1));
    Map<String, Integer> h = RfmSummaries.holdoutFrequencies(t, LocalDate.parse("2026-01-10"),
        LocalDate.parse("2026-01-31"), PeriodUnit.DAY);
    assertThat(h).containsExactly(Map.entry("a", 2), Map.entry("b", 0));
    assertThatThrownBy(() -> RfmSummaries.holdoutFrequencies(t, LocalDate.parse("2026-01-10"),
        LocalDate.parse("2026-01-10"), PeriodUnit.DAY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holdoutEnd 2026-01-10 must be after");
  }

  @Test
  void readSummaries_acceptsBothHeaderConventionsAndBtydNames() throws IOException {
    List<RfmSummary> lifetimes = RfmSummaries.readSummaries(new StringReader(
        "customer_id,frequency,recency,T,monetary_value\n1,2,30.43,38.86,22.35\n2,0,0,38.86,0\n"));
    List<RfmSummary> hardie = RfmSummaries.readSummaries(new StringReader(
        "\uFEFFID,x,t_x,T,zbar\r\n1,2,30.43,38.86,22.35\r\n\r\n2,0,0,38.86,0"));
    List<RfmSummary> btyd = RfmSummaries.readSummaries(new StringReader(
        "\"cust\",\"x\",\"t.x\",\"T.cal\",\"x.star\",\"m.x\"\n\"1\",2,30.43,38.86,1,22.35\n\"2\",0,0,38.86,0,0\n"));
    List<RfmSummary> expected = List.of(new RfmSummary("1", 2, 30.43, 38.86, 22.35), new RfmSummary("2", 0, 0, 38.86, 0));
    assertThat(lifetimes).isEqualTo(expected);
    assertThat(hardie).isEqualTo(expected);
    assertThat(btyd).isEqualTo(expected);
  }

  @Test
  void readSummaries_withoutMonetaryColumnGivesZeroAndIgnoresColumnOrder() throws IOException {
    List<RfmSummary> s = RfmSummaries.readSummaries(new StringReader("T,recency,frequency,ID,extra\n10,2.5,3,\"a,b\",x\n"));
    assertThat(s).containsExactly(new RfmSummary("a,b", 3, 2.5, 10, 0));
  }

  @Test
  void readSummaries_reportsTheLineAndColumnOfBadInput() {
    assertThatThrownBy(() -> RfmSummaries.readSummaries(new StringReader("ID,x,t_x\n1,2,3\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column T or T.cal");
    assertThatThrownBy(() -> RfmSummaries.readSummaries(new StringReader("ID,x,t_x,T\n1,2,3,4\n2,1,abc,4\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("line 3: t_x is not a number: 'a***(3)'");
    assertThatThrownBy(() -> RfmSummaries.readSummaries(new StringReader("ID,x,t_x,T\n1,2.5,3,4\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2: frequency must be a whole number");
    assertThatThrownBy(() -> RfmSummaries.readSummaries(new StringReader("ID,x,t_x,T\n1,2,5,4\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("line 2: recency must be in [0, age 4.0]: 5.0");
    assertThatThrownBy(() -> RfmSummaries.readSummaries(new StringReader("ID,x,t_x,T\nann@example.com,1,1,4\nann@example.com,1,1,4\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("line 3: repeated customer id a***@e***.com");
    assertThatThrownBy(() -> RfmSummaries.readSummaries(new StringReader("ID,x,t_x,T\n1,NaN,1,4\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be finite");
    assertThatThrownBy(() -> RfmSummaries.readSummaries(new StringReader("")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header row is required");
    assertThatThrownBy(() -> RfmSummaries.readSummaries(new StringReader("ID,x,t_x,T\n\"1,2,3,4\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("line 2: unterminated quoted field");
  }

  @Test
  void readTransactions_acceptsIsoBasicAndDateTimeFormats() throws IOException {
    List<Transaction> t = RfmSummaries.readTransactions(new StringReader(
        "customer_id,date,amount\n"
            + "a,2026-10-03,42.50\n"
            + "a,20261004,1\n"
            + "b,2026-10-05 23:59:59,-3\n"
            + "b,2026-10-05T23:30:00Z,2\n"
            + "c,2026-10-06T01:00:00+02:00,3\n"));
    assertThat(t).containsExactly(
        new Transaction("a", LocalDate.parse("2026-10-03"), 42.5),
        new Transaction("a", LocalDate.parse("2026-10-04"), 1),
        new Transaction("b", LocalDate.parse("2026-10-05"), -3),
        new Transaction("b", LocalDate.parse("2026-10-05"), 2),
        new Transaction("c", LocalDate.parse("2026-10-05"), 3)); // 01:00+02:00 is the 5th in UTC
  }

  @Test
  void readTransactions_reportsBadRows() {
    assertThatThrownBy(() -> RfmSummaries.readTransactions(new StringReader("id,date\na,2026-01-01\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column amount or total");
    assertThatThrownBy(() -> RfmSummaries.readTransactions(new StringReader("id,date,amount\na,01/02/2026,1\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("line 2: date is not");
    assertThatThrownBy(() -> RfmSummaries.readTransactions(new StringReader("id,date,amount\n,2026-01-01,1\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("line 2: customer_id is empty");
    assertThatThrownBy(() -> RfmSummaries.readTransactions(new StringReader("id,date,amount\na,2026-01-01\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("line 2: expected at least 3 fields, found 2");
  }

  @Test
  void transaction_validatesAndPlacesInstantsOnTheirUtcDay() {
    assertThat(Transaction.of("a", Instant.parse("2026-10-03T23:30:00Z"), 1).date()).isEqualTo(LocalDate.parse("2026-10-03"));
    assertThatThrownBy(() -> new Transaction("ann@example.com", LocalDate.EPOCH, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("amount must be finite: NaN (customer a***@e***.com)");
    assertThatThrownBy(() -> new Transaction("", LocalDate.EPOCH, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("customerId must not be empty");
  }

  @Test
  void rfmSummary_validatesItsInvariants() {
    assertThatThrownBy(() -> RfmSummary.of("a", -1, 0, 1)).hasMessageStartingWith("frequency must be >= 0: -1");
    assertThatThrownBy(() -> RfmSummary.of("a", 0, 1, 2)).hasMessageStartingWith("recency must be 0 when frequency is 0");
    assertThatThrownBy(() -> RfmSummary.of("a", 1, 3, 2)).hasMessageStartingWith("recency must be in [0, age 2.0]: 3.0");
    assertThatThrownBy(() -> RfmSummary.of("a", 1, 1, Double.POSITIVE_INFINITY)).hasMessageStartingWith("age (T) must be finite");
    assertThatThrownBy(() -> new RfmSummary("a", 1, 1, 2, -1)).hasMessageStartingWith("monetaryValue must be finite and >= 0");
    assertThatThrownBy(() -> new RfmSummary("a", 1, 1, 2, 1, OptionalDouble.of(-1)))
        .hasMessageStartingWith("historicValue must be finite and >= 0");
    assertThat(new RfmSummary("a", 1, 1, 2, 1).historicValue()).isEmpty();
  }

  @Test
  void periodUnit_parsesCliNames() {
    assertThat(PeriodUnit.parse("day")).isEqualTo(PeriodUnit.DAY);
    assertThat(PeriodUnit.parse(" WEEK ")).isEqualTo(PeriodUnit.WEEK);
    assertThat(PeriodUnit.parse("weeks")).isEqualTo(PeriodUnit.WEEK);
    assertThat(PeriodUnit.WEEK.fromDays(14)).isEqualTo(2);
    assertThatThrownBy(() -> PeriodUnit.parse("month")).hasMessage("time unit must be day or week: month");
  }
}
