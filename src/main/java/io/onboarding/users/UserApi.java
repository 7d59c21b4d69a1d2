package io.onboarding.users;

import io.onboarding.access.ApiCall;
import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.HttpReplies;
import io.onboarding.kit.Json;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;

/** HTTP handlers for {@code /api/v1/tenants/{id}/users} and the public {@code /api/v1/invitations}. */
public final class UserApi {

    private final UserInvitations invitations;
    private final InvitationLinks links;

    public UserApi(UserInvitations invitations, InvitationLinks links) {
        this.links = links;
        this.invitations = invitations;
    }

    /**
     * 201 with the user once the invitation is made, as ever. An invitation still running when the call
     * ends (this instance began to stop: the next start finishes it) is a 202 naming its operation and
     * the user it makes.
     */
    public void invite(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        InviteRequest request = InviteRequest.from(Json.parse(exchange.getMessage().getBody(String.class)));
        UserInvitations.Invited invited = invitations.invite(tenantId, request);
        if (invited.user().isEmpty()) {
            HttpReplies.operationStarted(exchange, tenantId, invited.operationId(), UserInvitations.TYPE,
                    Map.of("user_id", invited.userId()));
            return;
        }
        HttpReplies.json(exchange, 201, view(invited.user().get()));
        exchange.getMessage().setHeader("Location", "/api/v1/tenants/" + tenantId + "/users/" + invited.userId());
    }

    public void list(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        HttpReplies.json(exchange, 200, Map.of("items", invitations.list(tenantId).stream().map(UserApi::view).toList()));
    }

    public void remove(Exchange exchange) {
        invitations.remove(ApiRequests.uuid(exchange, "tenantId", "tenant_id"),
                ApiRequests.uuid(exchange, "userId", "user_id"));
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        exchange.getMessage().setBody(null);
    }

    public void rotate(Exchange exchange) {
        TenantUser user = invitations.rotate(ApiRequests.uuid(exchange, "tenantId", "tenant_id"),
                ApiRequests.uuid(exchange, "userId", "user_id"));
        HttpReplies.json(exchange, 200, view(user));
    }

    /** The one-time link of a user's pending invitation, for the operator to hand over (admin only). */
    public void issueInvitationLink(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        UserInvitations.IssuedLink issued = invitations.issueLink(tenantId, ApiRequests.uuid(exchange, "userId", "user_id"));
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("user_id", issued.user().userId());
        body.put("email", issued.user().email());
        body.put("invitation_url", issued.url());
        body.put("expires_at", issued.expiresAt());
        HttpReplies.json(exchange, 200, body);
        HttpReplies.concernsTenant(exchange, tenantId);
        // The link is a credential: no cache keeps the answer.
        exchange.getMessage().setHeader("Cache-Control", "no-store");
    }

    public void describeInvitation(Exchange exchange) {
        HttpReplies.json(exchange, 200, links.describe(token(exchange)));
    }

    public void acceptInvitation(Exchange exchange) {
        InvitationLinks.Accepted accepted = links.accept(token(exchange));
        HttpReplies.concernsTenant(exchange, accepted.tenantId());
        HttpReplies.json(exchange, 200, accepted.reply());
    }

    private static String token(Exchange exchange) {
        String token = exchange.getMessage().getHeader("token", String.class);
        // The token must not travel further into the exchange (or a log line) than this.
        exchange.getMessage().removeHeader("token");
        return token == null ? "" : token;
    }

    /** The API's view of a user: never a password. */
    private static Map<String, Object> view(TenantUser user) {
        Map<String, Object> view = new java.util.LinkedHashMap<>();
        view.put("user_id", user.userId());
        view.put("email", user.email());
        view.put("role", user.role());
        view.put("teams", user.teams());
        view.put("invited_by", user.invitedBy());
        view.put("database_user", user.databaseUser());
        view.put("status", user.status());
        view.put("created_at", user.createdAt());
        view.put("activated_at", user.activatedAt());
        view.put("credentials_rotated_at", user.credentialsRotatedAt());
        return view;
    }
}
