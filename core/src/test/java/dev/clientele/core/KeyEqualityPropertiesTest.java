package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ProfileId}, {@link IdentifierType} and {@link Identifier} write out their {@code equals}
 * (the records' generic ones run through method handles, on every event). For all inputs they
 * must decide as a record does: equal exactly when every component is equal (not the same
 * instance: the values are copied here), symmetric, never equal to null or another class, and
 * consistent with {@code hashCode}. The names and values are drawn from a small alphabet, so
 * that equal pairs are common.
 */
class KeyEqualityPropertiesTest {

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().withChars("ab").ofMinLength(1).ofMaxLength(3).map(s -> "t" + s);
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.strings().withChars("xy").ofMinLength(1).ofMaxLength(3);
  }

  @Property(tries = 300)
  void profileIds_areEqualExactlyWhenTheirValuesAre(@ForAll("values") String a, @ForAll("values") String b) {
    ProfileId x = new ProfileId(new String(a));
    ProfileId y = new ProfileId(new String(b));
    assertEqualExactlyWhen(x, y, a.equals(b));
    assertThat(x).isEqualTo(new ProfileId(new String(a)));
  }

  @Property(tries = 300)
  void identifierTypes_areEqualExactlyWhenTheirNamesAre(@ForAll("names") String a, @ForAll("names") String b) {
    IdentifierType x = new IdentifierType(new String(a));
    IdentifierType y = new IdentifierType(new String(b));
    assertEqualExactlyWhen(x, y, a.equals(b));
  }

  @Property(tries = 500)
  void identifiers_areEqualExactlyWhenTypeAndValueAre(
      @ForAll("names") String typeA, @ForAll("values") String valueA,
      @ForAll("names") String typeB, @ForAll("values") String valueB) {
    Identifier x = new Identifier(new IdentifierType(new String(typeA)), new String(valueA));
    Identifier y = new Identifier(new IdentifierType(new String(typeB)), new String(valueB));
    assertEqualExactlyWhen(x, y, typeA.equals(typeB) && valueA.equals(valueB));
    // The same value under another type is another identifier, whatever the spelling.
    Identifier sameValueOtherType = new Identifier(new IdentifierType(typeA + "z"), new String(valueA));
    assertThat(x).isNotEqualTo(sameValueOtherType);
  }

  private static void assertEqualExactlyWhen(Object x, Object y, boolean componentsEqual) {
    assertThat(x.equals(y)).isEqualTo(componentsEqual);
    assertThat(y.equals(x)).isEqualTo(componentsEqual);
    assertThat(x.equals(x)).isTrue();
    assertThat(x.equals(null)).isFalse();
    assertThat(x.equals(x.toString())).isFalse();
    if (componentsEqual) {
      assertThat(x.hashCode()).isEqualTo(y.hashCode());
    }
  }
}
