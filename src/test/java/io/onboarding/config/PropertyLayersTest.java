package io.onboarding.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onboarding.support.QuickTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Settings precedence, without PostgreSQL or a running service: env > working-dir file > packaged file. */
@QuickTest
class PropertyLayersTest {

    @TempDir
    Path workingDirectory;

    private PropertiesComponent layered(Map<String, String> environment, Map<String, String> overrides) {
        PropertiesComponent properties = new DefaultCamelContext().getPropertiesComponent();
        PropertyLayers.applyTo(properties, environment, overrides, workingDirectory);
        return properties;
    }

    private static String value(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).orElseThrow();
    }

    @Test
    void packagedDefaultsApplyWithNothingElseSet() {
        PropertiesComponent properties = layered(Map.of(), Map.of());
        assertThat(value(properties, "onboarding.platform-db")).isEqualTo("onboarding_platform");
        assertThat(value(properties, "onboarding.server.port")).isEqualTo("8080");
        assertThat(value(properties, "onboarding.postgres.host")).isEmpty();
        assertThat(value(properties, "onboarding.inbox-dir")).isEqualTo("./data/inbox");
        assertThat(value(properties, "onboarding.public-base-url")).isEqualTo("http://localhost:8080");
        assertThat(value(properties, "onboarding.vault.enabled")).isEqualTo("false");
        assertThat(value(properties, "onboarding.smtp.enabled")).isEqualTo("false");
    }

    @Test
    void theWorkingDirectoryFileBeatsThePackagedOneAndTheEnvironmentBeatsBoth() throws Exception {
        Files.createDirectories(workingDirectory.resolve("config"));
        Files.writeString(workingDirectory.resolve("config/application.properties"), """
                onboarding.platform-db=from_file
                onboarding.server.port=9090
                onboarding.data-dir=/srv/file-data
                onboarding.smtp.host=mail.from.file
                """);
        PropertiesComponent properties = layered(Map.of("SERVER_PORT", "7070", "VAULT_ADDR", "http://vault:8200"),
                Map.of());
        assertThat(value(properties, "onboarding.platform-db")).isEqualTo("from_file");
        assertThat(value(properties, "onboarding.server.port")).isEqualTo("7070");
        assertThat(value(properties, "onboarding.users.connection-limit")).isEqualTo("10");
        // derived defaults follow whichever layer set what they derive from
        assertThat(value(properties, "onboarding.backup-dir")).isEqualTo("/srv/file-data/backups");
        assertThat(value(properties, "onboarding.public-base-url")).isEqualTo("http://localhost:7070");
        assertThat(value(properties, "onboarding.vault.enabled")).isEqualTo("true");
        assertThat(value(properties, "onboarding.smtp.enabled")).isEqualTo("true");

        PropertiesComponent withDataDir = layered(Map.of("DATA_DIR", "/srv/env-data"), Map.of());
        assertThat(value(withDataDir, "onboarding.inbox-dir")).isEqualTo("/srv/env-data/inbox");
    }

    @Test
    void explicitOverridesBeatTheEnvironment() {
        PropertiesComponent properties = layered(Map.of("PLATFORM_DB", "from_env"),
                Map.of("onboarding.platform-db", "from_test"));
        assertThat(value(properties, "onboarding.platform-db")).isEqualTo("from_test");
    }

    @Test
    void aSecretMayComeFromTheFileItsFileVariableNames() throws Exception {
        Path secret = Files.writeString(workingDirectory.resolve("pgpassword"), "  s3cret-from-file\n");
        PropertiesComponent properties = layered(Map.of("PGPASSWORD_FILE", secret.toString()), Map.of());
        assertThat(value(properties, "onboarding.postgres.password")).isEqualTo("s3cret-from-file");

        PropertiesComponent both = layered(Map.of("PGPASSWORD", "direct", "PGPASSWORD_FILE", secret.toString()),
                Map.of());
        assertThat(value(both, "onboarding.postgres.password")).isEqualTo("direct");

        assertThatThrownBy(() -> layered(Map.of("VAULT_TOKEN_FILE", workingDirectory.resolve("missing").toString()),
                Map.of())).hasMessageContaining("VAULT_TOKEN_FILE").hasMessageNotContaining("s3cret");
        assertThat(PropertyLayers.environmentVariables()).contains("PGPASSWORD", "PGPASSWORD_FILE",
                "ONBOARDING_API_TOKEN_FILE", "METRICS_TOKEN_FILE");
    }

    /** Every variable that carries a secret, the key it sets, and its NAME_FILE form. */
    @ParameterizedTest(name = "{0}_FILE sets {1}")
    @CsvSource({
            "PGPASSWORD, onboarding.postgres.password",
            "ONBOARDING_API_TOKEN, onboarding.api-token",
            "VAULT_TOKEN, onboarding.vault.token",
            "VAULT_SECRET_ID, onboarding.vault.approle.secret",
            "JMS_PASSWORD, onboarding.jms.password",
            "GRAFANA_TOKEN, onboarding.grafana.token",
            "METRICS_TOKEN, onboarding.metrics.token",
            "GIT_SERVER_TOKEN, onboarding.git.server-token",
            "AWS_ACCESS_KEY_ID, onboarding.backup.s3.access-key-id",
            "AWS_SECRET_ACCESS_KEY, onboarding.backup.s3.secret-access-key"})
    void everySecretVariableHasAFileForm(String variable, String key) throws Exception {
        Path file = Files.writeString(workingDirectory.resolve(variable.toLowerCase()), "from-file-" + variable + "\n");
        assertThat(value(layered(Map.of(variable + "_FILE", file.toString()), Map.of()), key))
                .isEqualTo("from-file-" + variable);
        assertThat(value(layered(Map.of(variable, "direct", variable + "_FILE", file.toString()), Map.of()), key))
                .as("the variable itself wins").isEqualTo("direct");
        assertThatThrownBy(() -> layered(Map.of(variable + "_FILE", workingDirectory.resolve("absent").toString()),
                Map.of())).hasMessageContaining(variable + "_FILE").hasMessageContaining("absent");
        assertThat(PropertyLayers.environmentVariables()).contains(variable, variable + "_FILE");
    }

    @Test
    void metricsAreOpenOnlyWhenMetricsTokenIsSetEmpty() {
        assertThat(value(layered(Map.of(), Map.of()), "onboarding.metrics.open")).isEqualTo("false");
        assertThat(value(layered(Map.of("METRICS_TOKEN", ""), Map.of()), "onboarding.metrics.open")).isEqualTo("true");
        PropertiesComponent withToken = layered(Map.of("METRICS_TOKEN", "t0ken"), Map.of());
        assertThat(value(withToken, "onboarding.metrics.open")).isEqualTo("false");
        assertThat(value(withToken, "onboarding.metrics.token")).isEqualTo("t0ken");
    }

    @Test
    void theSecretVariablesAreExactlyThoseOfTheTable() {
        assertThat(PropertyLayers.SECRETS).containsExactlyInAnyOrder("PGPASSWORD", "ONBOARDING_API_TOKEN",
                "VAULT_TOKEN", "VAULT_SECRET_ID", "JMS_PASSWORD", "GRAFANA_TOKEN", "METRICS_TOKEN", "GIT_SERVER_TOKEN",
                "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    }

    @Test
    void tlsAndVaultAuthenticationVariablesAreMapped() {
        PropertiesComponent properties = layered(Map.of("PGSSLMODE", "verify-full", "PGSSLROOTCERT", "/ca.pem",
                "PGSSLCERT", "/client.pem", "PGSSLKEY", "/client.key", "VAULT_CACERT", "/vault-ca.pem",
                "VAULT_NAMESPACE", "team-a", "VAULT_ROLE_ID", "role-1", "VAULT_SECRET_ID", "secret-1"), Map.of());
        assertThat(value(properties, "onboarding.postgres.sslmode")).isEqualTo("verify-full");
        assertThat(value(properties, "onboarding.postgres.sslrootcert")).isEqualTo("/ca.pem");
        assertThat(value(properties, "onboarding.postgres.sslcert")).isEqualTo("/client.pem");
        assertThat(value(properties, "onboarding.postgres.sslkey")).isEqualTo("/client.key");
        assertThat(value(properties, "onboarding.vault.cacert")).isEqualTo("/vault-ca.pem");
        assertThat(value(properties, "onboarding.vault.namespace")).isEqualTo("team-a");
        assertThat(value(properties, "onboarding.vault.approle.role-id")).isEqualTo("role-1");
        assertThat(value(properties, "onboarding.vault.approle.secret")).isEqualTo("secret-1");
        assertThat(value(layered(Map.of(), Map.of()), "onboarding.postgres.sslmode")).isEmpty();
    }
}
