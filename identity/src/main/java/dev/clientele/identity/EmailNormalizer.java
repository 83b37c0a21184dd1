package dev.clientele.identity;

import dev.clientele.core.Identifier;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Emails: strip, lower-case the whole address with {@link Locale#ROOT} (never the default
 * locale, whose Turkish rules would turn {@code I} into a dotless {@code ı}), then check the
 * shape {@code local@domain.tld}.
 */
final class EmailNormalizer implements IdentifierNormalizer {
  private static final Pattern SHAPE = Pattern.compile("[^\\s@]{1,64}@[^\\s@.]+(\\.[^\\s@.]+)+");

  @Override
  public NormalizedIdentifier normalize(Identifier raw) {
    String v = raw.value().strip().toLowerCase(Locale.ROOT);
    Identifier id = v.isEmpty() ? raw : Identifier.of(raw.type(), v);
    return SHAPE.matcher(v).matches() && v.length() <= 254
        ? NormalizedIdentifier.valid(id)
        : NormalizedIdentifier.malformed(id, "email is not of the form local@domain.tld");
  }
}
