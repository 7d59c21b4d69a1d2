package io.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import io.onboarding.support.SecretsSeen;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after the whole Surefire suite (Failsafe, in {@code verify}): no password or token any test
 * saw appears in any log the service wrote during the suite.
 */
class LogHygieneIT {

    @Test
    void noSecretSeenByTheSuiteIsInAnyLog() throws Exception {
        assertThat(SecretsSeen.FILE).as("the Surefire suite ran first and recorded secrets").exists();
        List<String> secrets = Files.readAllLines(SecretsSeen.FILE).stream().filter(s -> !s.isBlank()).distinct().toList();
        assertThat(secrets).hasSizeGreaterThan(5);
        List<Path> logs;
        try (Stream<Path> reports = Files.list(Path.of("target", "surefire-reports"))) {
            logs = reports.filter(p -> p.getFileName().toString().endsWith("-output.txt")).toList();
        }
        assertThat(logs).isNotEmpty();
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            for (String secret : secrets) {
                assertThat(text).as("%s must not contain a secret", log.getFileName()).doesNotContain(secret);
            }
        }
    }
}
