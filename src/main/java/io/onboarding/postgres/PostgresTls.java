package io.onboarding.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * TLS to a PostgreSQL cluster in libpq's terms (PGSSLMODE, PGSSLROOTCERT, PGSSLCERT, PGSSLKEY): the
 * same settings become pgjdbc connection properties for every JDBC connection and PG* variables for
 * pg_dump/pg_restore. Empty fields are left to the client's default (libpq and pgjdbc: {@code prefer}).
 */
public record PostgresTls(String mode, String rootCert, String cert, String key) {

    /** libpq's modes, weakest first. */
    public static final List<String> MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** libpq's default, what a client does when nothing is set. */
    public static final String DEFAULT_MODE = "prefer";

    public static final PostgresTls DEFAULT = new PostgresTls("", "", "", "");

    public PostgresTls {
        mode = mode == null ? "" : mode.trim();
        rootCert = rootCert == null ? "" : rootCert.trim();
        cert = cert == null ? "" : cert.trim();
        key = key == null ? "" : key.trim();
        if (!mode.isEmpty() && !MODES.contains(mode)) {
            throw new IllegalStateException("PGSSLMODE " + mode + " is not one of " + String.join(", ", MODES));
        }
        for (Map.Entry<String, String> file : Map.of("PGSSLROOTCERT", rootCert, "PGSSLCERT", cert, "PGSSLKEY", key)
                .entrySet()) {
            if (!file.getValue().isEmpty() && !Files.isReadable(Path.of(file.getValue()))) {
                throw new IllegalStateException(file.getKey() + " names " + file.getValue() + ", which cannot be read");
            }
        }
        if (cert.isEmpty() != key.isEmpty()) {
            throw new IllegalStateException("PGSSLCERT and PGSSLKEY go together: set both or neither");
        }
    }

    /** From the {@code onboarding.postgres.ssl*} settings (empty when unset). */
    public static PostgresTls from(UnaryOperator<String> setting) {
        return new PostgresTls(setting.apply("onboarding.postgres.sslmode"),
                setting.apply("onboarding.postgres.sslrootcert"), setting.apply("onboarding.postgres.sslcert"),
                setting.apply("onboarding.postgres.sslkey"));
    }

    /** The mode a client of this cluster should use, as shown in tenants' connection details. */
    public String effectiveMode() {
        return mode.isEmpty() ? DEFAULT_MODE : mode;
    }

    /** pgjdbc's properties of the same names and meanings. */
    public Properties jdbcProperties() {
        Properties properties = new Properties();
        put(properties, "sslmode", mode);
        put(properties, "sslrootcert", rootCert);
        put(properties, "sslcert", cert);
        put(properties, "sslkey", key);
        return properties;
    }

    /** libpq's environment for the client tools (pg_dump, pg_restore). */
    public Map<String, String> libpqEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        putIfSet(environment, "PGSSLMODE", mode);
        putIfSet(environment, "PGSSLROOTCERT", rootCert);
        putIfSet(environment, "PGSSLCERT", cert);
        putIfSet(environment, "PGSSLKEY", key);
        return environment;
    }

    private static void put(Properties properties, String name, String value) {
        if (!value.isEmpty()) {
            properties.setProperty(name, value);
        }
    }

    private static void putIfSet(Map<String, String> environment, String name, String value) {
        if (!value.isEmpty()) {
            environment.put(name, value);
        }
    }

    /** As start-up messages name it: the settings, never a key's content. */
    @Override
    public String toString() {
        if (mode.isEmpty() && rootCert.isEmpty() && cert.isEmpty()) {
            return "TLS: libpq's default, " + DEFAULT_MODE;
        }
        return "PGSSLMODE=" + effectiveMode() + (rootCert.isEmpty() ? "" : ", PGSSLROOTCERT=" + rootCert)
                + (cert.isEmpty() ? "" : ", PGSSLCERT=" + cert + ", PGSSLKEY=" + key);
    }
}
