package dev.clientele;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The identity module's public face: its API package does not lean on its {@code internal}
 * package (so nothing internal leaks through a public signature), and only the facade's package
 * uses the internals.
 */
class ApiBoundariesTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    // Only the modules' own class folders or jars, not a scan of the whole class path.
    Set<Location> modules = new HashSet<>();
    for (Class<?> c : List.of(Clientele.class, dev.clientele.core.Profile.class, dev.clientele.identity.IdentityRules.class,
        dev.clientele.consent.Erasure.class, dev.clientele.analytics.ActiveUsers.class, dev.clientele.export.CsvOptions.class,
        dev.clientele.segments.Condition.class)) {
      try {
        Path where = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        modules.add(Files.isDirectory(where) ? Location.of(where) : Location.of(URI.create("jar:" + where.toUri() + "!/")));
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importLocations(modules);
  }

  @Test
  void identityApi_doesNotDependOnItsInternals() {
    noClasses().that().resideInAPackage("dev.clientele.identity")
        .should().dependOnClassesThat().resideInAPackage("dev.clientele.identity.internal..")
        .check(classes);
  }

  @Test
  void identityInternals_areUsedOnlyByTheFacadeAndIdentity() {
    classes().that().resideInAPackage("dev.clientele.identity.internal..")
        .should().onlyBeAccessed().byAnyPackage("dev.clientele", "dev.clientele.identity..")
        .check(classes);
  }

  @Test
  void linkPlannerAndSurvivorship_areNotInTheApiPackage() {
    noClasses().that().resideInAPackage("dev.clientele.identity")
        .should().haveSimpleName("LinkPlanner").orShould().haveSimpleName("Survivorship")
        .check(classes);
  }
}
