package io.onboarding.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class of the inner loop, {@code mvn -Pquick verify} (docs/testing.md): it starts no
 * PostgreSQL, no service (in-process or as a process), no daemon and no browser; a command line tool
 * run to its end (promtool, amtool, docker-compose config) is fine. Subclasses are quick too.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("quick")
public @interface QuickTest {
}
