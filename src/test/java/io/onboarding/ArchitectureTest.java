package io.onboarding;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of docs/architecture.md, read from the compiled classes (ArchUnit): each package
 * uses only packages on floors below its own, and no packages depend on each other in a circle.
 * A new package goes on a floor here and in the picture; an import that runs up fails this test.
 */
class ArchitectureTest {

    /** Bottom floor first; packages on one floor may use each other (the cycle rule still holds). */
    static final List<List<String>> FLOORS = List.of(
            List.of("kit"),
            List.of("config"),
            List.of("postgres", "broker"),
            List.of("secrets", "observe"),
            List.of("access"),
            List.of("events", "operation"),
            List.of("cluster"),
            List.of("tenant"),
            List.of("tenant.schema", "tenant.approval"),
            List.of("identity", "git", "backup", "monitoring", "cloud", "users"),
            List.of("lifecycle"),
            List.of("inbound", "move", "reconcile"),
            List.of("web"),
            List.of("console"),
            List.of(""));

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.onboarding");
    }

    @Test
    void everyPackageUsesOnlyTheFloorsBelowIt() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (List<String> floor : FLOORS) {
            for (String name : floor) {
                layers = layers.layer(layer(name)).definedBy(packageOf(name));
            }
        }
        // The command-line client is a client of the HTTP API: it uses nothing of the service.
        layers = layers.layer("cli").definedBy("io.onboarding.cli..");
        List<String> below = new ArrayList<>();
        for (List<String> floor : FLOORS) {
            for (String name : floor) {
                List<String> allowed = new ArrayList<>(below);
                floor.stream().filter(other -> !other.equals(name)).map(ArchitectureTest::layer).forEach(allowed::add);
                if (name.isEmpty()) {
                    allowed.add("cli");
                }
                layers = allowed.isEmpty() ? layers.whereLayer(layer(name)).mayNotAccessAnyLayer()
                        : layers.whereLayer(layer(name)).mayOnlyAccessLayers(allowed.toArray(String[]::new));
            }
            floor.stream().map(ArchitectureTest::layer).forEach(below::add);
        }
        layers.whereLayer("cli").mayNotAccessAnyLayer().check(classes);
    }

    @Test
    void noPackagesDependOnEachOtherInACircle() {
        slices().matching("io.onboarding.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void everyPackageIsOnAFloor() {
        List<String> placed = new ArrayList<>();
        FLOORS.forEach(floor -> floor.forEach(name -> placed.add(packageOf(name))));
        classes.stream().map(javaClass -> javaClass.getPackageName())
                .filter(name -> !name.startsWith("io.onboarding.cli"))
                .distinct()
                .forEach(name -> org.assertj.core.api.Assertions.assertThat(placed)
                        .as("package %s is on no floor of ArchitectureTest.FLOORS (and docs/architecture.md)", name)
                        .contains(name));
    }

    private static String layer(String name) {
        return name.isEmpty() ? "application" : name;
    }

    private static String packageOf(String name) {
        return name.isEmpty() ? "io.onboarding" : "io.onboarding." + name;
    }
}
