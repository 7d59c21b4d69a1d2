package io.onboarding.operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The route files read as plain YAML, without Camel: a check on what {@link OperationPipelines} makes
 * of them. A pipeline is a {@code route} whose steps send {@code to: step:NAME}.
 */
final class RouteFiles {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private RouteFiles() {
    }

    /** Each pipeline's steps in order, by route id, from {@code file:} locations separated by commas. */
    static Map<String, List<String>> stepsByPipeline(String files) {
        Map<String, List<String>> pipelines = new LinkedHashMap<>();
        for (String file : files.split(",")) {
            JsonNode document;
            try {
                document = YAML.readTree(Path.of(file.trim().replaceFirst("^file:", "")).toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (JsonNode element : document) {
                JsonNode route = element.path("route");
                List<String> steps = new ArrayList<>();
                route.path("from").path("steps").forEach(step -> {
                    String to = step.path("to").asText("");
                    if (to.startsWith("step:")) {
                        steps.add(to.substring("step:".length()));
                    }
                });
                if (!steps.isEmpty()) {
                    pipelines.put(route.path("id").asText(), steps);
                }
            }
        }
        return pipelines;
    }
}
