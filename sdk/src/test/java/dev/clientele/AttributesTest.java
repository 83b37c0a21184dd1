package dev.clientele;

import static dev.clientele.Fixtures.at;
import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.IngestResult.Outcome;
import dev.clientele.core.Attribute;
import dev.clientele.core.Event;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AttributesTest {
  private final Clientele clientele = Fixtures.clientele();

  @AfterEach
  void close() {
    clientele.close();
  }

  private IngestResult ingest(Event e) {
    IngestResult r = clientele.ingest(e);
    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    return r;
  }

  private Profile ann() {
    return clientele.profile(customerId("c-1")).orElseThrow();
  }

  private Event.Builder identify(String id, long minute) {
    return event(id, "identify", minute).identifier(customerId("c-1"));
  }

  @Test
  void identify_setsStandardAndCustomAttributesWithProvenance() {
    ingest(identify("e-1", 10).source("crm")
        .data("first_name", "Ann").data("city", "Oslo").data("vip_level", 3).build());

    Profile p = ann();
    assertThat(p.attribute("first_name")).contains(new Attribute("first_name", "Ann", "crm", at(10)));
    assertThat(p.attribute("city")).contains(new Attribute("city", "Oslo", "crm", at(10)));
    assertThat(p.attribute("vip_level")).contains(new Attribute("vip_level", 3L, "crm", at(10)));
    assertThat(p.attribute("vip_level").orElseThrow().isStandard()).isFalse();
    assertThat(p.attribute("city").orElseThrow().isStandard()).isTrue();
    assertThat(p.displayName()).contains("Ann");
  }

  @Test
  void identify_newerValue_replacesWithTheNewProvenance() {
    ingest(identify("e-1", 10).source("crm").data("first_name", "Ann").build());
    ingest(identify("e-2", 20).source("web").data("first_name", "Anna").build());

    assertThat(ann().attribute("first_name")).contains(new Attribute("first_name", "Anna", "web", at(20)));
  }

  @Test
  void identify_olderEventArrivingLater_doesNotOverwriteButFillsGaps() {
    ingest(identify("e-2", 20).source("web").data("first_name", "Anna").build());
    ingest(identify("e-1", 10).source("crm").data("first_name", "Ann").data("last_name", "Lee").build());

    Profile p = ann();
    assertThat(p.attribute("first_name")).contains(new Attribute("first_name", "Anna", "web", at(20)));
    assertThat(p.attribute("last_name")).contains(new Attribute("last_name", "Lee", "crm", at(10)));
    assertThat(p.eventCount()).isEqualTo(2);
  }

  @Test
  void identify_badAttributeName_reportedAndTheRestApplied() {
    IngestResult r = ingest(identify("e-1", 10).data("First Name", "Ann").data("city", "Oslo").build());

    assertThat(r.problems()).singleElement().asString().contains("e-1").contains("attribute");
    assertThat(ann().attributes()).containsOnlyKeys("city");
    assertThat(clientele.stats().problems()).isEqualTo(1);
  }

  @Test
  void nonIdentifyEvent_dataIsNotAnAttribute() {
    ingest(event("e-1", "pageview", 0).identifier(customerId("c-1")).data("first_name", "Ann").data("url", "/x").build());

    assertThat(ann().attributes()).isEmpty();
  }

  @Test
  void device_onAnyEvent_setsOnlyLastDevice() {
    ingest(event("e-1", "pageview", 10).identifier(customerId("c-1")).data("device", "iPhone").build());
    ingest(identify("e-2", 20).data("device", "Pixel").data("first_name", "Ann").build());

    Profile p = ann();
    assertThat(p.attributes()).containsOnlyKeys("last_device", "first_name");
    assertThat(p.attribute(Attribute.LAST_DEVICE)).contains(new Attribute("last_device", "Pixel", "api", at(20)));
  }

  @Test
  void device_olderEventArrivingLater_keepsTheLatestDevice() {
    ingest(event("e-2", "login", 20).identifier(customerId("c-1")).data("device", "Pixel").build());
    ingest(event("e-1", "login", 10).identifier(customerId("c-1")).data("device", "iPhone").build());

    assertThat(ann().attribute(Attribute.LAST_DEVICE).map(Attribute::value)).contains("Pixel");
  }

  @Test
  void order_positiveTotals_addUpToRevenue() {
    ingest(event("e-1", "order", 10).action("purchase").identifier(customerId("c-1"))
        .data("order_id", "o-1").data("total", new BigDecimal("42.50")).build());
    ingest(event("e-2", "order", 30).action("purchase").identifier(customerId("c-1"))
        .data("order_id", "o-2").data("total", "7.50").build());
    ingest(event("e-3", "order", 20).action("purchase").identifier(customerId("c-1"))
        .data("order_id", "o-3").data("total", 10).build());

    OrderSummary o = ann().orders();
    assertThat(o.orderCount()).isEqualTo(3);
    assertThat(o.revenue()).isEqualByComparingTo("60.00");
    assertThat(o.firstOrder()).contains(at(10));
    assertThat(o.lastOrder()).contains(at(30));
    assertThat(o.averageOrderValue()).contains(new BigDecimal("20.00"));
  }

  @Test
  void order_zeroOrNegativeTotal_ignoredForRevenueWithoutAProblem() {
    IngestResult zero = ingest(event("e-1", "order", 10).identifier(customerId("c-1")).data("total", 0).build());
    IngestResult refund = ingest(event("e-2", "order", 20).identifier(customerId("c-1")).data("total", "-15.00").build());

    assertThat(zero.problems()).isEmpty();
    assertThat(refund.problems()).isEmpty();
    assertThat(ann().orders()).isEqualTo(OrderSummary.NONE);
    assertThat(ann().eventCount()).isEqualTo(2);
  }

  @Test
  void order_nonNumericTotal_isAProblemAndTheEventIsStillApplied() {
    IngestResult r = ingest(event("e-1", "order", 10).identifier(customerId("c-1")).data("total", "12,50 EUR").build());

    assertThat(r.problems()).singleElement().asString().contains("e-1").contains("total");
    assertThat(ann().orders()).isEqualTo(OrderSummary.NONE);
    assertThat(ann().eventCount()).isEqualTo(1);
    assertThat(ann().lastActive()).contains(at(10));
  }

  @Test
  void order_missingTotal_isAProblem() {
    IngestResult r = ingest(event("e-1", "order", 10).identifier(customerId("c-1")).data("order_id", "o-1").build());

    assertThat(r.problems()).singleElement().asString().contains("e-1");
  }

  @Test
  void orders_ofMergedProfiles_addUp() {
    ingest(event("e-1", "order", 10).identifier(customerId("c-1")).data("total", 5).build());
    ingest(event("e-2", "order", 20).identifier(Fixtures.email("ann@example.com")).data("total", 7).build());

    ingest(event("e-3", "login", 30).identifier(customerId("c-1")).identifier(Fixtures.email("ann@example.com")).build());

    assertThat(ann().orders().orderCount()).isEqualTo(2);
    assertThat(ann().orders().revenue()).isEqualByComparingTo("12");
  }

  @Test
  void activity_activeAndInactiveEvents_moveOnlyWhatTheyShould() {
    ingest(event("e-1", "pageview", 10).identifier(customerId("c-1")).build());
    ingest(event("e-2", "consent", 50).action("opt_in").identifier(customerId("c-1")).identifier(Fixtures.email("ann@example.com")).build());
    ingest(event("e-3", "pageview", 5).identifier(customerId("c-1")).build());

    Profile p = ann();
    assertThat(p.firstActive()).contains(at(5));
    assertThat(p.lastActive()).contains(at(10));
    assertThat(p.createdAt()).isEqualTo(at(5));
    assertThat(p.updatedAt()).isEqualTo(at(50));
    assertThat(p.identifier(Fixtures.email("ann@example.com")).orElseThrow().lastSeen()).isEqualTo(Optional.empty());
    assertThat(p.identifier(customerId("c-1")).orElseThrow().lastSeen()).contains(at(10));
  }
}
