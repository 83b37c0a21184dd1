package dev.clientele.core;

import dev.clientele.testsupport.ArgumentSweep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.OwnedProfiles;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The argument checks of every public member of core's API ({@code dev.clientele.core} and
 * {@code dev.clientele.core.spi}), swept by reflection ({@link ArgumentSweep}): null, edge
 * numbers, odd strings (masked in messages when personal), collections copied in and read-only out.
 */
class PublicArgumentsHuntTest {
  static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  static final ProfileId P1 = ProfileId.of("p-1");
  static final ProfileId P2 = ProfileId.of("p-2");

  static Map<Class<?>, Supplier<?>> own() {
    Map<Class<?>, Supplier<?>> m = SweepValues.coreTypes();
    m.put(Profile.Builder.class, () -> Profile.builder(P1, T));
    m.put(Event.Builder.class, () -> Event.builder("e-1", "order", T).identifier(EMAIL));
    m.put(Attribute.class, () -> new Attribute("city", "Paris", "app", T));
    m.put(ListSubscription.class, () -> new ListSubscription("news", true, Optional.of(T), Optional.empty()));
    m.put(IdentifierState.class, () -> IdentifierState.firstSeen(EMAIL, T, true, "app"));
    m.put(OrderSummary.class, () -> OrderSummary.NONE);
    m.put(Deliverability.class, () -> Deliverability.DELIVERABLE);
    m.put(StoredEvent.class, () -> new StoredEvent(Event.builder("e-1", "order", T).identifier(EMAIL).build(), EMAIL));
    m.put(MergeRecord.Side.class, () -> new MergeRecord.Side(P2, Set.of(EMAIL), List.of()));
    m.put(MergeRecord.class, () -> new MergeRecord("m-1", MergeRecord.Kind.values()[0], T, P1,
        List.of(new MergeRecord.Side(P2, Set.of(EMAIL), List.of())), Optional.of("e-1"), List.of(EMAIL),
        Optional.empty(), "note"));
    m.put(Commit.class, () -> Commit.builder().build());
    m.put(Commit.Builder.class, Commit::builder);
    m.put(InMemoryStorage.Builder.class, InMemoryStorage::builder);
    m.put(ProfileQueries.class, () -> new ProfileQueries(new InMemoryStorage()));
    m.put(ProfileSearch.class, ProfileSearch::all);
    m.put(TimelineQuery.class, TimelineQuery::all);
    m.put(ExchangeRates.class, () -> ExchangeRates.NONE);
    m.put(RevenueRules.class, RevenueRules::anyCurrency);
    m.put(Page.class, () -> new Page<>(List.of(), 0, 10, 0));
    m.put(OwnedProfiles.class, OwnedProfiles::none);
    m.put(ProfileSort.class, () -> ProfileSort.NAME);
    for (Class<?> spi : List.of(dev.clientele.core.spi.EventStore.class, dev.clientele.core.spi.ProfileStore.class,
        dev.clientele.core.spi.IdentityIndex.class, dev.clientele.core.spi.TombstoneStore.class,
        dev.clientele.core.spi.MergeLog.class)) {
      m.put(spi, InMemoryStorage::new);
    }
    return m;
  }

  static Map<String, Supplier<?>> byName() {
    Map<String, Supplier<?>> m = new HashMap<>();
    m.put("email", () -> "ann@example.com");
    m.put("phone", () -> "+447700900123");
    m.put("currency", () -> "EUR");
    m.put("into", () -> "EUR");
    m.put("from", () -> "USD");
    m.put("list", () -> "news");
    m.put("type", () -> "email");
    m.put("action", () -> "purchase");
    m.put("source", () -> "app");
    m.put("name", () -> "city");
    return m;
  }

  static Map<String, Supplier<?>> byKey() {
    Map<String, Supplier<?>> m = new HashMap<>();
    m.put("ExchangeRates#fixed/table", () -> Map.of("USD", java.math.BigDecimal.ONE));
    m.put("OrderSummary#new/firstOrder", () -> Optional.of(T));
    m.put("OrderSummary#new/lastOrder", () -> Optional.of(T));
    return m;
  }

  static ArgumentSweep sweep() {
    Map<Class<?>, Supplier<?>> own = own();
    return ArgumentSweep.over(ArgumentSweep.publicTypes(Pii.class), byKey(), byName(), own)
        // documented meanings of null
        .nullable("Event#is/action", "Javadoc: a null action matches any action")
        .allow("OrderSummary#new/orderCount=0", "the message states the rule that ties orderCount to firstOrder")
        .nullable("Pii#mask/value", "Javadoc: null gives \"null\"")
        .nullable("Pii#maskUnlessName/value", "Javadoc: null gives \"null\", as mask does")
        .nullable("Channel#fromKey/key", "Javadoc: empty for null")
        .nullable("Profile#attribute/name", "Javadoc: empty for null")
        .nullable("Profile#identifier/identifier", "Javadoc: empty for null")
        .nullable("Profile#identifiers/type", "Javadoc: empty for null")
        .nullable("Profile#identifierCount/type", "Javadoc: 0 for null")
        .nullable("Profile#lastSeen/type", "Javadoc: empty for null")
        .nullable("EventData#checkValue/name", "Javadoc: the name is for the message only")
        .nullable("StorageException#new/message", "as RuntimeException: an exception's message may be null")
        .nullable("StorageException#new/cause", "as RuntimeException: an exception's cause may be null")
        .nullable("CommitConflictException#new/message", "as RuntimeException: an exception's message may be null")
        // index access throws IndexOutOfBoundsException, as List.get (Javadoc @throws)
        .allow("Profile#identifierAt/index=*", "Javadoc: @throws IndexOutOfBoundsException")
        .allow("Profile#attributeAt/index=*", "Javadoc: @throws IndexOutOfBoundsException")
        // messages that name the argument in the domain's words
        .alias("IdentifierType#new/name", "identifier type")
        .alias("IdentifierType#of/name", "identifier type")
        .alias("ProfileId#new/value", "profile id")
        .alias("ProfileId#of/value", "profile id")
        .alias("TimelineQuery#newestFirst/n", "limit")
        .alias("IdentifierState#firstSeen/at", "firstSeen");
  }

  @Test
  void publicArguments_sweep() {
    ArgumentSweep s = sweep().run();
    System.out.println(s.report("core"));
    s.accepted.stream().filter(a -> a.endsWith("=control") || a.endsWith("=surrogate") || a.endsWith("=newline"))
        .forEach(a -> System.out.println("  accepted: " + a));
    assertThat(s.findings).isEmpty();
  }

  @Test
  void inMemoryStorageBuilder_setTwice_refusedNamingTheSetting() {
    assertThatThrownBy(() -> InMemoryStorage.builder().maxEvents(5).maxEvents(6))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxEvents");
    assertThatThrownBy(() -> InMemoryStorage.builder().maxProfiles(5).maxProfiles(6))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxProfiles");
  }

  @Test
  void eventBuilder_laterChanges_doNotReachABuiltEvent() {
    Event.Builder b = Event.builder("e-1", "order", T).action("purchase").identifier(EMAIL).data("total", 5);
    Event first = b.build();
    b.action("refund").identifier(IdentifierType.CUSTOMER_ID, "c-1").data("total", 6).data("currency", "EUR");
    Event second = b.build();
    assertThat(first.action()).isEqualTo("purchase");
    assertThat(first.identifiers()).containsExactly(EMAIL);
    assertThat(first.data()).containsExactly(Map.entry("total", 5L));
    // a setter called twice: the last value wins ("Sets the action", "Puts one data entry")
    assertThat(second.action()).isEqualTo("refund");
    assertThat(second.data()).containsEntry("total", 6L).containsEntry("currency", "EUR");
  }

  @Test
  void eventBuilder_nullRequiredParts_refusedAtOnceNamingThem() {
    assertThatThrownBy(() -> Event.builder(null, "order", T)).isInstanceOf(NullPointerException.class).hasMessage("id");
    assertThatThrownBy(() -> Event.builder("e-1", null, T)).isInstanceOf(NullPointerException.class).hasMessage("type");
    assertThatThrownBy(() -> Event.builder("e-1", "order", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("timestamp");
  }

  @Test
  void commitBuilder_sameIdentifierTwice_refused() {
    Commit.Builder b = Commit.builder().assign(EMAIL, Optional.empty(), P1);
    assertThatThrownBy(() -> b.assign(EMAIL, Optional.empty(), P2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Commit.builder().unassign(EMAIL, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("expectedOwner");
  }

  @Test
  void listAndTagMessages_neverEchoALongOrPersonalName() {
    String name = "ann." + ArgumentSweep.MARK + "@example.com" + "x".repeat(200);
    assertThatThrownBy(() -> new ListSubscription(name, false, Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).message().doesNotContain(ArgumentSweep.MARK).hasSizeLessThan(100);
    assertThatThrownBy(() -> Profile.builder(P1, T).addTag(name))
        .isInstanceOf(IllegalArgumentException.class).message().doesNotContain(ArgumentSweep.MARK).hasSizeLessThan(100);
  }

  @Test
  void queries_nullArguments_refusedNamingThem() {
    Event e = Event.builder("e-1", "order", T).identifier(EMAIL).build();
    assertThatThrownBy(() -> TimelineQuery.all().matches(null)).isInstanceOf(NullPointerException.class).hasMessage("event");
    assertThatThrownBy(() -> e.is(null, null)).isInstanceOf(NullPointerException.class).hasMessage("type");
    assertThatThrownBy(() -> ActivityRules.defaults().isActive(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("event");
    assertThatThrownBy(() -> Identifier.of((String) null, "x")).isInstanceOf(NullPointerException.class)
        .hasMessage("type");
    assertThatThrownBy(() -> Profile.builder(P1, T).removeTag(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("tag");
  }
}
