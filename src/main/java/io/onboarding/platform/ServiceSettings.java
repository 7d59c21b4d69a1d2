package io.onboarding.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The service's resolved configuration. Precedence, as the contract says: explicit overrides (tests),
 * then {@code -Donboarding.*} system properties > environment variables > {@code config/application.properties} in the working directory > the copy
 * packaged in the jar. The resolved map is handed to Camel so routes see the same values.
 */
public final class ServiceSettings {

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
            Map.entry("CLOUD_PROVISIONER_URL", "onboarding.cloud-provisioner.url"),
            Map.entry("MAX_BODY_BYTES", "onboarding.server.max-body-bytes"),
            Map.entry("METRICS_TOKEN", "onboarding.metrics.token"));

    /** The environment variables the service reads (the contract's list). */
    public static java.util.Set<String> environmentVariables() {
        return ENVIRONMENT.keySet();
    }

    private static final String CONFIG_FILE = "config/application.properties";

    private final Map<String, String> values;

    private ServiceSettings(Map<String, String> values) {
        this.values = values;
    }

    public static ServiceSettings load(Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        putAll(values, packagedDefaults());
        Path local = Path.of(CONFIG_FILE);
        if (Files.isRegularFile(local)) {
            try (Reader in = Files.newBufferedReader(local, StandardCharsets.UTF_8)) {
                putAll(values, read(in));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + local.toAbsolutePath(), e);
            }
        }
        ENVIRONMENT.forEach((variable, key) -> {
            String value = environment.get(variable);
            if (value != null && !value.isEmpty()) {
                values.put(key, value);
            }
        });
        // -Donboarding.*=... on the java command line: the most explicit setting of all.
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("onboarding."))
                .forEach(name -> values.put(name, System.getProperty(name)));
        values.putAll(overrides);
        applyDerivedDefaults(values);
        return new ServiceSettings(values);
    }

    /** Defaults that depend on other settings, e.g. every directory under DATA_DIR. */
    private static void applyDerivedDefaults(Map<String, String> values) {
        String dataDir = defaultIfBlank(values, "onboarding.data-dir", "./data");
        defaultIfBlank(values, "onboarding.inbox-dir", dataDir + "/inbox");
        defaultIfBlank(values, "onboarding.backup-dir", dataDir + "/backups");
        defaultIfBlank(values, "onboarding.prometheus.config-dir", dataDir + "/prometheus");
        defaultIfBlank(values, "onboarding.git-root", dataDir + "/git");
        defaultIfBlank(values, "onboarding.public-base-url",
                "http://localhost:" + defaultIfBlank(values, "onboarding.server.port", "8080"));
        defaultIfBlank(values, "onboarding.grafana.dashboards-dir", dataDir + "/grafana/dashboards");
        // Optional integrations are on when their address is set (routes use these as preconditions).
        enabledWhenSet(values, "onboarding.vault.enabled", "onboarding.vault.address");
        enabledWhenSet(values, "onboarding.smtp.enabled", "onboarding.smtp.host");
        enabledWhenSet(values, "onboarding.grafana.enabled", "onboarding.grafana.url");
        enabledWhenSet(values, "onboarding.prometheus.enabled", "onboarding.prometheus.url");
    }

    private static void enabledWhenSet(Map<String, String> values, String flag, String address) {
        values.put(flag, Boolean.toString(!values.getOrDefault(address, "").isBlank()));
    }

    private static String defaultIfBlank(Map<String, String> values, String key, String fallback) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            values.put(key, fallback);
            return fallback;
        }
        return value;
    }

    private static Properties packagedDefaults() {
        try (InputStream in = ServiceSettings.class.getClassLoader().getResourceAsStream(CONFIG_FILE)) {
            if (in == null) {
                throw new IllegalStateException(CONFIG_FILE + " is missing from the classpath");
            }
            try (Reader reader = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
                return read(reader);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read packaged " + CONFIG_FILE, e);
        }
    }

    private static Properties read(Reader in) throws IOException {
        Properties properties = new Properties();
        properties.load(in);
        return properties;
    }

    private static void putAll(Map<String, String> target, Properties source) {
        source.stringPropertyNames().forEach(name -> target.put(name, source.getProperty(name).trim()));
    }

    public String get(String key) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("missing setting " + key);
        }
        return value;
    }

    public String get(String key, String fallback) {
        String value = values.get(key);
        return value == null || value.isEmpty() ? fallback : value;
    }

    public int getInt(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("setting " + key + " is not a number: " + values.get(key), e);
        }
    }

    public boolean isSet(String key) {
        String value = values.get(key);
        return value != null && !value.isEmpty();
    }

    public Path path(String key) {
        return Path.of(get(key)).toAbsolutePath().normalize();
    }

    /** Keys under a prefix with the prefix removed, e.g. {@code onboarding.plan.} → {@code free.connection-limit}. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                result.put(key.substring(prefix.length()), value);
            }
        });
        return result;
    }

    public Properties asProperties() {
        Properties properties = new Properties();
        properties.putAll(values);
        return properties;
    }
}
