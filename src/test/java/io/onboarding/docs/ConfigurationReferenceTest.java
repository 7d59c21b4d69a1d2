package io.onboarding.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.onboarding.config.PropertyLayers;
import io.onboarding.support.QuickTest;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md names every key of config/application.properties with its current default,
 * and every environment variable the service reads. When this fails, run bin/config-reference.
 */
@QuickTest
class ConfigurationReferenceTest {

    private static final Path DOCUMENT = Path.of("docs", "configuration.md");

    @Test
    void everyKeyIsInTheReferenceWithItsDefault() throws IOException {
        Properties properties = new Properties();
        try (Reader file = Files.newBufferedReader(Path.of("config", "application.properties"), StandardCharsets.UTF_8)) {
            properties.load(file);
        }
        String reference = Files.readString(DOCUMENT);
        List<String> rows = properties.stringPropertyNames().stream().sorted().map(key -> {
            String value = properties.getProperty(key);
            return "| `" + key + "` | " + (value.isEmpty() ? "(empty)" : "`" + value.replace("|", "\\|") + "`") + " |";
        }).toList();
        assertThat(rows).isNotEmpty().allSatisfy(row -> assertThat(reference).contains(row));
    }

    @Test
    void everyEnvironmentVariableIsInTheReference() throws IOException {
        String reference = Files.readString(DOCUMENT);
        assertThat(PropertyLayers.environmentVariables()).contains("PGHOST", "PGPASSWORD_FILE")
                .allSatisfy(variable -> assertThat(reference).contains("`" + variable + "`"));
    }
}
