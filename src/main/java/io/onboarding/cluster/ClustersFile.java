package io.onboarding.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.postgres.PostgresTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The {@code CLUSTERS_FILE} read strictly: the whole file is checked before anything is used, and
 * the first problem refuses start-up with a message naming the entry ({@code clusters[1] (eu-2):
 * port must be 1-65535}). Unknown keys, duplicate keys or names, a missing or doubled password
 * source, a bad port, state or capacity are all refused.
 */
public final class ClustersFile {

    private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Set<String> KEYS = Set.of("name", "region", "host", "port", "user", "password",
            "password_file", "password_secret", "sslmode", "sslrootcert", "sslcert", "sslkey", "capacity", "state");
    private static final List<String> PASSWORD_SOURCES = List.of("password", "password_file", "password_secret");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

    private ClustersFile() {
    }

    /**
     * The clusters the file names, in its order. {@code secret} reads a {@code password_secret}
     * (a secret-store path) and fails if there is none.
     */
    public static List<ClusterSettings> read(Path file, Function<String, String> secret) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw refused(file, "cannot be read as YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject() || root.size() != 1 || !root.path("clusters").isArray()
                || root.path("clusters").isEmpty()) {
            throw refused(file, "must hold exactly one key, clusters: a non-empty list of clusters");
        }
        List<ClusterSettings> clusters = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode entry : root.path("clusters")) {
            String label = "clusters[" + index + "]" + (entry.path("name").isTextual()
                    ? " (" + entry.path("name").asText() + ")" : "");
            try {
                ClusterSettings cluster = entry(entry, secret);
                if (!names.add(cluster.name())) {
                    throw new IllegalArgumentException("name " + cluster.name() + " is used by an earlier entry");
                }
                clusters.add(cluster);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw refused(file, label + ": " + e.getMessage());
            }
            index++;
        }
        return List.copyOf(clusters);
    }

    private static ClusterSettings entry(JsonNode entry, Function<String, String> secret) {
        if (!entry.isObject()) {
            throw new IllegalArgumentException("must be a mapping of name, region, host, port, ...");
        }
        for (Iterator<String> keys = entry.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key " + key + " (known: " + String.join(", ",
                        KEYS.stream().sorted().toList()) + ")");
            }
        }
        String name = text(entry, "name", true);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1-63 of a-z, 0-9 and '-', not starting or ending with '-'");
        }
        String region = text(entry, "region", true);
        String host = text(entry, "host", true);
        int port = entry.has("port") ? integer(entry, "port", 1, 65535) : 5432;
        String user = entry.has("user") ? text(entry, "user", true) : "postgres";
        Integer capacity = entry.has("capacity") ? integer(entry, "capacity", 0, Integer.MAX_VALUE) : null;
        String state = entry.has("state") ? text(entry, "state", true) : "open";
        ClusterSettings.State parsedState;
        try {
            parsedState = ClusterSettings.State.valueOf(state.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("state must be one of open, draining, closed (not " + state + ")");
        }
        PostgresTls tls = new PostgresTls(optional(entry, "sslmode"), optional(entry, "sslrootcert"),
                optional(entry, "sslcert"), optional(entry, "sslkey"));
        return new ClusterSettings(name, region, new PostgresCluster(host, port, user, password(entry, secret), tls),
                capacity, parsedState);
    }

    private static String password(JsonNode entry, Function<String, String> secret) {
        List<String> given = PASSWORD_SOURCES.stream().filter(entry::has).toList();
        if (given.size() > 1) {
            throw new IllegalArgumentException("give one of password, password_file, password_secret, not "
                    + String.join(" and ", given));
        }
        if (given.isEmpty()) {
            return null; // trust, peer or a client certificate
        }
        String value = text(entry, given.get(0), true);
        return switch (given.get(0)) {
            case "password_file" -> {
                try {
                    yield Files.readString(Path.of(value), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new IllegalArgumentException("password_file " + value + " cannot be read");
                }
            }
            case "password_secret" -> secret.apply(value);
            default -> value;
        };
    }

    private static String text(JsonNode entry, String key, boolean required) {
        JsonNode value = entry.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException(key + " is required");
            }
            return "";
        }
        if (!value.isValueNode() || value.asText().isBlank()) {
            throw new IllegalArgumentException(key + " must be a non-empty string");
        }
        return value.asText().strip();
    }

    private static String optional(JsonNode entry, String key) {
        return text(entry, key, false);
    }

    private static int integer(JsonNode entry, String key, int min, int max) {
        JsonNode value = entry.get(key);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()
                || value.asInt() < min || value.asInt() > max) {
            throw new IllegalArgumentException(key + " must be " + (max == Integer.MAX_VALUE ? "a whole number, "
                    + min + " or more" : min + "-" + max) + " (not " + (value == null ? "missing" : value.asText()) + ")");
        }
        return value.asInt();
    }

    private static IllegalStateException refused(Path file, String message) {
        return new IllegalStateException("CLUSTERS_FILE " + file + ": " + message);
    }
}
