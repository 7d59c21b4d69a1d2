package io.onboarding.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onboarding.support.QuickTest;
import org.junit.jupiter.api.Test;

/** A configured collation reaches CREATE DATABASE only as a plain locale name. */
@QuickTest
class DatabaseCollationTest {

    @Test
    void localeNamesPassAndAnythingElseStopsStartUp() {
        for (String name : new String[] {"en_US.UTF-8", "C", "POSIX", "C.UTF-8", "de_DE.utf8", "sr_RS@latin", "en-US"}) {
            assertThat(DatabaseCollation.validate(name, "setting x")).isEqualTo(name);
        }
        for (String name : new String[] {"en_US.UTF-8' TEMPLATE template1 --", "", " en_US", "en_US.UTF-8;", "a\\b"}) {
            assertThatThrownBy(() -> DatabaseCollation.validate(name, "setting onboarding.plan.free.collation"))
                    .hasMessageContaining("setting onboarding.plan.free.collation is not a locale name");
        }
    }

    @Test
    void icuNamesTheSameLocaleInItsOwnSpelling() {
        assertThat(DatabaseCollation.icuLocale("en_US.UTF-8")).isEqualTo("en-US");
        assertThat(DatabaseCollation.icuLocale("sr_RS@latin")).isEqualTo("sr-RS");
        assertThat(DatabaseCollation.icuLocale("en-US")).isEqualTo("en-US");
    }
}
