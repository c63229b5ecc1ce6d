package io.callauth;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The allowed dependencies between the packages (issue 20: "no import climbs back up the layers"), checked on the
 * compiled classes: a dependency that climbs back fails the build, naming the class and the line. The layers, from
 * the bottom: {@code common}; {@code phone}, {@code security}; {@code provider} (the contract and the adapters) and the
 * attempt log; {@code verification}, the use cases; what plugs into them ({@code ratelimit}, {@code rules},
 * {@code fraud}) and what reads their records ({@code attempts}' API side, {@code calls}); {@code console},
 * {@code openapi} and {@code startup} on top.
 */
class PackageDependenciesTest {

    /** what verification may use of attempts: the attempt log it writes, not the archive or the fraud API */
    static final Set<String> ATTEMPT_LOG = Set.of("AttemptLog", "AttemptRecord", "AttemptRecords", "AttemptType",
            "AttemptsConfig", "StreamHold");

    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.callauth");
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void commonDependsOnNoOtherCallauthPackage() {
        check(noClasses().that().resideInAPackage("io.callauth.common..")
                .should().dependOnClassesThat(resideInAPackage("io.callauth..")
                        .and(DescribedPredicate.not(resideInAPackage("io.callauth.common..")))));
    }

    @Test
    void phoneAndSecurityUseOnlyCommon() {
        check(noClasses().that().resideInAnyPackage("io.callauth.phone..", "io.callauth.security..")
                .should().dependOnClassesThat(resideInAPackage("io.callauth..")
                        .and(DescribedPredicate.not(resideInAnyPackage("io.callauth.common..", "io.callauth.phone..",
                                "io.callauth.security..")))));
    }

    @Test
    void verificationDoesNotUseWhatPlugsIntoItOrReadsItsRecords() {
        check(noClasses().that().resideInAPackage("io.callauth.verification..")
                .should().dependOnClassesThat(resideInAnyPackage("io.callauth.ratelimit..", "io.callauth.rules..",
                        "io.callauth.fraud..", "io.callauth.console..", "io.callauth.startup..")));
    }

    @Test
    void verificationUsesOfAttemptsOnlyTheAttemptLog() {
        check(noClasses().that().resideInAPackage("io.callauth.verification..")
                .should().dependOnClassesThat(resideInAPackage("io.callauth.attempts..")
                        .and(DescribedPredicate.not(topLevelIn(ATTEMPT_LOG)))));
    }

    @Test
    void attemptsDoesNotUseVerification() {
        check(noClasses().that().resideInAPackage("io.callauth.attempts..")
                .should().dependOnClassesThat(resideInAnyPackage("io.callauth.verification..",
                        "io.callauth.ratelimit..", "io.callauth.rules..", "io.callauth.console..")));
    }

    @Test
    void providerDoesNotUseVerificationNorWhatPlugsIntoIt() {
        check(noClasses().that().resideInAPackage("io.callauth.provider..")
                .should().dependOnClassesThat(resideInAnyPackage("io.callauth.verification..",
                        "io.callauth.ratelimit..", "io.callauth.rules..", "io.callauth.fraud..",
                        "io.callauth.attempts..", "io.callauth.console..")));
    }

    @Test
    void theFraudFeaturesDoNotUseEachOther() {
        check(noClasses().that().resideInAnyPackage("io.callauth.ratelimit..", "io.callauth.fraud..")
                .should().dependOnClassesThat(resideInAnyPackage("io.callauth.rules..", "io.callauth.console..")));
        check(noClasses().that().resideInAPackage("io.callauth.rules..")
                .should().dependOnClassesThat(resideInAnyPackage("io.callauth.ratelimit..", "io.callauth.fraud..",
                        "io.callauth.console..")));
    }

    @Test
    void nothingUsesTheConsole() {
        check(noClasses().that().resideOutsideOfPackage("io.callauth.console..")
                .should().dependOnClassesThat(resideInAPackage("io.callauth.console..")));
    }

    @Test
    void nothingUsesTheStartupReport() {
        check(noClasses().that().resideOutsideOfPackage("io.callauth.startup..")
                .should().dependOnClassesThat(resideInAPackage("io.callauth.startup..")));
    }

    /** a class whose top-level class (itself, or the one it is nested in) is one of {@code names} */
    private static DescribedPredicate<JavaClass> topLevelIn(Set<String> names) {
        return DescribedPredicate.describe("the attempt log " + names, c -> {
            String simple = c.getName().substring(c.getPackageName().length() + 1);
            int nested = simple.indexOf('$');
            return names.contains(nested < 0 ? simple : simple.substring(0, nested));
        });
    }
}
