package dev.clientele;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.clientele");
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
