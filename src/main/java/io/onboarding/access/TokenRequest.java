package io.onboarding.access;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.kit.Refusal;
import io.onboarding.kit.Refusal.FieldError;
import io.onboarding.kit.RequestSchemas;
import java.text.Normalizer;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A checked {@code POST /api/v1/tokens} body: {@code name}, {@code scopes} (admin, operator,
 * reader), {@code expires_at} (optional, in the future). Checked against the documented schema
 * ({@code CreateTokenRequest}) and the rules below; every problem is reported at once, named by
 * field; unknown fields are refused.
 */
public record TokenRequest(String name, List<String> scopes, OffsetDateTime expiresAt) {

    private static final Set<String> FIELDS = Set.of("name", "scopes", "expires_at");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}");

    public static TokenRequest from(JsonNode body) {
        return RequestSchemas.validate("CreateTokenRequest", body, () -> rules(body));
    }

    private static TokenRequest rules(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw Refusal.validation("body", "must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                errors.add(new FieldError(field, "is not a known field"));
            }
        }
        JsonNode nameNode = body.get("name");
        String name = nameNode != null && nameNode.isTextual() ? nameNode.asText().strip() : null;
        if (name != null && isReserved(name)) {
            errors.add(new FieldError("name", "is reserved for the bootstrap admin token"));
        } else if (name == null || !NAME.matcher(name).matches()) {
            errors.add(new FieldError("name",
                    "must be 1 to 64 characters: letters, digits, space, '.', '_', '@' or '-', starting with a letter or digit"));
        }
        List<String> scopes = scopes(body.get("scopes"), errors);
        OffsetDateTime expiresAt = expiresAt(body.get("expires_at"), errors);
        if (!errors.isEmpty()) {
            throw Refusal.validation(errors);
        }
        return new TokenRequest(name, scopes, expiresAt);
    }

    /**
     * Whether a name would read as the bootstrap admin's in a listing or the audit log: compared after
     * Unicode NFKC (full-width and other compatibility forms), with every run of spaces, {@code .},
     * {@code _}, {@code -} and invisible characters taken as one {@code -}, trimmed, case folded.
     * {@code "bootstrap-admin "}, {@code "Bootstrap_Admin"}, {@code "bootstrap admin"} are all reserved.
     */
    static boolean isReserved(String name) {
        String folded = Normalizer.normalize(name, Normalizer.Form.NFKC)
                .replaceAll("[\\p{Cf}\\p{Cc}]", "")
                .replaceAll("[\\s._\\-\\p{Z}]+", "-")
                .replaceAll("^-|-$", "")
                .toLowerCase(Locale.ROOT);
        return folded.equals(BootstrapToken.NAME);
    }

    private static List<String> scopes(JsonNode node, List<FieldError> errors) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            errors.add(new FieldError("scopes", "must be a non-empty array of admin, operator, reader"));
            return List.of();
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode scope = node.get(i);
            if (!scope.isTextual() || Scope.fromWire(scope.asText()) == null) {
                errors.add(new FieldError("scopes[" + i + "]", "must be one of admin, operator, reader"));
            } else {
                scopes.add(scope.asText());
            }
        }
        return List.copyOf(scopes);
    }

    private static OffsetDateTime expiresAt(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            OffsetDateTime expiresAt = OffsetDateTime.parse(node.isTextual() ? node.asText() : "");
            if (!expiresAt.isAfter(OffsetDateTime.now())) {
                errors.add(new FieldError("expires_at", "must be in the future"));
            }
            return expiresAt;
        } catch (DateTimeParseException e) {
            errors.add(new FieldError("expires_at", "must be an ISO-8601 timestamp with an offset, e.g. 2030-01-01T00:00:00Z"));
            return null;
        }
    }
}
