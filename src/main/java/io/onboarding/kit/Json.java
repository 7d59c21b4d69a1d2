package io.onboarding.kit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapping of the API: snake_case names, ISO-8601 timestamps, absent rather than null. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private Json() {
    }

    /** Parses a request body; malformed JSON is the caller's mistake, not ours. */
    public static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw Refusal.validation("body", "is empty: a JSON object is expected");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (Exception e) {
            throw Refusal.validation("body", "is not valid JSON");
        }
        rejectNul(tree);
        return tree;
    }

    /**
     * A NUL character (\u0000) in any string or field name is refused with a 400 naming the field:
     * PostgreSQL cannot store it in text or jsonb, so it would otherwise fail deep inside as our error.
     */
    public static void rejectNul(JsonNode tree) {
        String field = fieldWithNul(tree, "");
        if (field != null) {
            throw Refusal.validation(field.isEmpty() ? "body" : field, "must not contain NUL characters");
        }
    }

    private static String fieldWithNul(JsonNode node, String path) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\0') >= 0 ? path : null;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                String found = fieldWithNul(item, path);
                if (found != null) {
                    return found;
                }
            }
        }
        for (var fields = node.fields(); node.isObject() && fields.hasNext(); ) {
            var field = fields.next();
            String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            if (field.getKey().indexOf('\0') >= 0) {
                return path.isEmpty() ? "body" : path;
            }
            String found = fieldWithNul(field.getValue(), name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }
}
