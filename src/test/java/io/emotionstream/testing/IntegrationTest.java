package io.emotionstream.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that needs more than this JVM's own code: a broker, a registry server, a browser,
 * child processes, or seconds of training. The pom runs these under failsafe ({@code mvn verify})
 * and keeps {@code mvn test} to the rest, which needs nothing and takes well under a minute.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(IntegrationTest.TAG)
public @interface IntegrationTest {
  /** The JUnit tag, as the pom's surefire excludedGroups and failsafe groups name it. */
  String TAG = "integration";
}
