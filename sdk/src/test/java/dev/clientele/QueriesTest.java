package dev.clientele;

import static dev.clientele.Fixtures.anonymousId;
import static dev.clientele.Fixtures.at;
import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static dev.clientele.Fixtures.phone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.clientele.core.Event;
import dev.clientele.core.FieldView;
import dev.clientele.core.Identifier;
import dev.clientele.core.Page;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.ProfileSearch;
import dev.clientele.core.ProfileSort;
import dev.clientele.core.TimelineQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Search, sort, paging, timelines and field views through the facade, over six profiles:
 *
 * <pre>
 * id      name       created  last active  revenue  identifiers
 * p-0001  Ann Lee    10       60           30       ann@example.com, c-100
 * p-0002  Bob Stone  20       70           100      bob@shop.org, +16502530001
 * p-0003  -          5        5            0        anonymous a-1
 * p-0004  Cy Dee     30       30           0        c-200
 * p-0005  cy dee     40       65           30       c-201
 * p-0006  -          50       never        0        zed@example.com (consent only)
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueriesTest {
  private final Clientele clientele = Fixtures.clientele();

  @BeforeAll
  void profiles() {
    ingest(event("e-01", "identify", 10).identifier(email("Ann@Example.com")).identifier(customerId("c-100"))
        .data("first_name", "Ann").data("last_name", "Lee").data("city", "Oslo").data("nickname", "").build());
    ingest(event("e-02", "identify", 20).identifier(email("bob@shop.org")).identifier(phone("+1 650 253 0001"))
        .data("first_name", "Bob").data("last_name", "Stone").build());
    ingest(event("e-03", "pageview", 5).identifier(anonymousId("a-1")).build());
    ingest(event("e-04", "identify", 30).identifier(customerId("c-200")).data("first_name", "Cy").data("last_name", "Dee").build());
    ingest(event("e-05", "identify", 40).identifier(customerId("c-201")).data("first_name", "cy").data("last_name", "dee").build());
    ingest(event("e-06", "consent", 50).action("opt_in").identifier(email("zed@example.com")).build());
    ingest(event("e-07", "order", 60).identifier(customerId("c-100")).data("total", 30).build());
    ingest(event("e-08", "order", 70).identifier(email("bob@shop.org")).data("total", 100).build());
    ingest(event("e-09", "order", 65).identifier(customerId("c-201")).data("total", "30.00").build());
    ingest(event("e-10", "pageview", 15).identifier(email("ann@example.com")).build());
    ingest(event("e-11", "login", 25).identifier(customerId("c-100")).build());
    ingest(event("e-12", "pageview", 35).identifier(customerId("c-100")).build());
  }

  @AfterAll
  void close() {
    clientele.close();
  }

  private void ingest(Event e) {
    assertThat(clientele.ingest(e).outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
  }

  private static ProfileId p(int n) {
    return ProfileId.of(String.format(java.util.Locale.ROOT, "p-%04d", n));
  }

  private List<ProfileId> search(ProfileSearch s) {
    return clientele.search(s).items().stream().map(Profile::id).toList();
  }

  private List<ProfileId> text(String text) {
    return search(ProfileSearch.all().withText(text).withSort(ProfileSort.CREATED, false));
  }

  @Test
  void setUp_sixProfilesAsDescribed() {
    assertThat(clientele.storage().profileCount()).isEqualTo(6);
    assertThat(clientele.profile(p(1)).orElseThrow().lastActive()).contains(at(60));
    assertThat(clientele.profile(p(6)).orElseThrow().lastActive()).isEmpty();
  }

  @Test
  void search_firstOrLastNamePrefix_caseInsensitive() {
    assertThat(text("ann")).containsExactly(p(1));
    assertThat(text("ANN")).containsExactly(p(1));
    assertThat(text("lEe")).containsExactly(p(1));
    assertThat(text("Ann L")).containsExactly(p(1));
    assertThat(text("cy")).containsExactly(p(4), p(5));
    assertThat(text("DEE")).containsExactly(p(4), p(5));
    assertThat(text("nn")).isEmpty();
  }

  @Test
  void search_emailPrefix_caseInsensitive() {
    assertThat(text("BOB@")).containsExactly(p(2));
    assertThat(text("zed@example.COM")).containsExactly(p(6));
    assertThat(text("example.com")).isEmpty();
  }

  @Test
  void search_customerIdPrefix() {
    assertThat(text("c-2")).containsExactly(p(4), p(5));
    assertThat(text("C-100")).containsExactly(p(1));
  }

  @Test
  void search_phoneDigits_matchWhateverTheFormatting() {
    assertThat(text("+1 (650) 253")).containsExactly(p(2));
    assertThat(text("1-650-253-0001")).containsExactly(p(2));
    assertThat(text("16502530002")).isEmpty();
  }

  @Test
  void search_profileIdPrefix_caseInsensitive() {
    assertThat(text("P-0003")).containsExactly(p(3));
    assertThat(text("p-000")).hasSize(6);
  }

  @Test
  void search_anonymousIdOrOtherData_doesNotMatch() {
    assertThat(text("a-1")).isEmpty();
    assertThat(text("oslo")).isEmpty();
  }

  @Test
  void search_blankText_listsEveryone() {
    assertThat(text("   ")).hasSize(6);
  }

  @ParameterizedTest(name = "{0} descending={1}")
  @CsvSource(delimiter = '|', value = {
      "NAME        | false | 1,2,4,5,3,6",
      "NAME        | true  | 4,5,2,1,3,6",
      "CREATED     | false | 3,1,2,4,5,6",
      "CREATED     | true  | 6,5,4,2,1,3",
      "LAST_ACTIVE | false | 3,4,1,5,2,6",
      "LAST_ACTIVE | true  | 2,5,1,4,3,6",
      "REVENUE     | false | 3,4,6,1,5,2",
      "REVENUE     | true  | 2,1,5,3,4,6",
  })
  void search_sort_byValueThenIdWithMissingValuesLast(ProfileSort sort, boolean descending, String expected) {
    List<ProfileId> want = java.util.Arrays.stream(expected.split(",")).map(s -> p(Integer.parseInt(s))).toList();

    assertThat(search(ProfileSearch.all().withSort(sort, descending))).containsExactlyElementsOf(want);
  }

  @Test
  void search_default_mostRecentlyActiveFirst() {
    assertThat(search(ProfileSearch.all())).containsExactly(p(2), p(5), p(1), p(4), p(3), p(6));
  }

  @ParameterizedTest
  @CsvSource({"1", "2", "4", "5", "6", "7"})
  void search_pages_coverEveryResultExactlyOnce(int size) {
    for (ProfileSort sort : ProfileSort.values()) {
      for (boolean descending : new boolean[] {false, true}) {
        List<ProfileId> seen = new ArrayList<>();
        ProfileSearch base = ProfileSearch.all().withSort(sort, descending);
        Page<Profile> page;
        int n = 0;
        do {
          page = clientele.search(base.withPage(n++, size));
          assertThat(page.total()).isEqualTo(6);
          assertThat(page.items()).hasSizeLessThanOrEqualTo(size);
          page.items().forEach(p -> seen.add(p.id()));
        } while (page.hasNext());
        assertThat(n).isEqualTo((int) page.pageCount());
        assertThat(seen).containsExactlyElementsOf(search(base.withPage(0, 50)));
        assertThat(clientele.search(base.withPage(n, size)).items()).isEmpty();
      }
    }
  }

  @Test
  void search_textAndPages_totalCountsOnlyMatches() {
    Page<Profile> first = clientele.search(ProfileSearch.all().withText("c").withSort(ProfileSort.NAME, false).withPage(0, 1));
    Page<Profile> second = clientele.search(ProfileSearch.all().withText("c").withSort(ProfileSort.NAME, false).withPage(1, 1));

    assertThat(first.total()).isEqualTo(3); // c-100, Cy Dee, cy dee
    assertThat(first.items()).extracting(Profile::id).containsExactly(p(1));
    assertThat(second.items()).extracting(Profile::id).containsExactly(p(4));
  }

  @Test
  void search_badArguments_refused() {
    assertThatNullPointerException().isThrownBy(() -> clientele.search(null));
    assertThatIllegalArgumentException().isThrownBy(() -> ProfileSearch.all().withPage(-1, 10));
    assertThatIllegalArgumentException().isThrownBy(() -> ProfileSearch.all().withPage(0, 0));
  }

  private List<String> timeline(TimelineQuery q) {
    return clientele.timeline(p(1), q).stream().map(Event::id).toList();
  }

  @Test
  void timeline_all_oldestFirst() {
    assertThat(timeline(TimelineQuery.all())).containsExactly("e-01", "e-10", "e-11", "e-12", "e-07");
  }

  @Test
  void timeline_byType() {
    assertThat(timeline(TimelineQuery.all().withTypes(Set.of("pageview")))).containsExactly("e-10", "e-12");
    assertThat(timeline(TimelineQuery.all().withTypes(Set.of("login", "order")))).containsExactly("e-11", "e-07");
    assertThat(timeline(TimelineQuery.all().withTypes(Set.of("campaign")))).isEmpty();
  }

  @Test
  void timeline_byRange_fromInclusiveToExclusive() {
    assertThat(timeline(TimelineQuery.all().withRange(at(15), at(35)))).containsExactly("e-10", "e-11");
    assertThat(timeline(TimelineQuery.all().withRange(at(15), at(36)))).containsExactly("e-10", "e-11", "e-12");
  }

  @Test
  void timeline_newestFirstWithLimit() {
    assertThat(timeline(TimelineQuery.all().newestFirst(2))).containsExactly("e-07", "e-12");
    assertThat(timeline(TimelineQuery.all().newestFirst(100))).containsExactly("e-07", "e-12", "e-11", "e-10", "e-01");
    assertThat(timeline(TimelineQuery.all().withTypes(Set.of("pageview")).newestFirst(1))).containsExactly("e-12");
    assertThat(timeline(TimelineQuery.all().withRange(at(0), at(30)).newestFirst(2))).containsExactly("e-11", "e-10");
  }

  @Test
  void timeline_unknownProfile_throws() {
    assertThatNullPointerException().isThrownBy(() -> clientele.timeline(null, TimelineQuery.all()));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> clientele.timeline(p(99), TimelineQuery.all()))
        .isInstanceOf(NoSuchElementException.class).hasMessageContaining("p-0099");
  }

  @Test
  void fields_views() {
    assertThat(clientele.fields(FieldView.ALL)).containsExactly("city", "first_name", "last_name", "nickname");
    assertThat(clientele.fields(FieldView.KNOWN)).containsExactly("city", "first_name", "last_name");
    assertThat(clientele.fields(FieldView.COMMON)).containsExactly("first_name", "last_name");
  }

  @Test
  void profile_byDifferentlyCasedEmail_found() {
    assertThat(clientele.profile(email("  ANN@example.COM")).map(Profile::id)).contains(p(1));
    assertThat(clientele.profile(phone("(650) 253-0001")).map(Profile::id)).contains(p(2));
    assertThat(clientele.profile(email("nobody@example.com"))).isEmpty();
    assertThat(clientele.profile(email("test@test.com"))).isEmpty();
    assertThatNullPointerException().isThrownBy(() -> clientele.profile((Identifier) null));
    assertThatNullPointerException().isThrownBy(() -> clientele.profile((ProfileId) null));
  }
}
