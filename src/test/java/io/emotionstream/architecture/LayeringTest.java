package io.emotionstream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the packages show, checked on the compiled main classes: data and model know nothing
 * of Kafka, kafka and the control plane (commands, their sender, run states, the model name) know
 * no service, the services (trainer, classifier, producer, monitor) know nothing of each other, and
 * only the composition roots (cli, demo) put them together; nothing depends on cli. The annotated
 * view ({@code watch}) is a library below the services: the dashboard draws its live video with it,
 * and it knows no service.
 */
class LayeringTest {
  private static final String ROOT = "io.emotionstream";
  private static final List<String> SERVICES =
      List.of("trainer", "classifier", "producer", "monitor");
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  @Test
  void dataAndModelDoNotDependOnKafka() {
    noClasses()
        .that()
        .resideInAnyPackage(ROOT + ".data..", ROOT + ".model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ROOT + ".kafka..", "org.apache.kafka..")
        .check(classes);
  }

  @Test
  void kafkaAndTheControlPlaneDependOnNoService() {
    noClasses()
        .that()
        .resideInAnyPackage(ROOT + ".kafka..", ROOT + ".control..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(packages(SERVICES, "cli", "demo"))
        .check(classes);
  }

  @Test
  void servicesDoNotDependOnEachOther() {
    for (String service : SERVICES) {
      List<String> others = SERVICES.stream().filter(other -> !other.equals(service)).toList();
      noClasses()
          .that()
          .resideInAPackage(ROOT + "." + service + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(packages(others, "cli", "demo"))
          .check(classes);
    }
  }

  @Test
  void theAnnotatedViewDependsOnNoService() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".watch..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(packages(SERVICES, "cli", "demo"))
        .check(classes);
  }

  @Test
  void nothingDependsOnTheCommandLine() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + ".cli..")
        .check(classes);
  }

  private static String[] packages(List<String> names, String... more) {
    return Stream.concat(names.stream(), Arrays.stream(more))
        .map(name -> ROOT + "." + name + "..")
        .toArray(String[]::new);
  }
}
