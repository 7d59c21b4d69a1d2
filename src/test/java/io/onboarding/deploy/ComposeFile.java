package io.onboarding.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code docker/compose.yaml} read as data: services, their mounts, environment and dependencies. */
final class ComposeFile {

    static final Path DOCKER = Path.of("docker");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One short-syntax volume entry: {@code source:target[:mode]}. */
    record Mount(String source, String target, boolean readOnly) {

        /** A path on the host (relative to docker/), not a named volume. */
        boolean isBind() {
            return source.startsWith(".") || source.startsWith("/");
        }
    }

    final JsonNode root;

    ComposeFile(JsonNode root) {
        this.root = root;
    }

    static ComposeFile read() throws IOException {
        return new ComposeFile(readYaml("compose.yaml"));
    }

    /** A YAML file under docker/. */
    static JsonNode readYaml(String file) throws IOException {
        return YAML.readTree(DOCKER.resolve(file).toFile());
    }

    Map<String, JsonNode> services() {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        root.get("services").fields().forEachRemaining(e -> services.put(e.getKey(), e.getValue()));
        return services;
    }

    JsonNode service(String name) {
        JsonNode service = root.get("services").get(name);
        if (service == null) {
            throw new AssertionError("compose.yaml has no service " + name);
        }
        return service;
    }

    /** One-shot jobs: restart "no". Every other service runs for good. */
    static boolean isOneShot(JsonNode service) {
        return "no".equals(service.path("restart").asText());
    }

    static boolean inProfile(JsonNode service) {
        return service.has("profiles");
    }

    static List<Mount> mounts(JsonNode service) {
        List<Mount> mounts = new ArrayList<>();
        service.path("volumes").forEach(volume -> {
            String[] parts = volume.asText().split(":");
            mounts.add(new Mount(parts[0], parts[1], parts.length > 2 && parts[2].contains("ro")));
        });
        return mounts;
    }

    /** Where a service mounts a named volume, or null. */
    static String mountPointOf(JsonNode service, String volume) {
        return mounts(service).stream().filter(m -> m.source().equals(volume)).map(Mount::target)
                .findFirst().orElse(null);
    }

    static Map<String, String> environment(JsonNode service) {
        Map<String, String> environment = new LinkedHashMap<>();
        service.path("environment").fields().forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
        return environment;
    }

    /** Dependency → condition. */
    static Map<String, String> dependsOn(JsonNode service) {
        Map<String, String> dependencies = new LinkedHashMap<>();
        service.path("depends_on").fields().forEachRemaining(e ->
                dependencies.put(e.getKey(), e.getValue().path("condition").asText("service_started")));
        return dependencies;
    }

    static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
