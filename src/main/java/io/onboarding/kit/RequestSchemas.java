package io.onboarding.kit;

import io.onboarding.kit.ApiDocument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.onboarding.kit.Refusal.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Request bodies checked against the JSON Schemas the API document serves ({@link ApiDocument}), by
 * the networknt validator in the document's own dialect (OpenAPI 3.0). Every problem becomes a
 * detail named by field the way the API names fields ({@code backup_policy.schedule}). The schema
 * holds the shape (types, required, enums, formats, lengths, unknown fields); the Java rules that
 * follow hold what depends on configuration or state (regions, cron limits, existing backups), and
 * where both object to one field the Java rule's more specific message is the one given.
 */
public final class RequestSchemas {

    private static final String DOCUMENT = "https://tenant-onboarding.invalid/api-doc";
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private static final class Registry {
        static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30(),
                builder -> builder.schemas(Map.of(DOCUMENT, Json.write(ApiDocument.assembled()))));
    }

    private RequestSchemas() {
    }

    /**
     * The body checked against {@code #/components/schemas/NAME}, then by {@code rules}; all
     * problems of both in one 400. Null values count as absent (the API never needs a null).
     */
    public static <T> T validate(String name, JsonNode body, Supplier<T> rules) {
        List<FieldError> schemaErrors = body == null ? List.of() : problems(name, body);
        T result;
        try {
            result = rules.get();
        } catch (Refusal invalid) {
            if (invalid.status() != 400 || schemaErrors.isEmpty()) {
                throw invalid;
            }
            throw Refusal.validation(merged(invalid.details(), schemaErrors));
        }
        if (!schemaErrors.isEmpty()) {
            throw Refusal.validation(schemaErrors);
        }
        return result;
    }

    /**
     * The body checked against {@code #/components/schemas/NAME} alone, for handlers whose own rules
     * act as they check (look up a backup, launch an operation): a 400 before anything happens.
     */
    public static void check(String name, JsonNode body) {
        List<FieldError> problems = body == null ? List.of() : problems(name, body);
        if (!problems.isEmpty()) {
            throw Refusal.validation(problems);
        }
    }

    /** What the schema finds wrong with a request body, one detail per field (a null is an absent field). */
    public static List<FieldError> problems(String name, JsonNode body) {
        return differences(name, withoutNulls(body));
    }

    /** What the schema finds wrong with an answer of the service, nulls included (tests hold answers to the document). */
    public static List<FieldError> answerProblems(String name, JsonNode answer) {
        return differences(name, answer);
    }

    private static List<FieldError> differences(String name, JsonNode json) {
        Schema schema = SCHEMAS.computeIfAbsent(name, schemaName -> Registry.REGISTRY.getSchema(
                SchemaLocation.of(DOCUMENT + ApiDocument.SCHEMA_REF + schemaName)));
        List<Error> errors = schema.validate(Json.write(json), InputFormat.JSON);
        Map<String, FieldError> byField = new LinkedHashMap<>();
        for (Error error : errors) {
            FieldError detail = detail(error);
            if (detail != null) {
                byField.putIfAbsent(detail.field(), detail);
            }
        }
        return List.copyOf(byField.values());
    }

    /** The rules' details first; the schema's only for fields the rules did not name (an item {@code scopes[0]} names {@code scopes}). */
    private static List<FieldError> merged(List<FieldError> rules, List<FieldError> schema) {
        Set<String> named = rules.stream().map(detail -> detail.field().replaceAll("\\[\\d+]", ""))
                .collect(Collectors.toSet());
        List<FieldError> all = new ArrayList<>(rules);
        schema.stream().filter(detail -> !named.contains(detail.field())).forEach(all::add);
        return all;
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = Json.MAPPER.createObjectNode();
            node.properties().forEach(field -> {
                if (!field.getValue().isNull()) {
                    copy.set(field.getKey(), withoutNulls(field.getValue()));
                }
            });
            return copy;
        }
        if (node.isArray()) {
            var copy = Json.MAPPER.createArrayNode();
            node.forEach(item -> copy.add(withoutNulls(item)));
            return copy;
        }
        return node;
    }

    /**
     * One validator error as the API's detail; null for errors that only echo another (allOf, $ref),
     * and for {@code format: email}: the validator's check wants a top-level domain it knows
     * ({@code .example} is not one), so {@link ApiRequests#isEmail} is the one authority on addresses.
     */
    private static FieldError detail(Error error) {
        String keyword = error.getKeyword();
        if (keyword == null || "allOf".equals(keyword) || "$ref".equals(keyword)
                || "format".equals(keyword) && error.getSchemaNode() != null
                && "email".equals(error.getSchemaNode().asString())) {
            return null;
        }
        StringBuilder field = new StringBuilder();
        var path = error.getInstanceLocation();
        for (int i = 0; i < path.getNameCount(); i++) {
            if (path.getElement(i) instanceof String name) {
                field.append(field.isEmpty() ? "" : ".").append(name);
            }
        }
        if (("required".equals(keyword) || "additionalProperties".equals(keyword)) && error.getProperty() != null) {
            field.append(field.isEmpty() ? "" : ".").append(error.getProperty());
        }
        return new FieldError(field.isEmpty() ? "body" : field.toString(), message(keyword, error));
    }

    private static String message(String keyword, Error error) {
        // The keyword's value in the schema (the enum's values, the format's name, the bound).
        JsonNode rule = error.getSchemaNode() == null ? null : parse(error.getSchemaNode().toString());
        return switch (keyword) {
            case "required" -> "is required";
            case "additionalProperties" -> "is not a known field";
            case "enum" -> "must be one of " + values(rule);
            case "type" -> switch (rule == null ? "" : rule.asText()) {
                case "object" -> "must be an object";
                case "array" -> "must be an array";
                case "integer" -> "must be a whole number";
                case "number" -> "must be a number";
                case "boolean" -> "must be true or false";
                default -> "must be a non-empty string";
            };
            case "format" -> switch (rule == null ? "" : rule.asText()) {
                case "uuid" -> "must be a UUID";
                case "email" -> "must be an email address";
                case "date-time" -> "must be an ISO-8601 date-time";
                default -> "must be a " + (rule == null ? "value of the documented format" : rule.asText());
            };
            case "minLength" -> rule != null && rule.asInt() <= 1 ? "must be a non-empty string"
                    : "must be at least " + number(rule) + " characters";
            case "maxLength" -> "must be at most " + number(rule) + " characters";
            case "pattern" -> "must match " + (rule == null ? "the documented pattern" : rule.asText());
            case "minimum" -> "must be at least " + number(rule);
            case "maximum" -> "must be at most " + number(rule);
            case "minProperties" -> "must not be empty";
            case "minItems" -> "must hold at least " + number(rule) + " items";
            case "maxItems" -> "must hold at most " + number(rule) + " items";
            default -> "is not valid (" + keyword + ")";
        };
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            return null;
        }
    }

    private static String values(JsonNode rule) {
        if (rule == null || !rule.isArray()) {
            return "the documented values";
        }
        List<String> values = new ArrayList<>();
        rule.forEach(value -> values.add(value.asText()));
        return String.join(", ", values);
    }

    private static String number(JsonNode rule) {
        return rule == null ? "?" : rule.asText();
    }
}
