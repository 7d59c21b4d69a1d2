package io.onboarding.users;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.kit.Refusal;
import io.onboarding.kit.Refusal.FieldError;
import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.RequestSchemas;
import io.onboarding.tenant.TenantRole;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** A validated {@code POST /api/v1/tenants/{id}/users} body. */
public record InviteRequest(String email, TenantRole role, List<String> teams, String invitedBy) {

    private static final Set<String> FIELDS = Set.of("email", "role", "teams", "invited_by");
    /** {@code invited_by} is a person's name, shown in the invitation mail as quoted data. */
    static final int MAX_INVITED_BY = 100;

    /**
     * No character that could start a new line or paragraph of the mail, or steer a terminal or the
     * text's direction: control characters (C0, DEL, C1), line and paragraph separators, and format
     * characters (bidirectional overrides, zero-width characters).
     */
    static boolean isPlainName(String name) {
        return name.codePoints().noneMatch(c -> switch (Character.getType(c)) {
            case Character.CONTROL, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.FORMAT,
                 Character.UNASSIGNED, Character.PRIVATE_USE, Character.SURROGATE -> true;
            default -> false;
        });
    }

    public static InviteRequest from(JsonNode body) {
        return RequestSchemas.validate("InviteUserRequest", body, () -> rules(body));
    }

    private static InviteRequest rules(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw Refusal.validation("body", "must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "is not a known field"));
            }
        }
        String email = body.path("email").isTextual() ? body.get("email").asText().trim() : null;
        if (!ApiRequests.isEmail(email)) {
            errors.add(new FieldError("email", "must be an email address"));
        }
        TenantRole role = body.path("role").isTextual() ? TenantRole.fromApiName(body.get("role").asText()).orElse(null)
                : null;
        if (role == null) {
            errors.add(new FieldError("role", "must be one of tenant_admin, application_manager, developer, auditor"));
        }
        List<String> teams = new ArrayList<>();
        JsonNode teamsNode = body.get("teams");
        if (teamsNode != null && !teamsNode.isNull()) {
            if (!teamsNode.isArray()) {
                errors.add(new FieldError("teams", "must be an array of team names"));
            } else {
                teamsNode.forEach(team -> {
                    if (team.isTextual() && !team.asText().isBlank() && team.asText().length() <= 100) {
                        teams.add(team.asText().trim());
                    } else {
                        errors.add(new FieldError("teams", "must hold non-empty names of at most 100 characters"));
                    }
                });
            }
        }
        JsonNode invitedByNode = body.get("invited_by");
        String invitedBy = null;
        if (invitedByNode != null && !invitedByNode.isNull()) {
            String name = invitedByNode.isTextual() ? invitedByNode.asText().strip() : "";
            if (name.isEmpty() || name.codePointCount(0, name.length()) > MAX_INVITED_BY) {
                errors.add(new FieldError("invited_by", "must be a name of 1 to " + MAX_INVITED_BY + " characters"));
            } else if (!isPlainName(name)) {
                errors.add(new FieldError("invited_by",
                        "must be a name on one line: no line breaks, control or formatting characters"));
            } else {
                invitedBy = name;
            }
        }
        if (!errors.isEmpty()) {
            throw Refusal.validation(errors);
        }
        return new InviteRequest(email.toLowerCase(), role, List.copyOf(teams), invitedBy);
    }
}
