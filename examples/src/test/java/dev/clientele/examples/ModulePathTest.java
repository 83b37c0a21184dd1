package dev.clientele.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.clientele.Clientele;
import dev.clientele.analytics.ActiveUsers;
import dev.clientele.consent.ConsentLedger;
import dev.clientele.core.Profile;
import dev.clientele.export.ProfileExporter;
import dev.clientele.identity.IdentityRules;
import dev.clientele.segments.Segments;
import dev.clientele.storage.jdbc.JdbcStorage;
import dev.clientele.tck.StorageContract;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every library jar is an automatic module with a stable name ({@code Automatic-Module-Name} in
 * its manifest, set by the parent pom from each module's {@code module.name}), no two of them
 * hold the same package, and a modular host can resolve and load them.
 *
 * <p>Runs on the packaged jars, as in a reactor {@code mvn verify}; skipped when the modules
 * resolve to class directories (an IDE, or {@code mvn test}), which carry no manifest.
 */
class ModulePathTest {
  /** The module name of each library jar, by one class of it. */
  private static final Map<Class<?>, String> NAMES = names();

  /**
   * The third-party modules a modular host adds itself: automatic modules cannot declare what
   * they require, and these are explicit modules, which nothing else resolves (the automatic
   * ones, libphonenumber, Commons Math and DataSketches, come with any automatic module).
   */
  static final List<String> HOST_ADDS = List.of("org.slf4j", "com.google.common", "com.github.benmanes.caffeine",
      "com.fasterxml.jackson.databind", "com.fasterxml.jackson.dataformat.csv");

  private static Map<Class<?>, String> names() {
    Map<Class<?>, String> names = new LinkedHashMap<>();
    names.put(Profile.class, "dev.clientele.core");
    names.put(StorageContract.class, "dev.clientele.tck");
    names.put(JdbcStorage.class, "dev.clientele.storage.jdbc");
    names.put(IdentityRules.class, "dev.clientele.identity");
    names.put(ConsentLedger.class, "dev.clientele.consent");
    names.put(ActiveUsers.class, "dev.clientele.analytics");
    names.put(Segments.class, "dev.clientele.segments");
    names.put(ProfileExporter.class, "dev.clientele.export");
    names.put(Clientele.class, "dev.clientele");
    return names;
  }

  @Test
  void libraryJars_areNamedModules_withoutSplitPackages() {
    assertThat(NAMES.keySet()).containsExactlyInAnyOrderElementsOf(PublicApiTest.ANCHORS);
    Map<Class<?>, Path> jars = jars();
    ModuleFinder finder = ModuleFinder.of(jars.values().toArray(Path[]::new));
    Map<String, String> moduleOfPackage = new HashMap<>();
    Set<String> split = new TreeSet<>();
    for (Map.Entry<Class<?>, String> e : NAMES.entrySet()) {
      ModuleReference ref = finder.find(e.getValue()).orElseThrow(
          () -> new AssertionError("no module " + e.getValue() + " among " + jars.values()));
      ModuleDescriptor descriptor = ref.descriptor();
      assertThat(ref.location()).contains(jars.get(e.getKey()).toUri());
      assertThat(descriptor.isAutomatic()).isTrue();
      assertThat(descriptor.packages()).allMatch(p -> p.equals(e.getValue()) || p.startsWith(e.getValue() + "."),
          "packages under the module's name");
      for (String p : descriptor.packages()) {
        String other = moduleOfPackage.putIfAbsent(p, descriptor.name());
        if (other != null) {
          split.add(p + " in " + other + " and " + descriptor.name());
        }
      }
    }
    assertThat(split).as("split packages").isEmpty();
  }

  @Test
  void aModularHost_resolvesAndLoadsThem() throws Exception {
    jars();
    Path[] modulePath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.endsWith(".jar"))
        .map(Path::of)
        .toArray(Path[]::new);
    Set<String> roots = new TreeSet<>(NAMES.values());
    roots.addAll(HOST_ADDS);
    Configuration configuration = ModuleLayer.boot().configuration()
        .resolve(ModuleFinder.of(modulePath), ModuleFinder.of(), roots);
    // One loader for every module: it refuses two modules with the same package.
    ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());

    Class<?> facade = layer.findLoader("dev.clientele").loadClass(Clientele.class.getName());
    assertThat(facade).isNotSameAs(Clientele.class);
    assertThat(facade.getModule().getName()).isEqualTo("dev.clientele");
    try (AutoCloseable clientele = (AutoCloseable) facade.getMethod("inMemory").invoke(null)) {
      assertThat(clientele.getClass().getModule().getName()).isEqualTo("dev.clientele");
    }
  }

  /**
   * Each anchor's jar; skips the test when the modules are class directories (an IDE, or
   * {@code mvn test}), except under {@code CI=true}, whose {@code mvn verify} builds the jars.
   */
  private static Map<Class<?>, Path> jars() {
    Map<Class<?>, Path> jars = new LinkedHashMap<>();
    for (Class<?> anchor : NAMES.keySet()) {
      Path location = PublicApiTest.location(anchor);
      boolean jar = location.toString().endsWith(".jar");
      String why = "library modules are class directories here, not jars: " + location;
      if (!jar && "true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI=true but " + why + " (run mvn verify, not mvn test)");
      }
      assumeTrue(jar, why);
      jars.put(anchor, location);
    }
    return jars;
  }
}
