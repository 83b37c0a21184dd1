package dev.clientele;

import dev.clientele.testsupport.ArgumentSweep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.AffinityRules;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.export.CsvOptions;
import dev.clientele.identity.IdentityRules;
import dev.clientele.segments.SegmentConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every public builder of the library, setter by setter: calling a setter twice does what its
 * Javadoc says. A setter whose Javadoc says it throws an exception when the value was "already"
 * set must throw that exception on the second call; any other setter must accept the second call
 * (the last value wins, or the values add up). The Javadoc is read from the module's source.
 */
class BuilderSetTwiceHuntTest {
  /** One class of each module whose public builders are checked. */
  private static final List<Class<?>> ANCHORS = List.of(Event.class, IdentityRules.class, ErasurePolicy.class,
      AffinityRules.class, SegmentConfig.class, CsvOptions.class, Clientele.class);

  private static final Pattern THROWS_ALREADY =
      Pattern.compile("@throws\\s+([\\w.]+)\\s+[^@]*?\\balready\\b", Pattern.DOTALL);

  @Test
  void everyBuilderSetter_calledTwice_followsItsJavadoc() throws Exception {
    Map<Class<?>, Supplier<?>> own = PublicArgumentsHuntTest.own();
    own.put(byte[].class, () -> new byte[16]);
    own.put(InMemoryStorage.Builder.class, InMemoryStorage::builder);
    putModelValues(own);
    ArgumentSweep.Values values = ArgumentSweep.values(Map.of(), Map.of("segment", () -> "vip", "name", () -> "city",
        "region", () -> "GB", "action", () -> "view"), own);
    List<String> problems = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Class<?> anchor : ANCHORS) {
      for (Class<?> b : ArgumentSweep.publicTypes(anchor)) {
        if (!b.getSimpleName().equals("Builder")) {
          continue;
        }
        Optional<Supplier<Object>> fresh = fresh(b.getDeclaringClass());
        if (fresh.isEmpty()) {
          problems.add(b.getName() + ": no way to make one (no static builder() on its class)");
          continue;
        }
        String source = source(anchor, b);
        for (Method m : b.getDeclaredMethods()) {
          if (!Modifier.isPublic(m.getModifiers()) || m.getReturnType() != b || m.getParameterCount() == 0) {
            continue;
          }
          Object[] args = new Object[m.getParameterCount()];
          boolean ok = true;
          Parameter[] ps = m.getParameters();
          for (int i = 0; i < ps.length; i++) {
            args[i] = values.make(ps[i].getParameterizedType(), b.getSimpleName() + "#" + m.getName(), ps[i].getName());
            ok &= args[i] != ArgumentSweep.NONE;
          }
          if (!ok) {
            problems.add(b.getName() + "#" + m.getName() + ": no valid arguments (add them to the test)");
            continue;
          }
          Optional<String> documented = documentedAlready(source, m);
          boolean onceRule = classSaysOnce(source);
          Object builder = fresh.get().get();
          try {
            m.invoke(builder, args);
          } catch (InvocationTargetException e) {
            skipped.add(b.getSimpleName() + "#" + m.getName() + ": the test's arguments are refused: " + e.getCause());
            continue;
          }
          Throwable second = null;
          try {
            m.invoke(builder, args);
          } catch (InvocationTargetException e) {
            second = e.getCause();
          }
          String where = b.getDeclaringClass().getSimpleName() + ".Builder#" + m.getName();
          boolean adds = adds(source, m);
          String rule = documented.map(t -> t + " (its Javadoc)")
              .orElse(onceRule && !adds ? "IllegalStateException (the class's set-once rule)" : "accepted");
          checked.add(where + ": " + rule);
          if (documented.isPresent()) {
            if (second == null || !second.getClass().getSimpleName().equals(documented.get())) {
              problems.add(where + ": Javadoc says a second call throws " + documented.get() + ", it "
                  + (second == null ? "was accepted" : "threw " + second));
            }
          } else if (onceRule && !adds) {
            if (!(second instanceof IllegalStateException)) {
              problems.add(where + ": the builder's Javadoc says each setting may be set once, a second call "
                  + (second == null ? "was accepted" : "threw " + second));
            }
          } else if (second != null && !documentsThrow(source, m, second)) {
            problems.add(where + ": Javadoc says nothing of a second call, which threw " + second);
          }
        }
      }
    }
    System.out.println("builder setters checked (" + checked.size() + "): " + checked);
    System.out.println("skipped (" + skipped.size() + "): " + skipped);
    assertThat(checked).hasSizeGreaterThan(40);
    assertThat(problems).isEmpty();
  }

  /** Whether {@code m}'s Javadoc has an {@code @throws} of {@code thrown}'s type (a rule that a second call breaks). */
  private static boolean documentsThrow(String source, Method m, Throwable thrown) {
    String builderBody = source.substring(source.indexOf("class Builder"));
    Matcher decl = Pattern.compile("public Builder " + m.getName() + "\\(").matcher(builderBody);
    if (!decl.find()) {
      return false;
    }
    String doc = builderBody.substring(builderBody.lastIndexOf("/**", decl.start()), decl.start());
    return Pattern.compile("@throws\\s+([\\w.]+\\.)?" + thrown.getClass().getSimpleName() + "\\b").matcher(doc).find();
  }

  /** Whether the builder class's Javadoc says each setting may be set once. */
  private static boolean classSaysOnce(String source) {
    int decl = source.indexOf("class Builder");
    int start = source.lastIndexOf("/**", decl);
    String doc = source.substring(start, source.lastIndexOf("*/", decl));
    return doc.matches("(?s).*\\b(set once|at most once|may be set once)\\b.*");
  }

  /** Whether {@code m} adds to a collection (its Javadoc begins "Adds", "Defines", "Calls", …): a second call adds again. */
  private static boolean adds(String source, Method m) {
    String builderBody = source.substring(source.indexOf("class Builder"));
    Matcher decl = Pattern.compile("public Builder " + m.getName() + "\\(").matcher(builderBody);
    if (!decl.find()) {
      return false;
    }
    int start = builderBody.lastIndexOf("/**", decl.start());
    String doc = builderBody.substring(start + 3, decl.start()).replaceAll("[*\\s]+", " ").strip();
    return doc.matches("(Adds|Defines|Calls|Registers|Blocks|Puts|Appends|Also|Listens|Removes|Erases|Logs|Redacts|Assigns|Unassigns|Deletes|Tombstones).*");
  }

  private static void putModelValues(Map<Class<?>, Supplier<?>> m) {
    var t = PublicArgumentsHuntTest.T;
    var email = PublicArgumentsHuntTest.EMAIL;
    m.put(dev.clientele.core.OrderSummary.class, () -> dev.clientele.core.OrderSummary.NONE);
    m.put(dev.clientele.core.IdentifierState.class, () -> dev.clientele.core.IdentifierState.firstSeen(email, t, true, "app"));
    m.put(dev.clientele.core.Attribute.class, () -> new dev.clientele.core.Attribute("city", "Paris", "app", t));
    m.put(dev.clientele.core.ListSubscription.class, () -> new dev.clientele.core.ListSubscription("news", true,
        Optional.of(t), Optional.empty()));
    m.put(dev.clientele.core.spi.StoredEvent.class, () -> new dev.clientele.core.spi.StoredEvent(
        Event.builder("e-1", "order", t).identifier(email).build(), email));
    m.put(dev.clientele.identity.IdentifierPolicy.class, () -> dev.clientele.identity.IdentifierPolicy.linking(1));
    m.put(dev.clientele.identity.SurvivorshipRules.class, () -> dev.clientele.identity.SurvivorshipRules.DEFAULTS);
    m.put(dev.clientele.identity.IdentifierNormalizer.class, () -> dev.clientele.identity.IdentifierNormalizer.STRIP);
    m.put(dev.clientele.segments.Segment.class, () -> dev.clientele.segments.Segment.of("vip",
        dev.clientele.segments.Condition.inList("news")));
    m.put(dev.clientele.segments.SegmentListener.class, () -> (dev.clientele.segments.SegmentListener) x -> { });
    m.put(dev.clientele.segments.FigureSource.class, () -> (dev.clientele.segments.FigureSource) (id, n) ->
        java.util.OptionalDouble.empty());
    m.put(dev.clientele.segments.MembershipStore.class, dev.clientele.segments.InMemoryMembershipStore::new);
    m.put(Number.class, () -> 1);
    m.put(dev.clientele.core.spi.MergeRecord.class, () -> new dev.clientele.core.spi.MergeRecord("m-1",
        dev.clientele.core.spi.MergeRecord.Kind.values()[0], t, PublicArgumentsHuntTest.P1,
        List.of(new dev.clientele.core.spi.MergeRecord.Side(PublicArgumentsHuntTest.P2, java.util.Set.of(email), List.of())),
        Optional.of("e-1"), List.of(email), Optional.empty(), "note"));
    m.put(dev.clientele.export.ProfileSource.class, () -> dev.clientele.export.ProfileSource.of(List.of()));
    m.put(dev.clientele.export.ComputedValues.class, () -> dev.clientele.export.ComputedValues.of(List.of("score"),
        p -> Map.of("score", 1)));
    m.put(CsvOptions.class, CsvOptions::defaults);
    m.put(dev.clientele.export.ProfileColumn.class, dev.clientele.export.ProfileColumn::id);
    m.put(dev.clientele.export.ExportProgress.class, () -> (dev.clientele.export.ExportProgress) (r, w) -> { });
  }

  /** A supplier of fresh builders of {@code owner}'s {@code Builder}, from its static no-argument {@code builder()}. */
  private static Optional<Supplier<Object>> fresh(Class<?> owner) {
    if (owner == Event.class) {
      return Optional.of(() -> Event.builder("e-1", "order", PublicArgumentsHuntTest.T));
    }
    if (owner == dev.clientele.core.Profile.class) {
      return Optional.of(() -> dev.clientele.core.Profile.builder(PublicArgumentsHuntTest.P1, PublicArgumentsHuntTest.T));
    }
    if (owner == dev.clientele.export.DailySeries.class) {
      return Optional.of(() -> dev.clientele.export.DailySeries.builder(List.of("total")));
    }
    try {
      Method m = owner.getMethod("builder");
      return Optional.of(() -> {
        try {
          return m.invoke(null);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      });
    } catch (NoSuchMethodException e) {
      return Optional.empty();
    }
  }

  /** The source of the top-level class holding {@code builder}, in the module of {@code anchor}. */
  private static String source(Class<?> anchor, Class<?> builder) {
    try {
      Path classes = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      Class<?> top = builder;
      while (top.getDeclaringClass() != null) {
        top = top.getDeclaringClass();
      }
      Path file = classes.getParent().getParent().resolve("src/main/java")
          .resolve(top.getName().replace('.', '/') + ".java");
      return Files.readString(file);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The exception that {@code m}'s Javadoc says a call throws when the value was "already" set
   * (the builder's own class only; overloads share the first Javadoc found), if any.
   */
  private static Optional<String> documentedAlready(String source, Method m) {
    String builderBody = source.substring(source.indexOf("class Builder"));
    Matcher decl = Pattern.compile("public Builder " + m.getName() + "\\(").matcher(builderBody);
    if (!decl.find()) {
      return Optional.empty();
    }
    int end = decl.start();
    int start = builderBody.lastIndexOf("/**", end);
    int close = builderBody.lastIndexOf("*/", end);
    if (start < 0 || close < start) {
      return Optional.empty();
    }
    Matcher t = THROWS_ALREADY.matcher(builderBody.substring(start, close));
    if (!t.find()) {
      return Optional.empty();
    }
    String type = t.group(1);
    return Optional.of(type.substring(type.lastIndexOf('.') + 1));
  }
}
