package io.onboarding.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A JSON request body built from options: only what was given is sent, so the API's defaults apply. */
final class RequestBody {

    private final ObjectNode body;

    private RequestBody(ObjectNode body) {
        this.body = body;
    }

    static RequestBody empty() {
        return new RequestBody(ApiAnswer.JSON.createObjectNode());
    }

    /** The JSON object in the file (a whole request), the options then set over it. */
    static RequestBody from(Path file) {
        if (file == null) {
            return empty();
        }
        try {
            JsonNode read = ApiAnswer.JSON.readTree(Files.readString(file));
            if (read instanceof ObjectNode object) {
                return new RequestBody(object);
            }
            throw new CliUsageException(file + " must hold one JSON object");
        } catch (IOException e) {
            throw new CliUsageException("cannot read " + file + " as JSON: " + e.getMessage());
        }
    }

    RequestBody put(String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
        return this;
    }

    RequestBody put(String field, List<String> values) {
        if (values != null && !values.isEmpty()) {
            values.forEach(body.putArray(field)::add);
        }
        return this;
    }

    /**
     * {@code KEY=VALUE} pairs as an object, merged into what the body holds under the field: whole
     * numbers and true/false are sent as such ({@code retention_days=7}), anything else as text.
     */
    RequestBody put(String field, Map<String, String> pairs) {
        if (pairs != null && !pairs.isEmpty()) {
            ObjectNode object = body.get(field) instanceof ObjectNode existing ? existing : body.putObject(field);
            pairs.forEach((key, value) -> {
                if (value.matches("-?\\d{1,18}")) {
                    object.put(key, Long.parseLong(value));
                } else if (value.equals("true") || value.equals("false")) {
                    object.put(key, Boolean.parseBoolean(value));
                } else {
                    object.put(key, value);
                }
            });
        }
        return this;
    }

    boolean isEmpty() {
        return body.isEmpty();
    }

    ObjectNode json() {
        return body;
    }
}
