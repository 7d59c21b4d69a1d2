package io.onboarding.users;

import com.fasterxml.jackson.core.type.TypeReference;
import io.onboarding.kit.Json;
import io.onboarding.operation.StepContext;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Who an invitation is for, as every part of it (credential, login role, mail, record) reads it from
 * the operation: an {@code invite-user} operation carries it in its parameters; provisioning invites
 * the tenant's {@code admin_email} as {@code tenant_admin}, under a user id derived from the
 * operation, so that a resumed step makes the same user again and never a second one.
 */
public record Invitee(UUID userId, UUID tenantId, String email, TenantRole role, List<String> teams,
                      String invitedBy) {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /** The tenant's LOGIN role for this person. */
    public String login() {
        return TenantNaming.userRoleName(tenantId, userId);
    }

    /** The invitation's record, as the control plane and the API show it. */
    TenantUser asUser(String status) {
        return new TenantUser(userId, tenantId, email, role.apiName(), teams, invitedBy, login(), status, null, null,
                null);
    }

    /** The parameters of an {@code invite-user} operation. */
    static Map<String, String> parameters(UUID userId, InviteRequest request) {
        Map<String, String> parameters = new HashMap<>(Map.of("user_id", userId.toString(), "email", request.email(),
                "role", request.role().apiName(), "teams", Json.write(request.teams())));
        if (request.invitedBy() != null) {
            parameters.put("invited_by", request.invitedBy());
        }
        return parameters;
    }

    /** The invitee of the operation; empty for a provisioning without {@code admin_email}. */
    static Optional<Invitee> of(StepContext context) {
        Map<String, String> parameters = context.parameters();
        if (parameters.containsKey("user_id")) {
            try {
                return Optional.of(new Invitee(UUID.fromString(parameters.get("user_id")), context.subjectId(),
                        context.parameter("email"), TenantRole.fromApiName(context.parameter("role")).orElseThrow(),
                        Json.MAPPER.readValue(context.parameter("teams"), STRINGS), parameters.get("invited_by")));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("unreadable teams of operation " + context.operationId(), e);
            }
        }
        String adminEmail = context.subject(TenantRecord.class).adminEmail();
        if (adminEmail == null) {
            return Optional.empty();
        }
        UUID adminId = UUID.nameUUIDFromBytes(("tenant-admin/" + context.operationId()).getBytes(StandardCharsets.UTF_8));
        return Optional.of(new Invitee(adminId, context.subjectId(), adminEmail, TenantRole.TENANT_ADMIN, List.of(),
                UserInvitations.PROVISIONING));
    }

    /** As {@link #of}, for a part that has work to do only when there is someone to invite. */
    static Invitee require(StepContext context) {
        return of(context).orElseThrow(() -> new IllegalStateException("operation " + context.operationId()
                + " invites no one"));
    }
}
