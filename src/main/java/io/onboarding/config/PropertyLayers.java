package io.onboarding.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.camel.spi.PropertiesComponent;

/**
 * How Camel's properties component is layered for this service, lowest first:
 * <ol>
 * <li>{@code classpath:config/application.properties}, the copy packaged in the jar;</li>
 * <li>{@code config/application.properties} in the working directory, if present;</li>
 * <li>the contract's environment variables (and their {@code *_FILE} forms), then
 * {@code -Donboarding.*} system properties, then explicit overrides (tests), all as Camel
 * <em>override properties</em>, which beat every properties file.</li>
 * </ol>
 * Defaults derived from other keys (every directory under {@code DATA_DIR}) are placeholders in the
 * properties file. The only values computed here are the {@code *.enabled} switches the routes use
 * as preconditions: an optional integration is on when its address is set, whichever layer set it.
 */
public final class PropertyLayers {

    /** Contract environment variables and the property key each one sets. */
    static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("PGHOST", "onboarding.postgres.host"),
            Map.entry("PGPORT", "onboarding.postgres.port"),
            Map.entry("PGUSER", "onboarding.postgres.user"),
            Map.entry("PGPASSWORD", "onboarding.postgres.password"),
            Map.entry("PLATFORM_DB", "onboarding.platform-db"),
            Map.entry("DATA_DIR", "onboarding.data-dir"),
            Map.entry("SERVER_PORT", "onboarding.server.port"),
            Map.entry("ONBOARDING_API_TOKEN", "onboarding.api-token"),
            Map.entry("VAULT_ADDR", "onboarding.vault.address"),
            Map.entry("VAULT_TOKEN", "onboarding.vault.token"),
            Map.entry("VAULT_KV_MOUNT", "onboarding.vault.kv-mount"),
            Map.entry("JMS_BROKER_URL", "onboarding.jms.broker-url"),
            Map.entry("JMS_USER", "onboarding.jms.user"),
            Map.entry("JMS_PASSWORD", "onboarding.jms.password"),
            // Ports of the embedded PostgreSQL and broker (contract v1.2): a taken one stops the start naming it
            Map.entry("PG_EMBEDDED_PORT", "onboarding.embedded-postgres.port"),
            Map.entry("JMS_EMBEDDED_PORT", "onboarding.jms.embedded-port"),
            Map.entry("INBOX_DIR", "onboarding.inbox-dir"),
            Map.entry("BACKUP_DIR", "onboarding.backup-dir"),
            Map.entry("BACKUP_MIN_INTERVAL_SECONDS", "onboarding.backup.min-schedule-interval-seconds"),
            Map.entry("BACKUP_MAX_RETENTION_DAYS", "onboarding.backup.max-retention-days"),
            Map.entry("BACKUP_MAX_PER_TENANT", "onboarding.backup.max-backups-per-tenant"),
            Map.entry("BACKUP_FINAL_RETENTION", "onboarding.backup.final-retention"),
            Map.entry("SMTP_HOST", "onboarding.smtp.host"),
            Map.entry("SMTP_PORT", "onboarding.smtp.port"),
            Map.entry("SMTP_FROM", "onboarding.smtp.from"),
            Map.entry("PUBLIC_BASE_URL", "onboarding.public-base-url"),
            Map.entry("PROMETHEUS_CONFIG_DIR", "onboarding.prometheus.config-dir"),
            Map.entry("PROMETHEUS_URL", "onboarding.prometheus.url"),
            Map.entry("GRAFANA_URL", "onboarding.grafana.url"),
            Map.entry("GRAFANA_TOKEN", "onboarding.grafana.token"),
            Map.entry("GIT_ROOT", "onboarding.git-root"),
            Map.entry("GIT_SERVER_URL", "onboarding.git.server-url"),
            Map.entry("GIT_SERVER_TOKEN", "onboarding.git.server-token"),
            Map.entry("GIT_SERVER_ORG", "onboarding.git.server-org"),
            Map.entry("CLOUD_PROVISIONER_URL", "onboarding.cloud-provisioner.url"),
            Map.entry("MAX_BODY_BYTES", "onboarding.server.max-body-bytes"),
            Map.entry("METRICS_TOKEN", "onboarding.metrics.token"),
            // Hardened connections (docs/connections.md): TLS to PostgreSQL, Vault TLS, namespace and AppRole
            Map.entry("PGSSLMODE", "onboarding.postgres.sslmode"),
            Map.entry("PGSSLROOTCERT", "onboarding.postgres.sslrootcert"),
            Map.entry("PGSSLCERT", "onboarding.postgres.sslcert"),
            Map.entry("PGSSLKEY", "onboarding.postgres.sslkey"),
            Map.entry("VAULT_CACERT", "onboarding.vault.cacert"),
            Map.entry("VAULT_NAMESPACE", "onboarding.vault.namespace"),
            Map.entry("VAULT_ROLE_ID", "onboarding.vault.approle.role-id"),
            Map.entry("VAULT_SECRET_ID", "onboarding.vault.approle.secret"),
            // Offsite backups in an S3-compatible object store (docs/backups-offsite.md)
            Map.entry("BACKUP_S3_ENDPOINT", "onboarding.backup.s3.endpoint"),
            Map.entry("BACKUP_S3_BUCKET", "onboarding.backup.s3.bucket"),
            Map.entry("BACKUP_S3_REGION", "onboarding.backup.s3.region"),
            Map.entry("AWS_ACCESS_KEY_ID", "onboarding.backup.s3.access-key-id"),
            Map.entry("AWS_SECRET_ACCESS_KEY", "onboarding.backup.s3.secret-access-key"),
            Map.entry("BACKUP_S3_CHECKSUMS", "onboarding.backup.s3.checksums"),
            Map.entry("BACKUP_S3_STORAGE_CLASS", "onboarding.backup.s3.storage-class"),
            // Clusters tenants are placed on (docs/clusters.md)
            Map.entry("CLUSTERS_FILE", "onboarding.clusters-file"),
            // Several instances on one control plane (docs/instances.md)
            Map.entry("INSTANCE_NAME", "onboarding.instance-name"));


    /** The variable whose being set empty opens {@code /observe/metrics} ({@link #METRICS_OPEN}). */
    static final String METRICS_TOKEN = "METRICS_TOKEN";
    static final String METRICS_OPEN = "onboarding.metrics.open";

    /** Variables carrying a secret: each may instead be given as {@code NAME_FILE}, a file holding the value. */
    static final Set<String> SECRETS = Set.of("PGPASSWORD", "ONBOARDING_API_TOKEN", "VAULT_TOKEN", "JMS_PASSWORD",
            "GRAFANA_TOKEN", "METRICS_TOKEN", "GIT_SERVER_TOKEN", "VAULT_SECRET_ID", "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY");

    /** Switches the routes use as preconditions, and the key whose being set turns each on. */
    private static final Map<String, String> SWITCHES = Map.of(
            "onboarding.vault.enabled", "onboarding.vault.address",
            "onboarding.smtp.enabled", "onboarding.smtp.host",
            "onboarding.grafana.enabled", "onboarding.grafana.url",
            "onboarding.prometheus.enabled", "onboarding.prometheus.url",
            "onboarding.git.server.enabled", "onboarding.git.server-url",
            "onboarding.cloud-provisioner.enabled", "onboarding.cloud-provisioner.url");

    private static final String CONFIG_FILE = "config/application.properties";

    private PropertyLayers() {
    }

    /** The environment variables the service reads (the contract's list, with the {@code *_FILE} forms). */
    public static Set<String> environmentVariables() {
        Set<String> names = new java.util.TreeSet<>(ENVIRONMENT.keySet());
        SECRETS.forEach(name -> names.add(name + "_FILE"));
        return names;
    }

    /**
     * Points the component at the two properties files and sets the override layer. Called before
     * anything is resolved (Camel Main: {@code beforeInitialize}).
     */
    public static void applyTo(PropertiesComponent properties, Map<String, String> environment,
                               Map<String, String> overrides, Path workingDirectory) {
        // Camel takes a key from the first location that has it: the working directory's file first.
        properties.setLocation("file:" + workingDirectory.resolve(CONFIG_FILE).toAbsolutePath() + ";optional=true,"
                + "classpath:" + CONFIG_FILE);
        if (properties instanceof org.apache.camel.component.properties.PropertiesComponent camel) {
            // Only the contract's names are read from the environment, from the map handed in (tests
            // pass their own); {{env:NAME}} placeholders still read the process environment.
            camel.setEnvironmentVariableMode(
                    org.apache.camel.component.properties.PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        }
        properties.setOverrideProperties(overrideLayer(environment, overrides));
        SWITCHES.forEach((flag, address) -> properties.addOverrideProperty(flag, Boolean.toString(
                !properties.resolveProperty(address).orElse("").isBlank())));
    }

    /** Environment (contract names, {@code *_FILE} forms) < {@code -Donboarding.*} < explicit overrides. */
    static Properties overrideLayer(Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        ENVIRONMENT.forEach((variable, key) -> {
            String value = environment.get(variable);
            String file = SECRETS.contains(variable) ? environment.get(variable + "_FILE") : null;
            if (value != null && !value.isEmpty()) {
                values.put(key, value);
            } else if (file != null && !file.isEmpty()) {
                values.put(key, readSecretFile(variable + "_FILE", Path.of(file)));
            } else if (value != null && variable.equals(METRICS_TOKEN)) {
                // METRICS_TOKEN set but empty: metrics open to anyone, deliberately (the contract's way).
                values.put(METRICS_OPEN, "true");
            }
        });
        // -Donboarding.*=... on the java command line: more explicit than the environment.
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("onboarding."))
                .forEach(name -> values.put(name, System.getProperty(name)));
        values.putAll(overrides);
        Properties layer = new Properties();
        layer.putAll(values);
        return layer;
    }

    private static String readSecretFile(String variable, Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            // The message names the variable and the file, never the content.
            throw new IllegalStateException(variable + " names " + file + ", which cannot be read", e);
        }
    }
}
