package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfileTest {
  private static final Instant T = Instant.parse("2026-02-01T09:00:00Z");
  private static final ProfileId ID = ProfileId.of("p-1");

  @Test
  void builder_minimal_hasEmptyDefaults() {
    Profile p = Profile.builder(ID, T).build();

    assertThat(p.id()).isEqualTo(ID);
    assertThat(p.version()).isZero();
    assertThat(p.createdAt()).isEqualTo(T);
    assertThat(p.updatedAt()).isEqualTo(T);
    assertThat(p.firstActive()).isEmpty();
    assertThat(p.lastActive()).isEmpty();
    assertThat(p.identifiers()).isEmpty();
    assertThat(p.attributes()).isEmpty();
    assertThat(p.lists()).isEmpty();
    assertThat(p.tags()).isEmpty();
    assertThat(p.orders()).isEqualTo(OrderSummary.NONE);
    assertThat(p.ccpaOptOutAt()).isEmpty();
    assertThat(p.ccpaOptInAt()).isEmpty();
    assertThat(p.eventCount()).isZero();
    assertThat(p.mergedFrom()).isEmpty();
  }

  @Test
  void toBuilder_build_equalsTheOriginal() {
    Profile p = rich();

    Profile copy = p.toBuilder().build();

    assertThat(copy).isEqualTo(p).hasSameHashCodeAs(p);
    assertThat(copy.identifiers()).isEqualTo(p.identifiers());
    assertThat(copy.lists()).isEqualTo(p.lists());
    assertThat(copy.mergedFrom()).isEqualTo(p.mergedFrom());
  }

  @Test
  void toBuilder_anyChange_isNotEqual() {
    Profile p = rich();

    assertThat(p.toBuilder().version(8).build()).isNotEqualTo(p);
    assertThat(p.toBuilder().addTag("other").build()).isNotEqualTo(p);
    assertThat(p.toBuilder().removeAttribute("city").build()).isNotEqualTo(p);
    assertThat(p.toBuilder().ccpa(Optional.empty(), Optional.empty()).build()).isNotEqualTo(p);
    assertThat(p.toBuilder().addMergedFrom(List.of(ProfileId.of("p-9"))).build()).isNotEqualTo(p);
    assertThat(p.toBuilder().orders(OrderSummary.NONE).build()).isNotEqualTo(p);
    assertThat(p.toBuilder().createdAt(T.minusSeconds(1)).build()).isNotEqualTo(p);
  }

  @Test
  void toBuilder_changes_leaveTheOriginalAlone() {
    Profile p = rich();
    List<String> tagsBefore = List.copyOf(p.tags());

    p.toBuilder().addTag("other").removeIdentifier(email("ann")).build();

    assertThat(p.tags()).containsExactlyElementsOf(tagsBefore);
    assertThat(p.identifier(email("ann"))).isPresent();
  }

  @Test
  void identifiers_areSortedByTypeThenValueWhateverTheInsertionOrder() {
    Profile p = Profile.builder(ID, T)
        .putIdentifier(seen(Identifier.of("phone", "+4712345678"), T))
        .putIdentifier(seen(email("zed"), T))
        .putIdentifier(seen(Identifier.of("customer_id", "c-1"), T))
        .putIdentifier(seen(email("ann"), T))
        .build();

    assertThat(p.identifiers()).extracting(IdentifierState::identifier).containsExactly(
        Identifier.of("customer_id", "c-1"), email("ann"), email("zed"), Identifier.of("phone", "+4712345678"));
    assertThat(p.identifiers(IdentifierType.EMAIL)).extracting(IdentifierState::identifier)
        .containsExactly(email("ann"), email("zed"));
    assertThat(p.identifier(email("zed"))).isPresent();
    assertThat(p.identifier(email("nobody"))).isEmpty();
  }

  @Test
  void lastSeen_picksTheIdentifierSeenMostRecentlyInAnActiveEvent() {
    Profile p = Profile.builder(ID, T)
        // Seen first, but also most recently.
        .putIdentifier(seen(email("old"), T).seenAt(T.plusSeconds(300), true, "web"))
        .putIdentifier(seen(email("new"), T.plusSeconds(100)))
        // Arrived last, but only with a system event: does not count as seen.
        .putIdentifier(IdentifierState.firstSeen(email("bounce"), T.plusSeconds(900), false, "esp"))
        .putIdentifier(seen(Identifier.of("phone", "+4712345678"), T.plusSeconds(1000)))
        .build();

    assertThat(p.lastSeen(IdentifierType.EMAIL).map(IdentifierState::identifier)).contains(email("old"));
    assertThat(p.lastSeen(IdentifierType.PUSH_TOKEN)).isEmpty();
  }

  @Test
  void lastSeen_tie_goesToTheGreaterValueWhateverTheInsertionOrder() {
    List<IdentifierState> states = List.of(seen(email("bea"), T), seen(email("ann"), T), seen(email("cat"), T));
    List<IdentifierState> reversed = new ArrayList<>(states);
    java.util.Collections.reverse(reversed);

    for (List<IdentifierState> order : List.of(states, reversed)) {
      Profile.Builder b = Profile.builder(ID, T);
      order.forEach(b::putIdentifier);
      assertThat(b.build().lastSeen(IdentifierType.EMAIL).map(IdentifierState::identifier)).contains(email("cat"));
    }
  }

  @Test
  void lastSeen_onlyInactiveIdentifiers_comeLastButStillAnswer() {
    Profile p = Profile.builder(ID, T)
        .putIdentifier(IdentifierState.firstSeen(email("a"), T, false, "esp"))
        .putIdentifier(IdentifierState.firstSeen(email("b"), T, false, "esp"))
        .build();

    assertThat(p.lastSeen(IdentifierType.EMAIL).map(IdentifierState::identifier)).contains(email("b"));
  }

  @Test
  void identiconSeed_withoutImage_isStableHex() {
    Profile p = Profile.builder(ID, T).build();

    Optional<String> seed = p.identiconSeed();

    assertThat(seed).hasValueSatisfying(s -> assertThat(s).matches("[0-9a-f]{8}"));
    assertThat(Profile.builder(ID, T.plusSeconds(99)).version(3).build().identiconSeed())
        .as("depends only on the id").isEqualTo(seed);
    assertThat(p.toBuilder().putAttribute(attr("first_name", "Ann")).build().identiconSeed()).isEqualTo(seed);
    assertThat(Profile.builder(ProfileId.of("p-2"), T).build().identiconSeed()).isNotEqualTo(seed);
  }

  @Test
  void identiconSeed_withImage_isEmpty() {
    Profile withImage = Profile.builder(ID, T).putAttribute(attr("image_url", "https://img.example/a.png")).build();
    Profile blankImage = Profile.builder(ID, T).putAttribute(attr("image_url", " ")).build();

    assertThat(withImage.identiconSeed()).isEmpty();
    assertThat(blankImage.identiconSeed()).as("a blank URL is no image").isPresent();
  }

  @Test
  void isCcpaOptedOut_latestChangeWinsAndOptOutWinsTies() {
    Instant t1 = T;
    Instant t2 = T.plusSeconds(60);

    assertThat(ccpa(Optional.empty(), Optional.empty()).isCcpaOptedOut()).isFalse();
    assertThat(ccpa(Optional.of(t1), Optional.empty()).isCcpaOptedOut()).isTrue();
    assertThat(ccpa(Optional.empty(), Optional.of(t1)).isCcpaOptedOut()).isFalse();
    assertThat(ccpa(Optional.of(t1), Optional.of(t2)).isCcpaOptedOut()).as("opted back in").isFalse();
    assertThat(ccpa(Optional.of(t2), Optional.of(t1)).isCcpaOptedOut()).as("opted out again").isTrue();
    assertThat(ccpa(Optional.of(t1), Optional.of(t1)).isCcpaOptedOut()).as("tie").isTrue();
  }

  @Test
  void displayName_joinsKnownNameParts() {
    assertThat(named("Ann", "Smith").displayName()).contains("Ann Smith");
    assertThat(named("Ann", null).displayName()).contains("Ann");
    assertThat(named(null, "Smith").displayName()).contains("Smith");
    assertThat(named(" ", "Smith").displayName()).contains("Smith");
    assertThat(named(null, null).displayName()).isEmpty();
    assertThat(named(" ", "").displayName()).isEmpty();
  }

  @Test
  void isAnonymous_onlyWithAnonymousIdentifiers() {
    Profile anonymous = Profile.builder(ID, T).putIdentifier(seen(Identifier.of("anonymous_id", "a-9"), T)).build();

    assertThat(anonymous.isAnonymous()).isTrue();
    assertThat(anonymous.toBuilder().putIdentifier(seen(email("ann"), T)).build().isAnonymous()).isFalse();
  }

  @Test
  void knownFields_skipsEmptyValues() {
    Profile p = Profile.builder(ID, T)
        .putAttribute(attr("city", "Oslo"))
        .putAttribute(attr("country", " "))
        .putAttribute(new Attribute("interests", List.of(), "web", T))
        .build();

    assertThat(p.knownFields()).containsExactly("city");
    assertThat(p.attribute("country")).isPresent();
    assertThat(p.attribute("gender")).isEmpty();
  }

  @Test
  void toString_holdsNoPersonalData() {
    String text = rich().toString();

    assertThat(text).contains("p-1").doesNotContain("ann").doesNotContain("Smith").doesNotContain("Oslo");
  }

  @Test
  void build_inconsistentValues_throwNamingTheField() {
    assertThatIllegalArgumentException().isThrownBy(() -> Profile.builder(ID, T).version(-1).build())
        .withMessageStartingWith("version must be >= 0");
    assertThatIllegalArgumentException().isThrownBy(() -> Profile.builder(ID, T).eventCount(-1).build())
        .withMessageStartingWith("eventCount must be >= 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Profile.builder(ID, T).activity(Optional.of(T), Optional.empty()).build())
        .withMessageContaining("firstActive and lastActive");
  }

  @Test
  void builder_nullArguments_throwNamingTheArgument() {
    assertThatNullPointerException().isThrownBy(() -> Profile.builder(null, T)).withMessage("id");
    assertThatNullPointerException().isThrownBy(() -> Profile.builder(ID, null)).withMessage("createdAt");
    Profile.Builder b = Profile.builder(ID, T);
    assertThatNullPointerException().isThrownBy(() -> b.updatedAt(null)).withMessage("updatedAt");
    assertThatNullPointerException().isThrownBy(() -> b.orders(null)).withMessage("orders");
    assertThatNullPointerException().isThrownBy(() -> b.activity(null, Optional.empty())).withMessage("first");
    assertThatNullPointerException().isThrownBy(() -> b.ccpa(Optional.empty(), null)).withMessage("optInAt");
    assertThatNullPointerException().isThrownBy(() -> b.addTag(null)).withMessage("tag");
  }

  @Test
  void addTag_blankOrLong_throws() {
    assertThatIllegalArgumentException().isThrownBy(() -> Profile.builder(ID, T).addTag(" "))
        .withMessageStartingWith("tag must be");
    assertThatIllegalArgumentException().isThrownBy(() -> Profile.builder(ID, T).addTag("x".repeat(65)))
        .withMessageStartingWith("tag must be");
  }

  private static Profile rich() {
    Instant later = T.plusSeconds(3600);
    return Profile.builder(ID, T)
        .version(7)
        .updatedAt(later)
        .activity(Optional.of(T), Optional.of(later))
        .putIdentifier(seen(email("ann"), T).withConsent(Consent.OPT_IN, T))
        .putIdentifier(seen(Identifier.of("customer_id", "c-77"), T))
        .putAttribute(attr("first_name", "Ann"))
        .putAttribute(attr("last_name", "Smith"))
        .putAttribute(attr("city", "Oslo"))
        .putList(ListSubscription.apply(Optional.empty(), "news", true, T))
        .addTag("favourite")
        .orders(OrderSummary.NONE.plus(new BigDecimal("42.50"), T))
        .ccpa(Optional.of(T), Optional.empty())
        .eventCount(12)
        .addMergedFrom(List.of(ProfileId.of("p-0")))
        .build();
  }

  private static Profile ccpa(Optional<Instant> out, Optional<Instant> in) {
    return Profile.builder(ID, T).ccpa(out, in).build();
  }

  private static Profile named(String first, String last) {
    Profile.Builder b = Profile.builder(ID, T);
    if (first != null) {
      b.putAttribute(attr("first_name", first));
    }
    if (last != null) {
      b.putAttribute(attr("last_name", last));
    }
    return b.build();
  }

  private static Attribute attr(String name, Object value) {
    return new Attribute(name, value, "web", T);
  }

  private static Identifier email(String local) {
    return Identifier.of(IdentifierType.EMAIL, local + "@example.com");
  }

  private static IdentifierState seen(Identifier identifier, Instant at) {
    return IdentifierState.firstSeen(identifier, at, true, "web");
  }

  /**
   * Lists, tags, CCPA times and merged-from ids (held in one object shared between versions
   * while unchanged) survive {@code toBuilder} and {@code reset}, a change in one version never
   * shows in another, and equality, hash code and text are those of the values.
   */
  @Test
  void extras_keptAcrossVersions_neverSharedWhenChanged() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Profile p0 = Profile.builder(ProfileId.of("p-1"), t).version(1).build();
    Profile p1 = p0.toBuilder().version(2).addTag("vip").putList(ListSubscription.apply(Optional.empty(), "news", true, t))
        .ccpa(Optional.of(t), Optional.empty()).addMergedFrom(List.of(ProfileId.of("p-9"))).build();
    Profile p2 = p1.toBuilder().version(3).eventCount(5).build();
    assertThat(p2.tags()).containsExactly("vip");
    assertThat(p2.lists()).containsOnlyKeys("news");
    assertThat(p2.ccpaOptOutAt()).contains(t);
    assertThat(p2.mergedFrom()).containsExactly(ProfileId.of("p-9"));
    Profile.Builder b = p2.toBuilder().version(4);
    b.lists();
    b.tags();
    b.addTag("z");
    Profile p3 = b.build();
    assertThat(p2.tags()).containsExactly("vip");
    assertThat(p3.tags()).containsExactly("vip", "z");
    b.removeTag("vip");
    Profile p4 = b.build();
    assertThat(p3.tags()).containsExactly("vip", "z");
    assertThat(p4.tags()).containsExactly("z");
    Profile p5 = b.reset(p0).version(2).build();
    assertThat(p5.tags()).isEmpty();
    assertThat(p5.lists()).isEmpty();
    assertThat(p5.mergedFrom()).isEmpty();
    assertThat(p5.ccpaOptOutAt()).isEmpty();
    Profile p6 = b.reset(p1).version(3).ccpa(Optional.empty(), Optional.empty()).build();
    assertThat(p6.tags()).containsExactly("vip");
    assertThat(p6.ccpaOptOutAt()).isEmpty();
    assertThat(p1.ccpaOptOutAt()).contains(t);
    assertThat(p2).isNotEqualTo(p1);
    Profile p2b = p1.toBuilder().version(3).eventCount(5).build();
    assertThat(p2b).isEqualTo(p2).hasSameHashCodeAs(p2);
    assertThat(p2b.toString()).isEqualTo(p2.toString());
    assertThat(p2.toBuilder().version(3).addTag("x").build()).isNotEqualTo(p2);
    assertThat(p2.toBuilder().version(3).ccpa(Optional.empty(), Optional.of(t)).build()).isNotEqualTo(p2);
  }
}
