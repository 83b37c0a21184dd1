package dev.clientele.core.internal;

import java.util.Collection;

/** Argument checks shared by the modules' implementations. Not API. */
public final class Arguments {
  private Arguments() {}

  /**
   * Returns {@code values} when neither it nor any of its elements is null; otherwise throws
   * {@link NullPointerException} naming the argument ({@code name}, or {@code "name must not
   * contain null"}), as the storage SPI promises for a null key inside a collection.
   *
   * @param values a collection argument
   * @param name the argument's name, for the message
   * @return {@code values}
   */
  public static <C extends Collection<?>> C noNulls(C values, String name) {
    if (values == null) {
      throw new NullPointerException(name);
    }
    for (Object v : values) {
      if (v == null) {
        throw new NullPointerException(name + " must not contain null");
      }
    }
    return values;
  }
}
