package dev.clientele.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.Clientele;
import dev.clientele.analytics.ActiveUsers;
import dev.clientele.consent.ConsentLedger;
import dev.clientele.core.Profile;
import dev.clientele.export.ProfileExporter;
import dev.clientele.identity.IdentityRules;
import dev.clientele.segments.Segments;
import dev.clientele.storage.jdbc.JdbcStorage;
import dev.clientele.tck.StorageContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public API of every library module names only JDK types and Clientele's own: no Guava,
 * Caffeine or Jackson type in a public or protected signature, a record component, a public
 * field or a public supertype, generic type arguments included. A host then never compiles
 * against a third-party type it did not choose, and the libraries behind it can change.
 *
 * <p>It scans every public class of the library jars (or class directories, when the tests run
 * in the reactor before packaging) found next to one anchor class of each module. Packages named
 * {@code internal} are documented as not API and are skipped.
 */
class PublicApiTest {
  /** One class of each library module: the scan covers everything on the same class path entry. */
  static final List<Class<?>> ANCHORS = List.of(
      Profile.class, StorageContract.class, JdbcStorage.class, IdentityRules.class, ConsentLedger.class,
      ActiveUsers.class, Segments.class, ProfileExporter.class, Clientele.class);

  /** Third-party packages a public signature must not name. */
  private static final List<String> FORBIDDEN = List.of(
      "com.google.", "com.github.benmanes.", "com.fasterxml.", "org.apache.", "org.slf4j.");

  private static List<Class<?>> apiClasses;

  @BeforeAll
  static void scan() {
    List<Class<?>> classes = new ArrayList<>();
    Set<Path> roots = new HashSet<>();
    for (Class<?> anchor : ANCHORS) {
      Path root = location(anchor);
      if (roots.add(root)) {
        for (String name : classNames(root)) {
          Class<?> type = load(name, anchor.getClassLoader());
          if (isApi(type)) {
            classes.add(type);
          }
        }
      }
    }
    apiClasses = classes;
  }

  @Test
  void scan_findsEveryModulesApi() {
    assertThat(apiClasses).contains(Profile.class, StorageContract.class, JdbcStorage.class, IdentityRules.class,
        ConsentLedger.class, ActiveUsers.class, Segments.class, ProfileExporter.class, Clientele.class,
        Clientele.Builder.class);
    assertThat(apiClasses).hasSizeGreaterThan(150);
  }

  @Test
  void publicSignatures_nameNoThirdPartyType() {
    Set<String> leaks = new TreeSet<>();
    for (Class<?> type : apiClasses) {
      check(type.getName() + " extends", type.getGenericSuperclass(), leaks);
      for (Type supertype : type.getGenericInterfaces()) {
        check(type.getName() + " implements", supertype, leaks);
      }
      checkTypeParameters(type.getName(), type.getTypeParameters(), leaks);
      if (type.isRecord()) {
        for (RecordComponent component : type.getRecordComponents()) {
          check(type.getName() + "#" + component.getName() + " (component)", component.getGenericType(), leaks);
        }
      }
      for (Field field : type.getDeclaredFields()) {
        if (visible(field)) {
          check(type.getName() + "#" + field.getName(), field.getGenericType(), leaks);
        }
      }
      for (Constructor<?> constructor : type.getDeclaredConstructors()) {
        if (visible(constructor)) {
          checkExecutable(type.getName() + "#<init>", constructor, leaks);
        }
      }
      for (Method method : type.getDeclaredMethods()) {
        if (visible(method) && !method.isSynthetic() && !method.isBridge()) {
          check(type.getName() + "#" + method.getName() + " returns", method.getGenericReturnType(), leaks);
          checkExecutable(type.getName() + "#" + method.getName(), method, leaks);
        }
      }
    }
    assertThat(leaks).as("third-party types in the public API").isEmpty();
  }

  private static void checkExecutable(String where, Executable executable, Set<String> leaks) {
    for (Type parameter : executable.getGenericParameterTypes()) {
      check(where + " parameter", parameter, leaks);
    }
    for (Type thrown : executable.getGenericExceptionTypes()) {
      check(where + " throws", thrown, leaks);
    }
    checkTypeParameters(where, executable.getTypeParameters(), leaks);
  }

  private static void checkTypeParameters(String where, TypeVariable<?>[] variables, Set<String> leaks) {
    for (TypeVariable<?> variable : variables) {
      for (Type bound : variable.getBounds()) {
        check(where + " <" + variable.getName() + ">", bound, leaks);
      }
    }
  }

  private static void check(String where, Type type, Set<String> leaks) {
    Set<String> names = new TreeSet<>();
    collect(type, names, new HashSet<>());
    for (String name : names) {
      if (FORBIDDEN.stream().anyMatch(name::startsWith)) {
        leaks.add(where + ": " + name);
      }
    }
  }

  /** Every class a type names: raw types, type arguments, wildcard and type-variable bounds, array components. */
  private static void collect(Type type, Set<String> names, Set<TypeVariable<?>> seen) {
    if (type == null) {
      return;
    }
    if (type instanceof Class<?> c) {
      Class<?> component = c;
      while (component.isArray()) {
        component = component.getComponentType();
      }
      names.add(component.getName());
    } else if (type instanceof ParameterizedType p) {
      collect(p.getRawType(), names, seen);
      collect(p.getOwnerType(), names, seen);
      for (Type argument : p.getActualTypeArguments()) {
        collect(argument, names, seen);
      }
    } else if (type instanceof WildcardType w) {
      Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds())).forEach(t -> collect(t, names, seen));
    } else if (type instanceof TypeVariable<?> v) {
      if (seen.add(v)) {
        for (Type bound : v.getBounds()) {
          collect(bound, names, seen);
        }
      }
    } else if (type instanceof GenericArrayType a) {
      collect(a.getGenericComponentType(), names, seen);
    }
  }

  private static boolean visible(Member member) {
    int modifiers = member.getModifiers();
    return Modifier.isPublic(modifiers) || (Modifier.isProtected(modifiers) && !Modifier.isFinal(member.getDeclaringClass().getModifiers()));
  }

  /** A class a host can name: public (or protected in an extensible class) all the way out, not in an internal package. */
  private static boolean isApi(Class<?> type) {
    if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()
        || type.getPackageName().contains(".internal")) {
      return false;
    }
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      int modifiers = c.getModifiers();
      boolean reachable = Modifier.isPublic(modifiers)
          || (Modifier.isProtected(modifiers) && !Modifier.isFinal(c.getEnclosingClass().getModifiers()));
      if (!reachable) {
        return false;
      }
    }
    return true;
  }

  static Path location(Class<?> anchor) {
    try {
      return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> classNames(Path root) {
    List<String> names = new ArrayList<>();
    try {
      if (Files.isDirectory(root)) {
        try (Stream<Path> files = Files.walk(root)) {
          files.filter(f -> f.toString().endsWith(".class"))
              .map(f -> root.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
              .forEach(names::add);
        }
      } else {
        try (JarFile jar = new JarFile(root.toFile())) {
          for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
            String entry = entries.nextElement().getName();
            if (entry.endsWith(".class")) {
              names.add(entry);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names.stream()
        .filter(n -> n.startsWith("dev/clientele/") && !n.endsWith("package-info.class") && !n.endsWith("module-info.class"))
        .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
        .toList();
  }

  private static Class<?> load(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
