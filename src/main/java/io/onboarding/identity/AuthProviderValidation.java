package io.onboarding.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.kit.Refusal;
import io.onboarding.kit.RequestSchemas;
import io.onboarding.kit.Refusal.FieldError;
import io.onboarding.kit.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks an auth-providers body (the PUT's, and a create request's {@code auth_providers}) and
 * returns it normalised: providers in a fixed order, values trimmed, OIDC scopes defaulted. Problems
 * are named by field ({@code github.client_secret}), all at once.
 */
public final class AuthProviderValidation {

    static final List<String> ORDER = List.of("github", "entra_id", "oidc");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "github", Set.of("client_id", "client_secret", "organization", "teams"),
            "entra_id", Set.of("tenant_id", "client_id", "client_secret", "groups"),
            "oidc", Set.of("issuer_url", "client_id", "client_secret", "scopes"));
    private static final Pattern GITHUB_ORG = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?");

    private AuthProviderValidation() {
    }

    public static ObjectNode validate(JsonNode body) {
        return RequestSchemas.validate("AuthProviders", body, () -> rules(body));
    }

    private static ObjectNode rules(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw Refusal.validation("body", "must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        ObjectNode config = Json.MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String provider = entry.getKey();
            JsonNode settings = entry.getValue();
            if (!FIELDS.containsKey(provider)) {
                errors.add(new FieldError(provider, "is not a known provider (github, entra_id, oidc)"));
                continue;
            }
            if (settings == null || settings.isNull()) {
                continue; // null disables the provider
            }
            if (!settings.isObject()) {
                errors.add(new FieldError(provider, "must be an object"));
                continue;
            }
            for (Iterator<String> names = settings.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!FIELDS.get(provider).contains(name)) {
                    errors.add(new FieldError(provider + "." + name, "is not a known field"));
                }
            }
            ObjectNode checked = Json.MAPPER.createObjectNode();
            requireText(settings, provider, "client_id", errors, checked);
            String secret = requireText(settings, provider, "client_secret", errors, checked);
            if (AuthProviderSettings.REDACTED.equals(secret)) {
                errors.add(new FieldError(provider + ".client_secret", "must be the secret itself, not the redacted value"));
            }
            switch (provider) {
                case "github" -> {
                    String org = requireText(settings, provider, "organization", errors, checked);
                    if (org != null && !GITHUB_ORG.matcher(org).matches()) {
                        errors.add(new FieldError("github.organization", "must be a GitHub organization login"));
                    }
                    names(settings, provider, "teams", errors, checked);
                }
                case "entra_id" -> {
                    String tenant = requireText(settings, provider, "tenant_id", errors, checked);
                    if (tenant != null && !isUuid(tenant)) {
                        errors.add(new FieldError("entra_id.tenant_id", "must be the directory (tenant) id, a UUID"));
                    }
                    String client = settings.path("client_id").asText(null);
                    if (client != null && !isUuid(client)) {
                        errors.add(new FieldError("entra_id.client_id", "must be the application (client) id, a UUID"));
                    }
                    names(settings, provider, "groups", errors, checked);
                }
                default -> {
                    String issuer = requireText(settings, provider, "issuer_url", errors, checked);
                    if (issuer != null && !isIssuer(issuer)) {
                        errors.add(new FieldError("oidc.issuer_url",
                                "must be an https URL (http only for localhost) without query or fragment"));
                    }
                    ArrayNode scopes = names(settings, provider, "scopes", errors, checked);
                    if (scopes == null) {
                        checked.set("scopes", Json.MAPPER.createArrayNode().add("openid").add("profile").add("email"));
                    } else if (!scopes.toString().contains("\"openid\"")) {
                        errors.add(new FieldError("oidc.scopes", "must include openid"));
                    }
                }
            }
            config.set(provider, checked);
        }
        if (!errors.isEmpty()) {
            throw Refusal.validation(errors);
        }
        ObjectNode ordered = Json.MAPPER.createObjectNode();
        ORDER.stream().filter(config::has).forEach(provider -> ordered.set(provider, config.get(provider)));
        return ordered;
    }

    private static String requireText(JsonNode settings, String provider, String field, List<FieldError> errors,
                                      ObjectNode checked) {
        JsonNode value = settings.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            errors.add(new FieldError(provider + "." + field, "is required"));
            return null;
        }
        checked.put(field, value.asText().trim());
        return value.asText().trim();
    }

    private static ArrayNode names(JsonNode settings, String provider, String field, List<FieldError> errors,
                                   ObjectNode checked) {
        JsonNode value = settings.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        ArrayNode names = Json.MAPPER.createArrayNode();
        if (!value.isArray()) {
            errors.add(new FieldError(provider + "." + field, "must be an array of strings"));
            return names;
        }
        value.forEach(item -> {
            if (item.isTextual() && !item.asText().isBlank()) {
                names.add(item.asText().trim());
            } else {
                errors.add(new FieldError(provider + "." + field, "must hold non-empty strings"));
            }
        });
        checked.set(field, names);
        return names;
    }

    private static boolean isUuid(String value) {
        try {
            return UUID.fromString(value).toString().equalsIgnoreCase(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isIssuer(String value) {
        try {
            URI uri = URI.create(value);
            boolean local = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
            return uri.getHost() != null && uri.getQuery() == null && uri.getFragment() == null
                    && ("https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && local));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
